package io.smm.operator;

/** What one component's reconcile did; status as the ControlPlane reports it per component. */
public record ComponentResult(String component, String status, int created, int updated, int deleted, int unchanged, String message) {

  public static final String AVAILABLE = "Available";
  public static final String REMOVED = "Removed";
  public static final String FAILED = "Failed";

  public int writes() {
    return created + updated + deleted;
  }

  public String summary() {
    if (FAILED.equals(status)) {
      return "failed: " + message;
    }
    if (writes() == 0) {
      return status.toLowerCase() + ", unchanged";
    }
    return status.toLowerCase() + " (" + created + " created, " + updated + " updated, " + deleted + " deleted)";
  }
}
