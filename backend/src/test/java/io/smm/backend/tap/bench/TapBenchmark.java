package io.smm.backend.tap.bench;

import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.service.accesslog.v3.StreamAccessLogsMessage;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.smm.backend.tap.AccessLogReceiver;
import io.smm.backend.tap.AccessLogServer;
import io.smm.backend.tap.AlsClient;
import io.smm.backend.tap.TapBatch;
import io.smm.backend.tap.TapFilter;
import io.smm.backend.tap.TapHub;
import io.smm.backend.tap.TapStreams;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Benchmark, not a test: sidecars' ALS streams over real gRPC on loopback into the receiver, with
 * 0, 1 and 10 filtered tap subscribers taking everything they are sent, and an overload case where
 * 10 subscribers take one batch a second. Reports per case the entries/s the receiver sustained,
 * entries/s delivered, the p99 of delivery latency (receiver to subscriber), entries dropped and
 * the heap: high-water mark (garbage included) and live after a full GC under load (medians over
 * rounds). Writes backend/target/tap-bench.json.
 */
public final class TapBenchmark {

  static final int STREAMS = 4;
  static final int BATCH = 500;

  record Result(String name, int subscribers, double receivedPerSecond, double deliveredPerSecond, double p99Ms, long dropped,
      double heapMaxMiB, double heapLiveMiB) {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    Path out = Path.of(args.length > 2 ? args[2] : "backend/target/tap-bench.json");
    List<String> cases = List.of("0 subscribers", "1 subscriber", "10 filtered subscribers", "10 slow subscribers (overload)");
    StringBuilder json = new StringBuilder("{\n  \"streams\": " + STREAMS + ", \"entriesPerMessage\": " + BATCH + ", \"secondsPerRun\": "
        + seconds + ", \"rounds\": " + rounds + ",\n  \"cores\": " + Runtime.getRuntime().availableProcessors() + ",\n  \"results\": [\n");
    for (int c = 0; c < cases.size(); c++) {
      List<Result> runs = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        runs.add(run(cases.get(c), seconds));
        System.gc();
      }
      Result m = median(runs);
      String line = String.format(Locale.ROOT, "    {\"case\": \"%s\", \"subscribers\": %d, \"receivedPerSecond\": %.0f, "
          + "\"receivedPerSecondRange\": [%.0f, %.0f], \"deliveredPerSecond\": %.0f, \"p99DeliveryMs\": %.1f, \"dropped\": %d, "
          + "\"heapMaxMiB\": %.0f, \"heapLiveMiB\": %.0f}", m.name(), m.subscribers(), m.receivedPerSecond(),
          runs.stream().mapToDouble(Result::receivedPerSecond).min().orElse(0), runs.stream().mapToDouble(Result::receivedPerSecond).max()
              .orElse(0), m.deliveredPerSecond(), m.p99Ms(), m.dropped(), m.heapMaxMiB(), m.heapLiveMiB());
      System.out.println(line.trim());
      json.append(line).append(c + 1 < cases.size() ? ",\n" : "\n");
    }
    json.append("  ]\n}\n");
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, json);
    System.out.println("wrote " + out);
  }

  static Result median(List<Result> runs) {
    List<Result> sorted = new ArrayList<>(runs);
    sorted.sort((a, b) -> Double.compare(a.receivedPerSecond(), b.receivedPerSecond()));
    return sorted.get(sorted.size() / 2);
  }

  static Result run(String name, int seconds) throws Exception {
    int subscribers = name.startsWith("0") ? 0 : name.startsWith("1 ") ? 1 : 10;
    boolean slow = name.contains("slow");
    TapHub hub = new TapHub();
    AccessLogReceiver receiver = new AccessLogReceiver(hub);
    AccessLogServer server = new AccessLogServer("127.0.0.1", 0, receiver);
    TapStreams streams = new TapStreams(hub);
    List<Collector> collectors = new ArrayList<>();
    for (int i = 0; i < subscribers; i++) {
      // Every other subscriber filters on something most entries have, so filters are evaluated, not skipped.
      TapFilter f = i % 2 == 0 ? TapFilter.of("ns", "shop", null, null, null, null, null, null, null, null, null)
          : TapFilter.of("workload", "shop", "bookings-v1", "outbound", null, "GET", "/", 200, 599, null, "http");
      Collector c = new Collector(slow);
      streams.open(f).subscribe(c);
      collectors.add(c);
    }
    HeapWatch heap = new HeapWatch();
    heap.start();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> senders = new ArrayList<>();
    List<ManagedChannel> channels = new ArrayList<>();
    StreamAccessLogsMessage batch = message();
    for (int s = 0; s < STREAMS; s++) {
      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      channels.add(channel);
      int pod = s;
      Thread t = new Thread(() -> send(channel, pod, batch, running), "als-load-" + s);
      t.start();
      senders.add(t);
    }
    Thread.sleep(1000); // warm up
    long before = receiver.stats().entries();
    long delivered0 = collectors.stream().mapToLong(c -> c.entries.get()).sum();
    collectors.forEach(Collector::resetLatency);
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    double elapsed = (System.nanoTime() - t0) / 1e9;
    long received = receiver.stats().entries() - before;
    long delivered = collectors.stream().mapToLong(c -> c.entries.get()).sum() - delivered0;
    // What is really held under load (queues full), not garbage waiting for a collection.
    System.gc();
    double live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    running.set(false);
    for (Thread t : senders) {
      t.join(5000);
    }
    heap.stop();
    double p99 = collectors.isEmpty() ? 0 : collectors.stream().mapToDouble(Collector::p99Ms).max().orElse(0);
    long dropped = collectors.stream().mapToLong(c -> c.dropped.get()).sum();
    channels.forEach(ManagedChannel::shutdownNow);
    streams.close();
    server.close();
    return new Result(name, subscribers, received / elapsed, delivered / elapsed, p99, dropped, heap.max / 1048576.0, live);
  }

  static StreamAccessLogsMessage message() {
    List<HTTPAccessLogEntry> entries = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      entries.add(AlsClient.entry(true, "GET", "/", i % 10 == 0 ? 503 : 200, "payments-v1-7c9b5-bbbbb", "fasthttp"));
    }
    return StreamAccessLogsMessage.newBuilder().setHttpLogs(StreamAccessLogsMessage.HTTPAccessLogEntries.newBuilder()
        .addAllLogEntry(entries)).build();
  }

  /** One sidecar: identifies itself, then sends as fast as gRPC flow control lets it. */
  static void send(ManagedChannel channel, int pod, StreamAccessLogsMessage batch, AtomicBoolean running) {
    AlsClient client = new AlsClient(channel);
    AlsClient.Stream stream = client.open("shop", "bookings-v1", "bookings-v1-5c7f9-" + "bcdfg".charAt(pod % 5) + "x2x4");
    ClientCallStreamObserver<StreamAccessLogsMessage> call = (ClientCallStreamObserver<StreamAccessLogsMessage>) stream.out;
    while (running.get()) {
      if (call.isReady()) {
        call.onNext(batch);
      } else {
        LockSupport.parkNanos(50_000);
      }
    }
    call.onCompleted();
  }

  /** A subscriber recording delivery latency of a sample of entries; slow ones take one batch a second. */
  static final class Collector implements Subscriber<TapBatch> {
    final boolean slow;
    final AtomicLong entries = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    private final long[] latencies = new long[200_000];
    private int n;
    private Subscription subscription;
    private Thread pacer;

    Collector(boolean slow) {
      this.slow = slow;
    }

    @Override
    public void onSubscribe(Subscription s) {
      subscription = s;
      if (!slow) {
        s.request(Long.MAX_VALUE);
        return;
      }
      pacer = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          subscription.request(1);
          try {
            Thread.sleep(1000);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "slow-subscriber");
      pacer.setDaemon(true);
      pacer.start();
    }

    @Override
    public synchronized void onNext(TapBatch b) {
      long now = System.nanoTime();
      entries.addAndGet(b.entries().size());
      dropped.set(b.dropped());
      for (int i = 0; i < b.entries().size(); i += 50) {
        if (n < latencies.length) {
          latencies[n++] = now - b.entries().get(i).receivedNanos();
        } else {
          latencies[ThreadLocalRandom.current().nextInt(latencies.length)] = now - b.entries().get(i).receivedNanos();
        }
      }
    }

    synchronized void resetLatency() {
      n = 0;
    }

    synchronized double p99Ms() {
      if (n == 0) {
        return 0;
      }
      long[] sorted = Arrays.copyOf(latencies, n);
      Arrays.sort(sorted);
      return sorted[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1e6;
    }

    @Override
    public void onError(Throwable t) {
      System.err.println("subscriber failed: " + t);
    }

    @Override
    public void onComplete() {}
  }

  /** Samples heap use every 50 ms; max is the high-water mark. */
  static final class HeapWatch {
    volatile long max;
    private final Thread thread = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        max = Math.max(max, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-watch");

    void start() {
      thread.setDaemon(true);
      thread.start();
    }

    void stop() {
      thread.interrupt();
    }
  }
}
