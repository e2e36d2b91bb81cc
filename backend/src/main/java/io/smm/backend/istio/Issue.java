package io.smm.backend.istio;

/**
 * One problem with a resource being edited, at a line and column of its YAML. {@code blocking}
 * problems (unreadable YAML, wrong kind, schema violations) are never written; the others are
 * mesh-validation findings a user may override. {@code istioCode} is the Istio analyzer code of a
 * finding that has one ("IST0101"), else null.
 */
public record Issue(String checkId, String severity, String path, String message, int line, int column, boolean blocking,
    String istioCode) {}
