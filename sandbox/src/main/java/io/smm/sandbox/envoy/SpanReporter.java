package io.smm.sandbox.envoy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smm.sandbox.DaemonThreads;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Sends finished spans to one Zipkin collector (POST /api/v2/spans, JSON), as Envoy's zipkin tracer
 * does: spans wait in a bounded buffer and go in batches every flush interval; when the buffer is
 * full, or the collector is down or not known yet, spans are dropped and counted against the
 * sidecar that made them. Requests never wait for it.
 */
public final class SpanReporter implements AutoCloseable {

  static final int BUFFER = 10_000;
  static final int BATCH = 1_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What one sidecar's tracer has done, Envoy's tracing.zipkin.* counters. */
  public static final class Counters {
    final AtomicLong spansSent = new AtomicLong();
    final AtomicLong spansDropped = new AtomicLong();
    final AtomicLong reportsFailed = new AtomicLong();

    public long spansSent() {
      return spansSent.get();
    }

    public long spansDropped() {
      return spansDropped.get();
    }

    public long reportsFailed() {
      return reportsFailed.get();
    }
  }

  private record Queued(ZipkinSpan span, Counters owner) {}

  private final Supplier<String> collector;
  private final BlockingQueue<Queued> buffer = new ArrayBlockingQueue<>(BUFFER);
  private final HttpClient http;
  private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("zipkin-reporter"));

  /** @param collector host:port of the collector on this machine, or null while it is not known */
  public SpanReporter(Supplier<String> collector, Duration flushInterval) {
    this.collector = collector;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    flusher.scheduleWithFixedDelay(this::flush, flushInterval.toMillis(), flushInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Queues a finished span; dropped (and counted) when the buffer is full. */
  public void report(ZipkinSpan span, Counters owner) {
    if (!buffer.offer(new Queued(span, owner))) {
      owner.spansDropped.incrementAndGet();
    }
  }

  private void flush() {
    while (!buffer.isEmpty()) {
      List<Queued> batch = new ArrayList<>(Math.min(BATCH, buffer.size()));
      buffer.drainTo(batch, BATCH);
      if (!send(batch)) {
        return; // the rest waits for the next interval (and is dropped if the buffer fills up meanwhile)
      }
    }
  }

  private boolean send(List<Queued> batch) {
    String address = collector.get();
    boolean sent = false;
    if (address != null) {
      try {
        byte[] body = JSON.writeValueAsBytes(batch.stream().map(Queued::span).toList());
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://" + address + "/api/v2/spans"))
            .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
        sent = r.statusCode() / 100 == 2;
      } catch (java.io.IOException e) {
        sent = false; // refused, reset or timed out: Envoy counts the report failed and drops its spans
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Queued q : batch) {
      if (sent) {
        q.owner.spansSent.incrementAndGet();
      } else {
        q.owner.spansDropped.incrementAndGet();
      }
    }
    if (!sent) {
      batch.stream().map(Queued::owner).distinct().forEach(c -> c.reportsFailed.incrementAndGet());
    }
    return sent;
  }

  @Override
  public void close() {
    flusher.shutdownNow();
  }
}
