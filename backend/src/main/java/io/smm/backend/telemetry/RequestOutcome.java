package io.smm.backend.telemetry;

import java.util.Map;

/** What counts as a failed request in Istio's metrics, the same rule for topology, health, signals and the overview. */
public final class RequestOutcome {

  private RequestOutcome() {}

  /** {@link #isError(String, String, String)} of a series' response_code, grpc_response_status and request_protocol labels. */
  public static boolean isError(Map<String, String> labels) {
    return isError(labels.getOrDefault("response_code", ""), labels.getOrDefault("grpc_response_status", ""),
        labels.getOrDefault("request_protocol", ""));
  }

  /** HTTP 5xx, or a gRPC status other than OK (Kiali's definition of an error). */
  public static boolean isError(String responseCode, String grpcStatus, String protocol) {
    if (responseCode.startsWith("5")) {
      return true;
    }
    return protocol.equals("grpc") && !grpcStatus.isEmpty() && !grpcStatus.equals("-") && !grpcStatus.equals("0");
  }

  /** A series' response_code, "-" when it has none (a TCP or reset request), as the topology's edges count them. */
  public static String code(Map<String, String> labels) {
    String code = labels.getOrDefault("response_code", "");
    return code.isEmpty() ? "-" : code;
  }
}
