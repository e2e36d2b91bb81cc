package io.smm.sandbox.demo;

import com.google.protobuf.Duration;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import io.envoyproxy.envoy.service.accesslog.v3.AccessLogServiceGrpc;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One sidecar's access log stream, as Envoy's gRPC access logger sends it:
 * envoy.service.accesslog.v3.AccessLogService/StreamAccessLogs, the first message naming the
 * proxy (node id and Istio's node metadata), then batches of HTTPAccessLogEntry. Entries wait in a
 * bounded queue and are dropped (counted) when the receiver is slow or down; requests never wait.
 */
final class AccessLogSender implements AutoCloseable {

  static final int QUEUE = 10_000;

  /** One logged request, from the sidecar's point of view. */
  record Entry(boolean outbound, Instant start, double durationMs, String authority, String upstreamCluster, String upstreamAddress,
      String downstreamAddress, int responseCode, long responseBytes, String responseFlags) {}

  private final ManagedChannel channel;
  private final Node node;
  private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "als-sender");
    t.setDaemon(true);
    return t;
  });
  private StreamObserver<StreamAccessLogsMessage> stream;

  AccessLogSender(String target, MeshIdentity identity, String podIp, String revision) {
    this.channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
    this.node = Node.newBuilder()
        .setId("sidecar~" + podIp + "~" + identity.pod() + "." + identity.namespace() + "~" + identity.namespace() + ".svc.cluster.local")
        .setCluster(identity.app() + "." + identity.namespace())
        .setMetadata(Struct.newBuilder()
            .putFields("NAME", text(identity.pod()))
            .putFields("NAMESPACE", text(identity.namespace()))
            .putFields("WORKLOAD_NAME", text(identity.workload()))
            .putFields("CLUSTER_ID", text(identity.cluster()))
            .putFields("ISTIO_REVISION", text(revision))
            .putFields("LABELS", Value.newBuilder().setStructValue(Struct.newBuilder()
                .putFields("app", text(identity.app())).putFields("version", text(identity.version()))).build()))
        .build();
    sender.scheduleWithFixedDelay(this::flush, 100, 100, TimeUnit.MILLISECONDS);
  }

  void log(Entry e) {
    if (!queue.offer(e)) {
      dropped.incrementAndGet();
    }
  }

  long dropped() {
    return dropped.get();
  }

  private void flush() {
    List<Entry> batch = new ArrayList<>();
    queue.drainTo(batch, 500);
    if (batch.isEmpty()) {
      return;
    }
    try {
      if (stream == null) {
        stream = AccessLogServiceGrpc.newStub(channel).streamAccessLogs(new StreamObserver<>() {
          @Override
          public void onNext(StreamAccessLogsResponse value) {}

          @Override
          public void onError(Throwable t) {
            reset();
          }

          @Override
          public void onCompleted() {
            reset();
          }
        });
        stream.onNext(StreamAccessLogsMessage.newBuilder().setIdentifier(StreamAccessLogsMessage.Identifier.newBuilder()
            .setNode(node).setLogName("envoy.access_loggers.http_grpc")).build());
      }
      StreamAccessLogsMessage.HTTPAccessLogEntries.Builder entries = StreamAccessLogsMessage.HTTPAccessLogEntries.newBuilder();
      batch.forEach(e -> entries.addLogEntry(entry(e)));
      stream.onNext(StreamAccessLogsMessage.newBuilder().setHttpLogs(entries).build());
    } catch (RuntimeException e) {
      dropped.addAndGet(batch.size());
      reset();
    }
  }

  private synchronized void reset() {
    stream = null;
  }

  static HTTPAccessLogEntry entry(Entry e) {
    ResponseFlags.Builder flags = ResponseFlags.newBuilder();
    switch (e.responseFlags()) {
      case "FI" -> flags.setFaultInjected(true);
      case "UH" -> flags.setNoHealthyUpstream(true);
      case "UF" -> flags.setUpstreamConnectionFailure(true);
      default -> { }
    }
    long nanos = (long) (e.durationMs() * 1_000_000);
    AccessLogCommon.Builder common = AccessLogCommon.newBuilder()
        .setStartTime(Timestamp.newBuilder().setSeconds(e.start().getEpochSecond()).setNanos(e.start().getNano()))
        .setTimeToLastDownstreamTxByte(Duration.newBuilder().setSeconds(nanos / 1_000_000_000).setNanos((int) (nanos % 1_000_000_000)))
        .setUpstreamCluster(e.upstreamCluster())
        .setResponseFlags(flags);
    if (e.upstreamAddress() != null) {
      common.setUpstreamRemoteAddress(address(e.upstreamAddress()));
    }
    if (e.downstreamAddress() != null) {
      common.setDownstreamRemoteAddress(address(e.downstreamAddress()));
    }
    return HTTPAccessLogEntry.newBuilder()
        .setCommonProperties(common)
        .setProtocolVersion(HTTPAccessLogEntry.HTTPVersion.HTTP11)
        .setRequest(HTTPRequestProperties.newBuilder().setRequestMethod(io.envoyproxy.envoy.config.core.v3.RequestMethod.GET)
            .setScheme("http").setAuthority(e.authority()).setPath("/").setUserAgent("smm-demo")
            .setRequestId(UUID.randomUUID().toString()))
        .setResponse(HTTPResponseProperties.newBuilder().setResponseCode(UInt32Value.of(e.responseCode()))
            .setResponseBodyBytes(e.responseBytes()))
        .build();
  }

  private static Address address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(hostPort.substring(0, colon))
        .setPortValue(Integer.parseInt(hostPort.substring(colon + 1)))).build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s == null ? "" : s).build();
  }

  @Override
  public void close() {
    sender.shutdownNow();
    StreamObserver<StreamAccessLogsMessage> s = stream;
    if (s != null) {
      try {
        s.onCompleted();
      } catch (RuntimeException e) {
        // the receiver is gone already
      }
    }
    channel.shutdownNow();
  }
}
