package io.smm.backend.tap;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Tap subscriptions as Reactive Streams publishers (GraphQL subscriptions): every
 * {@link #FLUSH_MILLIS} a subscriber with demand gets a {@link TapBatch} of what waited in its hub
 * queue. Batching keeps a busy tap to a few WebSocket frames a second; a subscriber without demand
 * simply lets its bounded queue fill, and the hub counts what it drops.
 */
public final class TapStreams implements AutoCloseable {

  static final long FLUSH_MILLIS = 50;
  /** A batch takes at most a full queue, so a subscriber that asks again at once can take 200 000 entries/s. */
  static final int MAX_BATCH = TapHub.DEFAULT_CAPACITY;

  private final TapHub hub;
  private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "tap-flush");
    t.setDaemon(true);
    return t;
  });

  public TapStreams(TapHub hub) {
    this.hub = hub;
  }

  /** A publisher of batches for one subscriber; the hub subscription opens when it is subscribed to. */
  public Publisher<TapBatch> open(TapFilter filter) {
    return subscriber -> {
      TapHub.Subscription source;
      try {
        source = hub.subscribe(filter, TapHub.DEFAULT_CAPACITY);
      } catch (IllegalStateException e) {
        subscriber.onSubscribe(new Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
        subscriber.onError(e);
        return;
      }
      new Stream(subscriber, source).start();
    };
  }

  private final class Stream implements Subscription {
    private final Subscriber<? super TapBatch> subscriber;
    private final TapHub.Subscription source;
    private final AtomicLong demand = new AtomicLong();
    private volatile boolean cancelled;
    private long lastDropped;
    private ScheduledFuture<?> task;

    Stream(Subscriber<? super TapBatch> subscriber, TapHub.Subscription source) {
      this.subscriber = subscriber;
      this.source = source;
    }

    void start() {
      subscriber.onSubscribe(this);
      task = flusher.scheduleWithFixedDelay(this::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Runs on the single flusher thread, so onNext calls never overlap; sends while there is demand and something new. */
    private void flush() {
      while (!cancelled && demand.get() > 0) {
        long dropped = source.dropped();
        if (!source.hasPending() && dropped == lastDropped) {
          return;
        }
        List<TapEntry> entries = source.drain(MAX_BATCH);
        lastDropped = dropped;
        demand.decrementAndGet();
        try {
          subscriber.onNext(new TapBatch(entries, dropped, source.matched()));
        } catch (RuntimeException e) {
          cancel();
        }
      }
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancel();
        subscriber.onError(new IllegalArgumentException("rule 3.9: request must be positive, was " + n));
        return;
      }
      demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
    }

    @Override
    public void cancel() {
      cancelled = true;
      if (task != null) {
        task.cancel(false);
      }
      source.close();
    }
  }

  @Override
  public void close() {
    flusher.shutdownNow();
  }
}
