package io.smm.backend.tap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fans access log entries out to tap subscribers. Each subscriber has its own filter and a bounded
 * queue: when it does not keep up, new entries for it are dropped and counted, never waited for,
 * so a slow subscriber slows neither the receiver nor the others. Nothing is kept for nobody:
 * without subscribers {@link #listening()} is false and the receiver does not even decode. Memory
 * is bounded by subscribers x queue capacity whatever the input rate.
 */
public final class TapHub {

  public static final int DEFAULT_CAPACITY = 10_000;
  public static final int MAX_SUBSCRIBERS = 64;

  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final AtomicLong published = new AtomicLong();

  public boolean listening() {
    return !subscriptions.isEmpty();
  }

  public int subscribers() {
    return subscriptions.size();
  }

  /** Entries offered to the hub while someone listened. */
  public long published() {
    return published.get();
  }

  public void publish(TapEntry e) {
    published.incrementAndGet();
    for (Subscription s : subscriptions) {
      if (s.filter.matches(e)) {
        s.offer(e);
      }
    }
  }

  /** @throws IllegalStateException when MAX_SUBSCRIBERS taps are already open */
  public Subscription subscribe(TapFilter filter, int capacity) {
    synchronized (subscriptions) {
      if (subscriptions.size() >= MAX_SUBSCRIBERS) {
        throw new IllegalStateException("too many taps open (" + MAX_SUBSCRIBERS + "); close one and retry");
      }
      Subscription s = new Subscription(filter, capacity);
      subscriptions.add(s);
      return s;
    }
  }

  /** One subscriber's view: matching entries waiting to be taken, and how many were dropped for it. */
  public final class Subscription implements AutoCloseable {
    private final TapFilter filter;
    private final ArrayBlockingQueue<TapEntry> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong matched = new AtomicLong();

    private Subscription(TapFilter filter, int capacity) {
      this.filter = filter;
      this.queue = new ArrayBlockingQueue<>(capacity);
    }

    private void offer(TapEntry e) {
      matched.incrementAndGet();
      if (!queue.offer(e)) {
        dropped.incrementAndGet();
      }
    }

    /** Takes up to {@code max} waiting entries, oldest first. */
    public List<TapEntry> drain(int max) {
      List<TapEntry> out = new ArrayList<>(Math.min(max, queue.size()));
      queue.drainTo(out, max);
      return out;
    }

    public boolean hasPending() {
      return !queue.isEmpty();
    }

    /** Entries that matched but did not fit in the queue, since subscribing. */
    public long dropped() {
      return dropped.get();
    }

    public long matched() {
      return matched.get();
    }

    @Override
    public void close() {
      subscriptions.remove(this);
      queue.clear();
    }
  }
}
