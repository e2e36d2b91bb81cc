package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a Secret can serve as a gateway's TLS credential, judged as istiod does (a non-empty
 * cert/key or tls.crt/tls.key pair, the first PEM block a certificate valid now). The judgement and
 * the names of the data keys are stored in the Secret's place when it is read, and its values are
 * dropped, so key material never reaches a snapshot, a finding or a log.
 */
final class GatewayCredentials {

  /** Where the names of the data keys are kept in a redacted Secret's body. */
  static final String KEYS_FIELD = "dataKeys";

  /** Where the judgement is kept in a redacted Secret's body. */
  static final String FIELD = "gatewayCredentialProblem";

  private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  private GatewayCredentials() {}

  /** The Secret body without data or stringData, with the judgement ("" when valid). */
  static ObjectNode redact(ObjectNode secret, Instant now) {
    String problem = judge(secret, now);
    // The keys stay (a remote-cluster Secret's keys are its cluster names, which the multi-cluster check reads); values go.
    var keys = secret.putArray(KEYS_FIELD);
    new TreeSet<>(fieldNames(secret.path("data"), secret.path("stringData"))).forEach(keys::add);
    secret.remove("data");
    secret.remove("stringData");
    secret.put(FIELD, problem == null ? "" : problem);
    return secret;
  }

  /** Why the redacted Secret cannot serve as a credential, or null when it can. */
  static String problem(KubeObject secret) {
    String problem = secret.body().path(FIELD).asText("");
    return problem.isEmpty() ? null : problem;
  }

  private static String judge(JsonNode secret, Instant now) {
    byte[] cert = value(secret, "cert");
    byte[] key = value(secret, "key");
    if (cert.length == 0 || key.length == 0) {
      cert = value(secret, "tls.crt");
      key = value(secret, "tls.key");
    }
    if (cert.length == 0 || key.length == 0) {
      return has(secret, "cert") && has(secret, "key") || has(secret, "tls.crt") && has(secret, "tls.key")
          ? "the certificate or key is empty" : "found no keys cert and key, or tls.crt and tls.key";
    }
    Matcher m = PEM.matcher(new String(cert, StandardCharsets.US_ASCII));
    if (!m.find()) {
      return "the certificate is not PEM";
    }
    try {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      var certificates = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(der));
      if (certificates.isEmpty()) {
        return "the certificate cannot be parsed";
      }
      for (var c : certificates) {
        X509Certificate x509 = (X509Certificate) c;
        if (Date.from(now).after(x509.getNotAfter()) || Date.from(now).before(x509.getNotBefore())) {
          return "the certificate is expired or not yet valid";
        }
      }
      return null;
    } catch (CertificateException | IllegalArgumentException e) {
      return "the certificate cannot be parsed";
    }
  }

  private static List<String> fieldNames(JsonNode... maps) {
    List<String> out = new ArrayList<>();
    for (JsonNode map : maps) {
      map.fieldNames().forEachRemaining(out::add);
    }
    return out;
  }

  private static boolean has(JsonNode secret, String key) {
    return secret.path("data").has(key) || secret.path("stringData").has(key);
  }

  private static byte[] value(JsonNode secret, String key) {
    JsonNode plain = secret.path("stringData").path(key);
    if (plain.isTextual()) {
      return plain.asText().getBytes(StandardCharsets.UTF_8);
    }
    try {
      return Base64.getMimeDecoder().decode(secret.path("data").path(key).asText(""));
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }
}
