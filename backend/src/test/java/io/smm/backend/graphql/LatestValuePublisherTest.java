package io.smm.backend.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

class LatestValuePublisherTest {

  static final class Recorder implements Subscriber<String> {
    final List<String> received = new CopyOnWriteArrayList<>();
    Subscription subscription;

    @Override
    public void onSubscribe(Subscription s) {
      subscription = s;
    }

    @Override
    public void onNext(String s) {
      received.add(s);
    }

    @Override
    public void onError(Throwable t) {
      received.add("error: " + t.getMessage());
    }

    @Override
    public void onComplete() {}
  }

  @Test
  void aSubscriberWithoutDemandGetsOnlyTheNewestValueWhenItAsks() {
    LatestValuePublisher<String> p = new LatestValuePublisher<>();
    p.publish("a");
    Recorder r = new Recorder();
    p.subscribe(r);
    assertThat(r.received).isEmpty();
    p.publish("b");
    p.publish("c");
    r.subscription.request(1);
    assertThat(r.received).containsExactly("c");
    r.subscription.request(2);
    p.publish("d");
    p.publish("e");
    p.publish("f");
    assertThat(r.received).containsExactly("c", "d", "e");
    r.subscription.request(1);
    assertThat(r.received).containsExactly("c", "d", "e", "f");
  }

  @Test
  void cancelledSubscribersAreForgotten() {
    LatestValuePublisher<String> p = new LatestValuePublisher<>();
    Recorder r = new Recorder();
    p.subscribe(r);
    r.subscription.request(10);
    p.publish("x");
    r.subscription.cancel();
    p.publish("y");
    assertThat(r.received).containsExactly("x");
    assertThat(p.subscriberCount()).isZero();
  }

  @Test
  void nonPositiveDemandIsAnError() {
    LatestValuePublisher<String> p = new LatestValuePublisher<>();
    Recorder r = new Recorder();
    p.subscribe(r);
    r.subscription.request(0);
    assertThat(r.received).singleElement().asString().startsWith("error:");
  }
}
