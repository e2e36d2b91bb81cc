package io.smm.sandbox.envoy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * One entry of a demo workload's REQUESTS (the allspark format the seed uses:
 * {@code http://analytics:8080/#1 grpc://payments:8082#1 tcp://postgresql:5432#1}): what to call,
 * over which protocol, how many times per inbound request.
 */
public record Call(String scheme, String host, int port, String path, int count) {

  static final Set<String> SCHEMES = Set.of("http", "grpc", "tcp");

  /** Parses {@code scheme://host[:port][/path]#count}; the count defaults to 1. */
  public static Call parse(String text) {
    String url = text;
    int count = 1;
    int hash = text.lastIndexOf('#');
    if (hash >= 0) {
      url = text.substring(0, hash);
      try {
        count = Integer.parseInt(text.substring(hash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("\"" + text + "\": the count after # must be a whole number");
      }
      if (count < 0) {
        throw new IllegalArgumentException("\"" + text + "\": the count after # must not be negative");
      }
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not a URL: " + e.getReason());
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("\"" + text + "\" is not a URL of the form scheme://host:port/path#count");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException("\"" + text + "\": scheme " + scheme + " is not supported; valid: http, grpc, tcp");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : switch (scheme) {
      case "grpc" -> 8082;
      case "tcp" -> throw new IllegalArgumentException("\"" + text + "\": a tcp:// URL needs a port");
      default -> 80;
    };
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    return new Call(scheme, uri.getHost(), port, path, count);
  }

  /** The protocol as Istio's metrics name it. */
  public String protocol() {
    return scheme;
  }

  public String authority() {
    return host + ":" + port;
  }

  @Override
  public String toString() {
    return scheme + "://" + host + ":" + port + (scheme.equals("tcp") ? "" : path) + "#" + count;
  }
}
