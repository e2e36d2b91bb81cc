package io.smm.sandbox.prometheus;

/** A machine binary the sandbox runs is not installed. */
public class MissingBinaryException extends RuntimeException {
  public MissingBinaryException(String binary, String debianPackage) {
    super("'" + binary + "' not found on PATH; install the '" + debianPackage + "' package (scripts/setup does it on Debian/Ubuntu)");
  }
}
