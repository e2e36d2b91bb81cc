package io.smm.backend.tap;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mesh identity of whoever opened an access log stream, as the receiver's own sidecar vouches
 * for it: Istio's inbound listener terminates the mTLS connection and appends the verified client
 * certificate to {@code x-forwarded-client-cert} (Envoy's APPEND_FORWARD with the URI set), so the
 * last element of that header is the immediate peer, whatever a client put before it. Istio's
 * workload certificates carry one SPIFFE URI: spiffe://TRUST_DOMAIN/ns/NAMESPACE/sa/SERVICE_ACCOUNT.
 */
public record PeerIdentity(String trustDomain, String namespace, String serviceAccount) {

  static final Metadata.Key<String> XFCC = Metadata.Key.of("x-forwarded-client-cert", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<PeerIdentity> CURRENT = Context.key("smm-als-peer");

  public String spiffeId() {
    return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }

  /** The identity in the last element of an XFCC header, if it names a SPIFFE workload. */
  static Optional<PeerIdentity> fromForwardedClientCert(String header) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    List<String> elements = split(header, ',');
    for (String pair : split(elements.get(elements.size() - 1), ';')) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase("URI")) {
        return ofSpiffe(unquote(pair.substring(eq + 1).trim()));
      }
    }
    return Optional.empty();
  }

  static Optional<PeerIdentity> ofSpiffe(String uri) {
    if (!uri.startsWith("spiffe://")) {
      return Optional.empty();
    }
    String[] parts = uri.substring("spiffe://".length()).split("/");
    if (parts.length != 5 || parts[0].isEmpty() || !parts[1].equals("ns") || parts[2].isEmpty() || !parts[3].equals("sa")
        || parts[4].isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PeerIdentity(parts[0], parts[2], parts[4]));
  }

  /** Splits on {@code separator} outside double quotes (XFCC quotes values that contain , ; or =). */
  private static List<String> split(String s, char separator) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && quoted && i + 1 < s.length()) {
        current.append(c).append(s.charAt(++i));
      } else if (c == '"') {
        quoted = !quoted;
        current.append(c);
      } else if (c == separator && !quoted) {
        out.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    out.add(current.toString());
    return out;
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1).replace("\\\"", "\"") : v;
  }

  /** Puts the caller's identity (or none) where {@link AccessLogReceiver} finds it for the call's whole life. */
  static final class FromHeaders implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      PeerIdentity peer = fromForwardedClientCert(headers.get(XFCC)).orElse(null);
      return Contexts.interceptCall(Context.current().withValue(CURRENT, peer), call, headers, next);
    }
  }
}
