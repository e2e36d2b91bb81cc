package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a support bundle must never carry: credential values in objects (fields named like a
 * password, token, secret or private key, except names and references to them), last-applied
 * annotations (they repeat whole objects), bearer tokens, JWTs and PEM private keys in logs.
 * Secrets themselves are never collected.
 */
final class Redaction {

  static final String REDACTED = "REDACTED";

  private static final Pattern SENSITIVE_FIELD = Pattern.compile("(?i).*(password|passwd|token|secret|apikey|api_key|privatekey|private_key"
      + "|credentials?|clientkey|client_key)$");
  private static final Pattern REFERENCE_FIELD = Pattern.compile("(?i).*(name|names|ref|namespace|path|file|mountpath|selector)$");
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}");
  private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
  private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\\s\\S]*?-----END \\1PRIVATE KEY-----");
  private static final Pattern ASSIGNMENT = Pattern.compile("(?i)((?:password|passwd|token|secret|api_?key)\\s*[=:]\\s*)(\\S+)");

  private Redaction() {}

  /** The object with sensitive values replaced, in place; managed fields and last-applied copies dropped. */
  static JsonNode object(JsonNode node) {
    if (node instanceof ObjectNode o) {
      JsonNode metadata = o.path("metadata");
      if (metadata instanceof ObjectNode m) {
        m.remove("managedFields");
        if (m.path("annotations") instanceof ObjectNode a) {
          a.remove("kubectl.kubernetes.io/last-applied-configuration");
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isValueNode() && sensitive(e.getKey())) {
          e.setValue(o.textNode(REDACTED));
        } else if (e.getValue().isTextual()) {
          e.setValue(o.textNode(text(e.getValue().asText())));
        } else {
          object(e.getValue());
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i).isTextual()) {
          a.set(i, a.textNode(text(a.get(i).asText())));
        } else {
          object(a.get(i));
        }
      }
    }
    return node;
  }

  private static boolean sensitive(String field) {
    return SENSITIVE_FIELD.matcher(field).matches() && !REFERENCE_FIELD.matcher(field).matches();
  }

  /** Free text (a log, a ConfigMap value) with tokens, JWTs, private keys and password assignments replaced. */
  static String text(String s) {
    String out = PRIVATE_KEY.matcher(s).replaceAll(REDACTED + " PRIVATE KEY");
    out = BEARER.matcher(out).replaceAll("$1" + REDACTED);
    out = JWT.matcher(out).replaceAll(REDACTED + "-JWT");
    return ASSIGNMENT.matcher(out).replaceAll("$1" + REDACTED);
  }
}
