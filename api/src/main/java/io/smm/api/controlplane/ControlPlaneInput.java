package io.smm.api.controlplane;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.smm.api.crd.SmmCrds;
import io.smm.api.istio.IstioSchemas;
import io.smm.api.schema.InvalidResourceException;
import io.smm.api.schema.SchemaValidator;
import io.smm.api.schema.SchemaValidator.Violation;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;

/**
 * Reads a ControlPlane the user wrote (file, stdin or the cluster) and refuses it, with every
 * problem and its field path, before anything is written: YAML syntax (with line and column),
 * kind and apiVersion, the spec schema, and the YAML inside istioCROverrides.
 */
public final class ControlPlaneInput {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ControlPlaneInput() {}

  public static ObjectNode parse(String yaml, String source) {
    List<Violation> shape = shapeProblems(yaml);
    if (!shape.isEmpty()) {
      throw new InvalidResourceException(source, shape);
    }
    JsonNode doc;
    try {
      doc = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new InvalidResourceException(source, List.of(new Violation("(document)", "not valid YAML" + where + ": "
          + e.getOriginalMessage().lines().findFirst().orElse(""))));
    }
    if (doc == null || !doc.isObject()) {
      throw new InvalidResourceException(source, List.of(new Violation("(document)", "must be a ControlPlane object")));
    }
    ObjectNode cp = (ObjectNode) doc;
    List<Violation> problems = new ArrayList<>();
    if (cp.has("kind") && !SmmCrds.CONTROL_PLANE.kind().equals(cp.path("kind").asText())) {
      problems.add(new Violation(".kind", "must be ControlPlane, got \"" + cp.path("kind").asText() + "\""));
    }
    if (cp.has("apiVersion") && !SmmCrds.CONTROL_PLANE.apiVersion().equals(cp.path("apiVersion").asText())) {
      problems.add(new Violation(".apiVersion", "must be " + SmmCrds.CONTROL_PLANE.apiVersion() + ", got \""
          + cp.path("apiVersion").asText() + "\""));
    }
    problems.addAll(validateSpec(cp.path("spec")));
    if (!problems.isEmpty()) {
      throw new InvalidResourceException(source, problems);
    }
    return cp;
  }

  /**
   * What the YAML reader would otherwise hide: a second document (only the first would be read)
   * and aliases (Jackson reads an alias as the string of its name, not the value it refers to).
   */
  static List<Violation> shapeProblems(String yaml) {
    List<Violation> out = new ArrayList<>();
    int documents = 0;
    try {
      for (Event e : new Yaml().parse(new StringReader(yaml))) {
        if (e instanceof DocumentStartEvent) {
          documents++;
          if (documents == 2) {
            out.add(new Violation("(document)", "a second YAML document at line " + (e.getStartMark().getLine() + 1)
                + ": a ControlPlane file holds one resource; put others in their own files"));
          }
        } else if (e instanceof AliasEvent alias) {
          out.add(new Violation("(document)", "YAML alias *" + alias.getAnchor() + " at line " + (e.getStartMark().getLine() + 1)
              + ", column " + (e.getStartMark().getColumn() + 1) + ": aliases are not supported, write the value out"));
        }
      }
    } catch (YAMLException e) {
      return List.of(); // a syntax error: the YAML reader reports it with its line and column
    }
    return out;
  }

  /** Settings that are each valid but not together. */
  static List<Violation> crossFieldProblems(JsonNode spec) {
    List<Violation> out = new ArrayList<>();
    JsonNode frequency = spec.path("smm").path("prometheus").path("scraping").path("frequency");
    if (frequency.path("interval").isTextual() && frequency.path("timeout").isTextual()
        && seconds(frequency.path("timeout").asText()) > seconds(frequency.path("interval").asText())) {
      out.add(new Violation(".spec.smm.prometheus.scraping.frequency.timeout", "must not be longer than the interval ("
          + frequency.path("interval").asText() + "): Prometheus refuses scrape_timeout greater than scrape_interval"));
    }
    JsonNode gateway = spec.path("smm").path("exposeDashboard").path("meshGateway");
    JsonNode tls = gateway.path("tls");
    if (tls.path("letsEncrypt").path("enabled").asBoolean() && !tls.path("credentialName").asText("").isEmpty()) {
      out.add(new Violation(".spec.smm.exposeDashboard.meshGateway.tls.credentialName", "set either credentialName or"
          + " letsEncrypt, not both: Let's Encrypt writes its own secret"));
    }
    if (tls.path("letsEncrypt").path("enabled").asBoolean() && tls.path("letsEncrypt").path("dnsNames").size() == 0) {
      out.add(new Violation(".spec.smm.exposeDashboard.meshGateway.tls.letsEncrypt.dnsNames", "Let's Encrypt needs the"
          + " dashboard's host name(s) to issue a certificate for"));
    }
    if (tls.path("externalTermination").asBoolean() && tls.path("letsEncrypt").path("enabled").asBoolean()) {
      out.add(new Violation(".spec.smm.exposeDashboard.meshGateway.tls.externalTermination", "with external TLS"
          + " termination the load balancer holds the certificate; Let's Encrypt cannot be used as well"));
    }
    if (gateway.path("service").has("nodePorts") && !"NodePort".equals(gateway.path("service").path("type").asText())) {
      out.add(new Violation(".spec.smm.exposeDashboard.meshGateway.service.nodePorts", "only used with service.type NodePort"));
    }
    return out;
  }

  /** A Prometheus duration (already checked against its pattern) in seconds. */
  static double seconds(String duration) {
    double total = 0;
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]+)(ms|y|w|d|h|m|s)").matcher(duration);
    while (m.find()) {
      double n = Double.parseDouble(m.group(1));
      total += switch (m.group(2)) {
        case "ms" -> n / 1000;
        case "s" -> n;
        case "m" -> n * 60;
        case "h" -> n * 3600;
        case "d" -> n * 86400;
        case "w" -> n * 7 * 86400;
        default -> n * 365 * 86400;
      };
    }
    return total;
  }

  /** Schema and embedded-YAML checks of a spec; an empty list when it is fine. */
  public static List<Violation> validateSpec(JsonNode spec) {
    if (spec.isMissingNode() || spec.isNull()) {
      return List.of();
    }
    List<Violation> problems = new ArrayList<>(SchemaValidator.validate(spec, ControlPlaneSchema.SPEC, ".spec"));
    problems.addAll(PodSettings.validate(spec));
    problems.addAll(ControlPlaneSupport.refused(spec));
    problems.addAll(crossFieldProblems(spec));
    JsonNode overrides = spec.path("meshManager").path("istio").path("istioCROverrides");
    if (overrides.isTextual() && !overrides.asText().isBlank()) {
      String path = ".spec.meshManager.istio.istioCROverrides";
      try {
        JsonNode parsed = YAML.readTree(overrides.asText());
        if (parsed != null && !parsed.isObject()) {
          problems.add(new Violation(path, "must be a YAML object (an IstioControlPlane fragment such as 'spec: ...')"));
        } else if (parsed != null && parsed.has("spec")) {
          problems.addAll(SchemaValidator.validate(parsed.get("spec"), IstioSchemas.CONTROL_PLANE_SPEC,
              path + "(spec)"));
        }
      } catch (JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        problems.add(new Violation(path, "not valid YAML" + (at == null ? "" : " at line " + at.getLineNr()
            + ", column " + at.getColumnNr()) + ": " + e.getOriginalMessage().lines().findFirst().orElse("")));
      }
    }
    return problems;
  }
}
