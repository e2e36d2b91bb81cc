package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashSet;
import java.util.Set;

/** Istio's exportTo: "*" (every namespace, the default), "." (the resource's own) or namespace names. */
final class ExportTo {

  static final String ALL = "*";
  static final String LOCAL = ".";

  private ExportTo() {}

  /** The namespaces a resource of {@code namespace} is visible in; {"*"} when it is visible everywhere. */
  static Set<String> scopes(JsonNode exportTo, String namespace) {
    Set<String> out = new LinkedHashSet<>();
    if (exportTo == null || exportTo.isEmpty()) {
      out.add(ALL);
      return out;
    }
    for (JsonNode e : exportTo) {
      if (e.asText().equals(ALL)) {
        return Set.of(ALL);
      }
      out.add(e.asText().equals(LOCAL) ? namespace : e.asText());
    }
    return out;
  }
}
