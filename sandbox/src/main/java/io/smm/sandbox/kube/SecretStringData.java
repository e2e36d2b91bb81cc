package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * What kube-apiserver does with a Secret's stringData: a write-only convenience, merged into data
 * (base64, overriding the same keys) before the Secret is stored, and never returned. Without it a
 * reader of data (istiod, the product) would miss what a user wrote as stringData.
 */
final class SecretStringData {

  private static final Pattern SECRETS = Pattern.compile("/api/v1/namespaces/[^/]+/secrets(/[^/]+)?");

  private SecretStringData() {}

  static boolean applies(String path) {
    return SECRETS.matcher(path).matches();
  }

  /** The request with its body's stringData moved into data; the request itself when there is none. */
  static RecordedRequest merged(RecordedRequest request) {
    ObjectNode secret;
    try {
      JsonNode body = Serialization.jsonMapper().readTree(request.getBody().getBytes());
      if (!(body instanceof ObjectNode o) || !o.path("stringData").isObject() || o.path("stringData").isEmpty()) {
        return request;
      }
      secret = o;
    } catch (IOException | RuntimeException e) {
      return request;
    }
    ObjectNode data = secret.path("data").isObject() ? (ObjectNode) secret.get("data") : secret.putObject("data");
    secret.get("stringData").fields().forEachRemaining(e -> data.put(e.getKey(),
        Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
    secret.remove("stringData");
    return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), request.getHeaders(),
        new Buffer(Serialization.asJson(secret).getBytes(StandardCharsets.UTF_8)));
  }
}
