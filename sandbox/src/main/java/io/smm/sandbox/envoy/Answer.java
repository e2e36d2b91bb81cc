package io.smm.sandbox.envoy;

/** What the application behind a sidecar answered one inbound request: status, gRPC status, size, or refused. */
public record Answer(int httpStatus, Integer grpcStatus, int bytes, boolean rejected) {}
