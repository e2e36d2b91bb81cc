package io.smm.operator.slo;

/** An SLO that cannot be turned into rules; the message names the template, parameter or field, and goes into the SLO's status. */
public class SloException extends RuntimeException {
  public SloException(String message) {
    super(message);
  }
}
