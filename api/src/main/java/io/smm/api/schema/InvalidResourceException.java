package io.smm.api.schema;

import java.util.List;

/** A resource the user gave us is not acceptable; nothing has been written. */
public class InvalidResourceException extends RuntimeException {

  private final List<SchemaValidator.Violation> violations;

  public InvalidResourceException(String source, List<SchemaValidator.Violation> violations) {
    super(source + " is invalid: " + String.join("; ", violations.stream().map(Object::toString).toList()));
    this.violations = List.copyOf(violations);
  }

  public List<SchemaValidator.Violation> violations() {
    return violations;
  }
}
