package io.smm.backend.validation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Findings in the seed's two output formats: {@code smm analyze -o json} (subject key -> list of
 * {checkID, istioRevision, subjectContextKey, passed, error, errorMessage}; {@code error} carries
 * severity, path and context) and the text block per resource ending with "✗ N validation errors
 * found" or "✓ 0 validation errors found". Added to the seed's keys, never in place of them: the
 * Istio analyzer code and message name ({@code istioCode}, {@code istioMessage}; "Istio Code:") and,
 * for objects read from files, where they were ({@code origin}; "Origin:").
 */
public final class AnalysisReport {

  private AnalysisReport() {}

  /** Findings about a namespace's objects (the namespace itself included); all when null. */
  public static List<Finding> inNamespace(List<Finding> findings, String namespace) {
    if (namespace == null || namespace.isBlank()) {
      return findings;
    }
    return findings.stream().filter(f -> isAbout(f, namespace)).toList();
  }

  /** Whether a finding is about an object of the namespace, or the namespace itself. */
  public static boolean isAbout(Finding f, String namespace) {
    return f.subject().namespace().equals(namespace) || f.subject().namespace().isEmpty() && f.subject().name().equals(namespace);
  }

  public static long errors(List<Finding> findings) {
    return findings.stream().filter(f -> f.severity() == Severity.ERROR).count();
  }

  public static ObjectNode json(List<Finding> findings, String cluster) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Finding f : findings) {
      String key = f.subject().key(cluster);
      ArrayNode list = out.has(key) ? (ArrayNode) out.get(key) : out.putArray(key);
      ObjectNode result = list.addObject();
      result.put("checkID", f.checkId());
      result.put("istioRevision", f.istioRevision());
      result.put("subjectContextKey", key);
      result.put("passed", false);
      ObjectNode error = result.putObject("error");
      error.put("severity", f.severity().label());
      error.put("path", f.path());
      ObjectNode context = error.putObject("context");
      f.context().forEach(context::put);
      result.put("errorMessage", f.message());
      if (f.istio() != null) {
        result.put("istioCode", f.istio().code());
        result.put("istioMessage", f.istio().messageName());
      }
      if (!f.subject().origin().isEmpty()) {
        result.put("origin", f.subject().origin());
      }
    }
    return out;
  }

  public static String text(List<Finding> findings, String cluster) {
    StringBuilder out = new StringBuilder();
    Map<String, List<Finding>> bySubject = new LinkedHashMap<>();
    findings.forEach(f -> bySubject.computeIfAbsent(f.subject().key(cluster), k -> new ArrayList<>()).add(f));
    for (List<Finding> group : bySubject.values()) {
      KubeObject s = group.get(0).subject();
      out.append(s.kind().toLowerCase(Locale.ROOT)).append(' ')
          .append(s.namespace().isEmpty() ? s.name() : s.namespace() + "/" + s.name()).append(":\n");
      out.append("    Cluster: ").append(cluster).append('\n');
      if (!s.origin().isEmpty()) {
        out.append("    Origin: ").append(s.origin()).append('\n');
      }
      for (Finding f : group) {
        out.append("    Error: ").append(f.message()).append('\n');
        out.append("        Control Plane: ").append(f.istioRevision()).append('\n');
        out.append("        Error ID: ").append(f.checkId()).append('\n');
        if (f.istio() != null) {
          out.append("        Istio Code: ").append(f.istio().code()).append(" (").append(f.istio().messageName()).append(")\n");
        }
        out.append("        Severity: ").append(f.severity().label()).append('\n');
        out.append("        Path: ").append(f.path()).append('\n');
        if (!f.context().isEmpty()) {
          out.append("        Context:\n");
          f.context().forEach((k, v) -> out.append("            ").append(k).append(": ").append(v).append('\n'));
        }
      }
      out.append('\n');
    }
    long errors = errors(findings);
    long others = findings.size() - errors;
    out.append(errors == 0 ? "✓ " : "✗ ").append(errors).append(errors == 1 ? " validation error found" : " validation errors found");
    if (others > 0) {
      out.append(" (and ").append(others).append(others == 1 ? " warning or info" : " warnings or infos").append(')');
    }
    out.append('\n');
    return out.toString();
  }
}
