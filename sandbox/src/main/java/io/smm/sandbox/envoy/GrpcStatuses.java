package io.smm.sandbox.envoy;

import io.grpc.Status;
import java.util.Locale;

/** gRPC status names and codes, and how Envoy maps an HTTP status of a local reply to a gRPC status. */
public final class GrpcStatuses {

  private GrpcStatuses() {}

  /** "UNAVAILABLE" or "14" -> 14. */
  static int code(String nameOrNumber) {
    try {
      return Integer.parseInt(nameOrNumber.trim());
    } catch (NumberFormatException e) {
      try {
        return Status.Code.valueOf(nameOrNumber.trim().toUpperCase(Locale.ROOT)).value();
      } catch (IllegalArgumentException unknown) {
        throw new IllegalArgumentException("unknown gRPC status " + nameOrNumber);
      }
    }
  }

  /** Envoy's Grpc::Utility::httpToGrpcStatus, for replies that did not come from a gRPC server. */
  static int fromHttp(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> 13;
      case 401 -> 16;
      case 403 -> 7;
      case 404 -> 12;
      case 429, 502, 503, 504 -> 14;
      default -> 2;
    };
  }
}
