package io.smm.backend.validation;

import java.util.Locale;

/** How bad a finding is: errors break traffic or security, warnings probably do, info is advice. */
public enum Severity {
  ERROR, WARNING, INFO;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
