package io.smm.backend.graphql;

import java.util.function.Function;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** Another publisher's values, each passed through a function on its way to the subscriber (one per subscriber). */
final class MappedPublisher<T, R> implements Publisher<R> {

  private final Publisher<T> source;
  private final Function<T, R> map;

  MappedPublisher(Publisher<T> source, Function<T, R> map) {
    this.source = source;
    this.map = map;
  }

  @Override
  public void subscribe(Subscriber<? super R> subscriber) {
    source.subscribe(new Subscriber<T>() {
      @Override
      public void onSubscribe(Subscription s) {
        subscriber.onSubscribe(s);
      }

      @Override
      public void onNext(T value) {
        subscriber.onNext(map.apply(value));
      }

      @Override
      public void onError(Throwable t) {
        subscriber.onError(t);
      }

      @Override
      public void onComplete() {
        subscriber.onComplete();
      }
    });
  }
}
