package io.smm.backend.tap;

import io.smm.backend.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * Tap subscriptions as Reactive Streams publishers (GraphQL subscriptions): every
 * {@link #FLUSH_MILLIS} a subscriber with demand gets a {@link TapBatch} of what waited in its hub
 * queue. Batching keeps a busy tap to a few WebSocket frames a second; a subscriber without demand
 * simply lets its bounded queue fill, and the hub counts what it drops.
 *
 * <p>Demand alone does not bound memory on a WebSocket: the GraphQL WebSocket handler asks for the
 * next batch as soon as it queued the last one for writing, read by the client or not. So a stream
 * also asks its {@link Outlet} (the socket) whether it is congested: while it is, nothing is
 * drained (the hub's bounded queue drops and counts the overflow, which the client sees in
 * {@code dropped}); a subscriber congested for {@code stuckAfter} is given up.
 */
public final class TapStreams implements AutoCloseable {

  static final long FLUSH_MILLIS = 50;
  /** A batch takes at most a full queue, so a subscriber that asks again at once can take 200 000 entries/s. */
  static final int MAX_BATCH = TapHub.DEFAULT_CAPACITY;

  /** Where a stream's batches go: whether it takes more now, and how to give it up. */
  public interface Outlet {
    /** Takes everything it is given (a test, an in-process subscriber). */
    Outlet UNBOUNDED = new Outlet() {
      @Override
      public boolean congested() {
        return false;
      }

      @Override
      public void abandon(String why) {}
    };

    boolean congested();

    void abandon(String why);

    /** Runs the sending of one batch where the outlet wants it (a socket's event loop); here by default. */
    default void deliver(Runnable send) {
      send.run();
    }

    /** The most entries in one batch: an event loop serializes and writes each, so a socket's are kept small. */
    default int maxBatch() {
      return MAX_BATCH;
    }
  }

  private final TapHub hub;
  private final Duration stuckAfter;
  private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("tap-flush"));

  public TapStreams(TapHub hub) {
    this(hub, Duration.ofSeconds(30));
  }

  public TapStreams(TapHub hub, Duration stuckAfter) {
    this.hub = hub;
    this.stuckAfter = stuckAfter;
  }

  /** A publisher of batches for one subscriber; the hub subscription opens when it is subscribed to. */
  public Publisher<TapBatch> open(TapFilter filter) {
    return open(filter, Outlet.UNBOUNDED);
  }

  /** The same, holding back while {@code outlet} is congested. */
  public Publisher<TapBatch> open(TapFilter filter, Outlet outlet) {
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
      new Stream(subscriber, source, outlet).start();
    };
  }

  private final class Stream implements Subscription {
    private final Subscriber<? super TapBatch> subscriber;
    private final TapHub.Subscription source;
    private final Outlet outlet;
    private final AtomicLong demand = new AtomicLong();
    private volatile boolean cancelled;
    private long lastDropped;
    private long congestedSince;
    /** A batch handed to the outlet and not sent yet: the next waits, so at most one is ever queued outside the hub. */
    private final AtomicBoolean delivering = new AtomicBoolean();
    private ScheduledFuture<?> task;

    Stream(Subscriber<? super TapBatch> subscriber, TapHub.Subscription source, Outlet outlet) {
      this.subscriber = subscriber;
      this.source = source;
      this.outlet = outlet;
    }

    void start() {
      subscriber.onSubscribe(this);
      task = flusher.scheduleWithFixedDelay(this::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Runs on the single flusher thread, so onNext calls never overlap; sends while there is demand and something new. */
    private void flush() {
      if (delivering.get()) {
        return; // the last batch is still on its way to the outlet
      }
      if (outlet.congested()) {
        long now = System.nanoTime();
        if (congestedSince == 0) {
          congestedSince = now;
        } else if (now - congestedSince > stuckAfter.toNanos()) {
          cancel();
          outlet.abandon("the tap subscriber has not read for " + (stuckAfter.toMillis() % 1000 == 0 ? stuckAfter.toSeconds() + " s"
              : stuckAfter.toMillis() + " ms"));
        }
        return; // entries wait in the hub's bounded queue
      }
      congestedSince = 0;
      while (!cancelled && demand.get() > 0 && !delivering.get() && !outlet.congested()) {
        long dropped = source.dropped();
        if (!source.hasPending() && dropped == lastDropped) {
          return;
        }
        TapBatch batch = new TapBatch(source.drain(outlet.maxBatch()), dropped, source.matched());
        lastDropped = dropped;
        demand.decrementAndGet();
        delivering.set(true);
        outlet.deliver(() -> {
          try {
            subscriber.onNext(batch);
          } catch (RuntimeException e) {
            cancel();
          } finally {
            delivering.set(false);
          }
        });
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
