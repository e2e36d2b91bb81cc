package io.smm.backend.graphql;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A publisher of "the current state": each subscriber gets the latest value when it subscribes and
 * then every newer one. A subscriber without demand is not queued up; it gets only the newest value
 * when it asks again (conflation), so a slow client costs constant memory.
 */
public class LatestValuePublisher<T> implements Publisher<T> {

  private final AtomicReference<T> latest = new AtomicReference<>();
  private final Set<LatestSubscription> subscriptions = new CopyOnWriteArraySet<>();

  public void publish(T value) {
    latest.set(value);
    subscriptions.forEach(s -> s.offer(value));
  }

  public int subscriberCount() {
    return subscriptions.size();
  }

  @Override
  public void subscribe(Subscriber<? super T> subscriber) {
    LatestSubscription s = new LatestSubscription(subscriber);
    subscriptions.add(s);
    subscriber.onSubscribe(s);
    T current = latest.get();
    if (current != null) {
      s.offer(current);
    }
  }

  private final class LatestSubscription implements Subscription {
    private final Subscriber<? super T> subscriber;
    private long demand;
    private T pending;
    private boolean cancelled;

    LatestSubscription(Subscriber<? super T> subscriber) {
      this.subscriber = subscriber;
    }

    synchronized void offer(T value) {
      if (cancelled) {
        return;
      }
      if (demand > 0) {
        demand--;
        subscriber.onNext(value);
      } else {
        pending = value;
      }
    }

    @Override
    public synchronized void request(long n) {
      if (n <= 0) {
        cancel();
        subscriber.onError(new IllegalArgumentException("rule 3.9: request must be positive, was " + n));
        return;
      }
      demand = Math.min(Long.MAX_VALUE - 1, demand + n);
      if (pending != null && !cancelled) {
        T value = pending;
        pending = null;
        demand--;
        subscriber.onNext(value);
      }
    }

    @Override
    public synchronized void cancel() {
      cancelled = true;
      pending = null;
      subscriptions.remove(this);
    }
  }
}
