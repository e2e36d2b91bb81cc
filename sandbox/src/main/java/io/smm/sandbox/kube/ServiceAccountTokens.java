package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What kube-controller-manager's token controller does with a Secret of type
 * kubernetes.io/service-account-token that names a service account: fills in a token for that
 * account, the namespace and the cluster's CA (here when the Secret is created, there shortly after).
 * With authentication on, the token is the service account to the API server for as long as its
 * Secret exists, restarts included ({@link #owner}), as kube-apiserver's legacy tokens are.
 */
final class ServiceAccountTokens {

  static final String TYPE = "kubernetes.io/service-account-token";
  private static final String ACCOUNT_ANNOTATION = "kubernetes.io/service-account.name";
  private static final Pattern SECRETS = Pattern.compile("/api/v1/namespaces/([^/]+)/secrets");
  private static final SecureRandom RANDOM = new SecureRandom();

  private ServiceAccountTokens() {}

  /** The creating request with the token filled in; the request itself when it is not such a Secret. */
  static RecordedRequest filled(RecordedRequest request, String path, String caPem) {
    Matcher secrets = SECRETS.matcher(path);
    if (!secrets.matches()) {
      return request;
    }
    ObjectNode secret;
    try {
      JsonNode body = Serialization.jsonMapper().readTree(request.getBody().getBytes());
      if (!(body instanceof ObjectNode o) || !TYPE.equals(o.path("type").asText())
          || o.at("/metadata/annotations").path(ACCOUNT_ANNOTATION).asText("").isEmpty() || o.at("/data/token").isTextual()) {
        return request;
      }
      secret = o;
    } catch (IOException | RuntimeException e) {
      return request;
    }
    String namespace = secrets.group(1);
    String account = secret.at("/metadata/annotations").path(ACCOUNT_ANNOTATION).asText();
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    // Not remembered here: the API server finds the token in the stored Secret (owner()), so it lives as long as the Secret.
    ObjectNode data = secret.path("data").isObject() ? (ObjectNode) secret.get("data") : secret.putObject("data");
    data.put("token", base64(token));
    data.put("namespace", base64(namespace));
    if (caPem != null) {
      data.put("ca.crt", base64(caPem));
    }
    return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), request.getHeaders(),
        new Buffer(Serialization.asJson(secret).getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The service account whose token Secret in {@code secrets} (a stored list) holds {@code token}:
   * kube-apiserver accepts a legacy service-account token as long as its Secret exists, restarts included.
   */
  static Optional<Identity> owner(JsonNode secrets, String token) {
    String encoded = base64(token);
    for (JsonNode s : RbacAuthorizer.items(secrets)) {
      if (TYPE.equals(s.path("type").asText()) && encoded.equals(s.at("/data/token").asText())) {
        String account = s.at("/metadata/annotations").path(ACCOUNT_ANNOTATION).asText("");
        if (!account.isEmpty()) {
          return Optional.of(Identity.serviceAccount(s.at("/metadata/namespace").asText(), account));
        }
      }
    }
    return Optional.empty();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
