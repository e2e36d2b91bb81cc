package io.smm.operator.resources;

/** What applying one {@link DesiredResource} did. Only the first three are writes. */
public enum ApplyOutcome {
  CREATED, UPDATED, DELETED, UNCHANGED, ALREADY_ABSENT;

  public boolean wrote() {
    return this == CREATED || this == UPDATED || this == DELETED;
  }
}
