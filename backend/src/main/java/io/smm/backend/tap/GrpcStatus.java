package io.smm.backend.tap;

import java.util.Locale;

/**
 * gRPC status codes as users name them: the number (13), the canonical name (INTERNAL) or the
 * CamelCase name Envoy's {@code %GRPC_STATUS%} prints in access logs (Internal); and each code's
 * HTTP equivalent from google.rpc.Code, so that a response-code range such as 500-599 also finds the
 * gRPC calls that failed with HTTP 200 and grpc-status 13 (our health counts those as errors too).
 */
public final class GrpcStatus {

  /** Envoy's names, indexed by code (Envoy spells 1 "Canceled"). */
  private static final String[] NAMES = {"OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
      "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted", "OutOfRange", "Unimplemented",
      "Internal", "Unavailable", "DataLoss", "Unauthenticated"};
  /** HTTP status per code, as google.rpc.Code documents the mapping. */
  private static final int[] HTTP = {200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401};

  private GrpcStatus() {}

  /** @throws IllegalArgumentException when it is neither a code 0-16 nor a status name */
  public static int parse(String codeOrName) {
    String s = codeOrName.trim();
    if (s.matches("\\d{1,2}")) {
      int code = Integer.parseInt(s);
      if (code < NAMES.length) {
        return code;
      }
    }
    String bare = s.replace("_", "").toLowerCase(Locale.ROOT);
    for (int i = 0; i < NAMES.length; i++) {
      if (NAMES[i].toLowerCase(Locale.ROOT).equals(bare) || i == 1 && bare.equals("cancelled")) {
        return i;
      }
    }
    throw new IllegalArgumentException("unknown gRPC status \"" + codeOrName + "\": use a code 0-16 or a name such as Internal or UNAVAILABLE");
  }

  /** The code of a grpc-status trailer value, or -1 when it is absent or not a code. */
  public static int code(String grpcStatus) {
    if (grpcStatus == null || !grpcStatus.trim().matches("\\d{1,2}")) {
      return -1;
    }
    int code = Integer.parseInt(grpcStatus.trim());
    return code < NAMES.length ? code : -1;
  }

  /** Envoy's access log name of a grpc-status value (13 → Internal); the value itself when it is not a known code. */
  public static String name(String grpcStatus) {
    int code = code(grpcStatus);
    return code < 0 ? grpcStatus : NAMES[code];
  }

  /**
   * The status a response-code filter compares: the HTTP status, except for a gRPC call that
   * failed inside a 200 response, which counts as its status's HTTP equivalent.
   */
  public static int effectiveHttpCode(int httpCode, String grpcStatus) {
    int code = code(grpcStatus);
    return httpCode == 200 && code > 0 ? HTTP[code] : httpCode;
  }
}
