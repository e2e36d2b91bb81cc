package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.smm.backend.tap.GrpcStatus;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The seed's tap line for one entry:
 * {@code <RFC3339> <inbound|outbound> <source pod> <destination> "<proto> <METHOD> <path> <HTTPver>" <status> <duration> "<upstream>"},
 * durations as Go prints them (121.499879ms, 173.099µs). A gRPC call's status follows its HTTP status
 * as Envoy's {@code %GRPC_STATUS%} prints it ({@code 200 Internal}): gRPC failures arrive as HTTP 200.
 */
final class TapLine {

  private TapLine() {}

  static String of(JsonNode e) {
    Instant time = Instant.parse(e.path("time").asText()).truncatedTo(ChronoUnit.SECONDS);
    JsonNode request = e.path("request");
    JsonNode response = e.path("response");
    String protocol = e.path("protocol").asText();
    String requestLine = protocol.equals("tcp") ? "tcp" : protocol + " " + request.path("method").asText() + " "
        + request.path("path").asText() + " " + request.path("httpVersion").asText();
    int code = response.path("code").asInt();
    String grpcStatus = response.path("grpcStatus").isTextual() ? " " + GrpcStatus.name(response.path("grpcStatus").asText()) : "";
    return time + " " + e.path("direction").asText() + " " + e.at("/source/name").asText() + " " + e.at("/destination/name").asText()
        + " \"" + requestLine + "\" " + (code == 0 ? "-" : Integer.toString(code)) + grpcStatus + " "
        + goDuration(response.path("durationNanos").asLong()) + " \"" + e.at("/upstream/address").asText() + "\"";
  }

  /** Go's time.Duration.String() for durations under a minute. */
  static String goDuration(long nanos) {
    if (nanos < 1_000) {
      return nanos + "ns";
    }
    if (nanos < 1_000_000) {
      return trim(nanos / 1e3, 3) + "µs";
    }
    if (nanos < 1_000_000_000) {
      return trim(nanos / 1e6, 6) + "ms";
    }
    return trim(nanos / 1e9, 9) + "s";
  }

  private static String trim(double value, int decimals) {
    String s = String.format(Locale.ROOT, "%." + decimals + "f", value);
    s = s.replaceAll("0+$", "");
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }
}
