package io.smm.backend.tap;

import static io.smm.backend.tap.AlsClient.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.grpc.Status;
import io.smm.sandbox.testing.TestTimeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** The receiver behind a real gRPC server, fed by a real gRPC client speaking Envoy's ALS protocol. */
class TapTest {

  TapHub hub;
  AccessLogReceiver receiver;
  AccessLogServer server;
  TapStreams streams;
  AlsClient client;

  @BeforeEach
  void start() {
    hub = new TapHub();
    receiver = new AccessLogReceiver(hub);
    server = new AccessLogServer("127.0.0.1", 0, receiver);
    streams = new TapStreams(hub);
    client = new AlsClient(server.port());
  }

  @AfterEach
  void stop() {
    client.close();
    streams.close();
    server.close();
  }

  static TapFilter filter(String kind, String ns, String name) {
    return TapFilter.of(kind, ns, name, null, null, null, null, null, null, null, null);
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TestTimeouts.scaled(Duration.ofSeconds(10)).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(10);
    }
  }

  @Test
  void filtersSelectExactlyTheEntriesOfTheirReporterDirectionMethodCodesPathAndHeader() throws Exception {
    TapHub.Subscription all = hub.subscribe(filter("ns", "shop", null), 1000);
    TapHub.Subscription bookings = hub.subscribe(filter("workload", "shop", "bookings-v1"), 1000);
    TapHub.Subscription onePod = hub.subscribe(filter("pod", "shop", "bookings-v1-5c7f9-x2x4z"), 1000);
    TapHub.Subscription errors = hub.subscribe(TapFilter.of("ns", "shop", null, null, null, "GET", null, 500, 599, null, null), 1000);
    TapHub.Subscription outboundApi = hub.subscribe(TapFilter.of("ns", "shop", null, "outbound", "catalog", null, "/api", null, null,
        "x-tenant=blue", "http"), 1000);
    TapHub.Subscription fasthttp = hub.subscribe(TapFilter.of("ns", "shop", null, null, null, null, null, null, null,
        "user-agent=fasthttp", null), 1000);

    client.open("shop", "bookings-v1", "bookings-v1-5c7f9-x2x4z").send(List.of(
        entry(true, "GET", "/api/pay", 200, "payments-v1-7c9b5-bbbbb", "fasthttp"),
        entry(true, "GET", "/", 503, "payments-v1-7c9b5-bbbbb", "Go"),
        entry(false, "POST", "/api/book", 500, "frontpage-v1-6d8f7-ccccc", "Go")));
    client.open("shop", "bookings-v1", "bookings-v1-5c7f9-zzzzz").send(List.of(entry(false, "GET", "/", 200, "frontpage-v1-6d8f7-ccccc",
        "Go")));
    client.open("shop", "catalog-v1", "catalog-v1-4b8d6-ddddd").send(List.of(entry(false, "GET", "/", 500, "frontpage-v1-6d8f7-ccccc",
        "fasthttp")));
    client.open("other", "bookings-v1", "bookings-v1-5c7f9-qqqqq").send(List.of(entry(true, "GET", "/api/x", 500, "p", "fasthttp")));
    await(() -> receiver.stats().entries() == 6, "all six entries arrived");

    assertThat(paths(all, 5)).containsExactlyInAnyOrder("GET /api/pay 200", "GET / 503", "POST /api/book 500", "GET / 200", "GET / 500");
    assertThat(paths(bookings, 4)).containsExactlyInAnyOrder("GET /api/pay 200", "GET / 503", "POST /api/book 500", "GET / 200");
    assertThat(paths(onePod, 3)).containsExactlyInAnyOrder("GET /api/pay 200", "GET / 503", "POST /api/book 500");
    assertThat(paths(errors, 2)).containsExactlyInAnyOrder("GET / 503", "GET / 500");
    assertThat(paths(outboundApi, 1)).containsExactly("GET /api/pay 200");
    assertThat(paths(fasthttp, 2)).containsExactlyInAnyOrder("GET /api/pay 200", "GET / 500");
  }

  static TapEntry grpcCall(int httpCode, String grpcStatus) {
    TapEntry.Peer pod = new TapEntry.Peer("c1", "shop", "bookings-v1", "bookings-v1-5c7f9-x2x4z", "10.244.0.5");
    return new TapEntry("2025-11-24T16:00:00Z", "outbound", pod, pod, pod, "grpc",
        new TapEntry.Request("POST", "/payments.Payments/Pay", "payments:8080", "HTTP2", "grpc-java", "id", Map.of(), 10),
        new TapEntry.Response(httpCode, grpcStatus, "-", 10, 1000), new TapEntry.Upstream("outbound|8080||payments", "tcp://10.244.0.9:8080"),
        true, 0);
  }

  @Test
  void aGrpcFailureInsideHttp200IsFoundByItsStatusAndByTheServerErrorRangeAsHealthCountsIt() {
    TapFilter serverErrors = TapFilter.of("ns", "shop", null, null, null, null, null, 500, 599, null, null);
    TapFilter internalOrUnavailable = TapFilter.of("ns", "shop", null, null, null, null, null, null, null, null, null, "Internal, 14");
    TapFilter ok = TapFilter.of("ns", "shop", null, null, null, null, null, null, null, null, null, "OK");
    assertThat(serverErrors.matches(grpcCall(200, "13"))).as("Internal is HTTP 500's equivalent").isTrue();
    assertThat(serverErrors.matches(grpcCall(200, "14"))).as("Unavailable, 503").isTrue();
    assertThat(serverErrors.matches(grpcCall(200, "5"))).as("NotFound is a 404, no server error").isFalse();
    assertThat(serverErrors.matches(grpcCall(200, "0"))).isFalse();
    assertThat(serverErrors.matches(grpcCall(503, null))).as("Envoy's own 503 for a gRPC call").isTrue();
    assertThat(internalOrUnavailable.matches(grpcCall(200, "13"))).isTrue();
    assertThat(internalOrUnavailable.matches(grpcCall(200, "14"))).isTrue();
    assertThat(internalOrUnavailable.matches(grpcCall(200, "4"))).isFalse();
    assertThat(internalOrUnavailable.matches(grpcCall(503, null))).as("no grpc-status: not one of those").isFalse();
    assertThat(ok.matches(grpcCall(200, "0"))).isTrue();
    assertThat(GrpcStatus.parse("DEADLINE_EXCEEDED")).isEqualTo(4);
    assertThat(GrpcStatus.name("13")).isEqualTo("Internal");
    assertThatThrownBy(() -> TapFilter.of("ns", "shop", null, null, null, null, null, null, null, null, null, "17"))
        .hasMessageContaining("unknown gRPC status \"17\"");
  }

  @Test
  void entriesNameTheReporterAndBothSidesAsTheSeedsTapLinesDo() throws Exception {
    TapHub.Subscription s = hub.subscribe(filter("ns", "shop", null), 10);
    client.open("shop", "frontpage-v1", "frontpage-v1-6d8f7-ccccc").send(List.of(
        entry(true, "GET", "/", 200, "catalog-v1-4b8d6-ddddd", "Go"), entry(false, "GET", "/", 200, "bombardier-5b6c7-eeeee", "fasthttp")));
    await(() -> s.matched() == 2, "both arrived");
    List<TapEntry> e = s.drain(10);
    TapEntry out = e.get(0);
    assertThat(out.direction()).isEqualTo("outbound");
    assertThat(out.time()).isEqualTo("2025-11-24T16:00:00.005Z");
    assertThat(out.source().name()).isEqualTo("frontpage-v1-6d8f7-ccccc");
    assertThat(out.destination().name()).isEqualTo("catalog-v1-4b8d6-ddddd");
    assertThat(out.upstream().address()).isEqualTo("tcp://10.0.0.9:8080");
    assertThat(out.reporter()).isEqualTo(new TapEntry.Peer("c1", "shop", "frontpage-v1", "frontpage-v1-6d8f7-ccccc", "10.0.0.1"));
    assertThat(out.request().httpVersion()).isEqualTo("HTTP11");
    assertThat(out.response().durationNanos()).isEqualTo(121_499_879);
    assertThat(out.response().flags()).isEqualTo("-");
    TapEntry in = e.get(1);
    assertThat(in.direction()).isEqualTo("inbound");
    assertThat(in.source().name()).isEqualTo("bombardier-5b6c7-eeeee");
    assertThat(in.destination().name()).isEqualTo("frontpage-v1-6d8f7-ccccc");
    assertThat(in.request().userAgent()).isEqualTo("fasthttp");
  }

  @Test
  void aSlowSubscriberIsToldWhatItLostWhileAFastOneGetsEverything() throws Exception {
    Collector fast = new Collector(Long.MAX_VALUE);
    Collector slow = new Collector(1); // takes one batch, then never asks again
    streams.open(filter("ns", "shop", null)).subscribe(fast);
    streams.open(filter("ns", "shop", null)).subscribe(slow);
    await(() -> hub.subscribers() == 2, "both are subscribed");
    AlsClient.Stream stream = client.open("shop", "bookings-v1", "bookings-v1-5c7f9-x2x4z");
    int total = 0;
    for (int round = 0; round < 60; round++) {
      List<HTTPAccessLogEntry> batch = new ArrayList<>(Collections.nCopies(500, entry(true, "GET", "/", 200, "p", "Go")));
      stream.send(batch);
      total += batch.size();
      Thread.sleep(5);
    }
    int sent = total;
    await(() -> fast.entries.get() == sent, "the fast subscriber has all " + sent);
    await(() -> hub.published() == sent, "everything was published");
    assertThat(fast.lastDropped.get()).isZero();
    // The slow one got its first batch and then a full queue's worth waits for it; the rest was dropped, and it will be told.
    slow.request(1);
    await(() -> slow.batches.size() == 2, "the slow subscriber's second batch");
    assertThat(slow.entries.get() + slow.lastDropped.get()).isEqualTo(sent);
    assertThat(slow.lastDropped.get()).isGreaterThanOrEqualTo(sent - TapHub.DEFAULT_CAPACITY - slow.batches.get(0).entries().size());
    assertThat(fast.errors).isEmpty();
  }

  @Test
  void aCongestedOutletGetsNothingUntilItDrainsAndOneThatStaysCongestedIsGivenUp() throws Exception {
    AtomicBoolean congested = new AtomicBoolean(true);
    List<String> abandoned = new CopyOnWriteArrayList<>();
    TapStreams.Outlet socket = new TapStreams.Outlet() {
      @Override
      public boolean congested() {
        return congested.get();
      }

      @Override
      public void abandon(String why) {
        abandoned.add(why);
      }
    };
    AlsClient.Stream stream = client.open("shop", "bookings-v1", "bookings-v1-5c7f9-x2x4z");
    Collector waiting = new Collector(Long.MAX_VALUE);
    streams.open(filter("ns", "shop", null), socket).subscribe(waiting);
    await(() -> hub.subscribers() == 1, "subscribed");
    stream.send(List.of(entry(true, "GET", "/held", 200, "p", "Go")));
    await(() -> hub.published() == 1, "published");
    congested.set(false); // the client read what the socket held
    await(() -> waiting.entries.get() == 1, "the entry that waited arrives once the socket drained");
    assertThat(waiting.batches.get(0).entries().get(0).request().path()).isEqualTo("/held");

    try (TapStreams quick = new TapStreams(hub, Duration.ofMillis(300))) {
      congested.set(true);
      Collector stuck = new Collector(Long.MAX_VALUE);
      quick.open(filter("ns", "shop", null), socket).subscribe(stuck);
      await(() -> hub.subscribers() == 2, "the second subscriber is in");
      stream.send(List.of(entry(true, "GET", "/never-read", 200, "p", "Go")));
      await(() -> !abandoned.isEmpty(), "the subscriber that never reads is given up");
      assertThat(abandoned.get(0)).isEqualTo("the tap subscriber has not read for 300 ms");
      assertThat(stuck.batches).as("nothing was pushed at a congested socket").isEmpty();
      await(() -> hub.subscribers() == 1, "its hub queue is released");
    }
  }

  @Test
  void badStreamsAreRefusedAndCountedWhileOthersKeepFlowing() throws Exception {
    TapHub.Subscription s = hub.subscribe(filter("ns", "shop", null), 100);
    AlsClient.Stream good = client.open("shop", "bookings-v1", "bookings-v1-5c7f9-x2x4z");
    AlsClient.Stream anonymous = client.anonymous().send(List.of(entry(true, "GET", "/", 200, "p", "Go")));
    assertThat(Status.fromThrowable(anonymous.closed.get(10, TimeUnit.SECONDS)).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

    AlsClient.Stream huge = client.open("shop", "bookings-v1", "bookings-v1-5c7f9-zzzzz");
    huge.send(Collections.nCopies(1, entry(true, "GET", "/" + "x".repeat(AccessLogServer.MAX_MESSAGE_BYTES), 200, "p", "Go")));
    assertThat(Status.fromThrowable(huge.closed.get(10, TimeUnit.SECONDS)).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    client.open("shop", "silent-v1", "silent-v1-5c7f9-sssss"); // opens and never sends an entry
    good.send(List.of(entry(true, "GET", "/still-here", 200, "p", "Go")));
    await(() -> s.matched() == 1, "the good stream's entry arrived");
    assertThat(s.drain(10).get(0).request().path()).isEqualTo("/still-here");
    await(() -> receiver.stats().rejectedStreams() == 1 && receiver.stats().failedStreams() == 1, "the counters show both");
    assertThat(receiver.stats().openStreams()).as("good and silent").isEqualTo(2);
    good.out.onCompleted();
    assertThat(good.closed.get(10, TimeUnit.SECONDS)).as("a sidecar that ends its stream gets a clean answer").isNull();
    await(() -> receiver.stats().openStreams() == 1, "only the silent one is open");
  }

  /**
   * Forged access logs: a caller that bypassed the mesh (no x-forwarded-client-cert from the
   * receiver's sidecar), one whose certificate is another namespace's, one that names the right
   * namespace but another service account, and one that put a forged XFCC element in front of what
   * the sidecar appended are all refused and counted; nothing they send reaches a tap, and the
   * genuine proxy's entries do.
   */
  @Test
  void streamsThatAreNotTheProxyTheyClaimAreRefusedAndNothingTheySendIsTapped() throws Exception {
    TapHub.Subscription s = hub.subscribe(filter("ns", "payments", null), 100);
    AlsClient.Stream bypassed = client.open(null, "payments", "payments-v1", "payments-v1-7d9f-abcde", null)
        .send(List.of(entry(true, "GET", "/forged-1", 500, "p", "Go")));
    AlsClient.Stream otherNamespace = client.open(AlsClient.xfcc("spiffe://cluster.local/ns/attacker/sa/default"),
        "payments", "payments-v1", "payments-v1-7d9f-abcde", null).send(List.of(entry(true, "GET", "/forged-2", 500, "p", "Go")));
    AlsClient.Stream otherAccount = client.open(AlsClient.xfcc("spiffe://cluster.local/ns/payments/sa/batch"),
        "payments", "payments-v1", "payments-v1-7d9f-abcde", "payments").send(List.of(entry(true, "GET", "/forged-3", 500, "p", "Go")));
    // The client's own XFCC element comes first; the sidecar's (the attacker's real identity) is last.
    AlsClient.Stream prepended = client.open("URI=spiffe://cluster.local/ns/payments/sa/payments," + AlsClient.xfcc(
        "spiffe://cluster.local/ns/attacker/sa/default"), "payments", "payments-v1", "payments-v1-7d9f-abcde", "payments")
        .send(List.of(entry(true, "GET", "/forged-4", 500, "p", "Go")));

    Status refused = Status.fromThrowable(bypassed.closed.get(10, TimeUnit.SECONDS));
    assertThat(refused.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(refused.getDescription()).contains("mesh proxies only");
    for (AlsClient.Stream forged : List.of(otherNamespace, otherAccount, prepended)) {
      Status denied = Status.fromThrowable(forged.closed.get(10, TimeUnit.SECONDS));
      assertThat(denied.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(denied.getDescription()).startsWith("the proxy claims to be payments-v1-7d9f-abcde in namespace payments");
    }
    assertThat(Status.fromThrowable(otherAccount.closed.get()).getDescription())
        .endsWith("with service account payments, but its certificate is spiffe://cluster.local/ns/payments/sa/batch");

    client.open(AlsClient.xfcc("spiffe://cluster.local/ns/payments/sa/payments"), "payments", "payments-v1", "payments-v1-7d9f-abcde",
        "payments").send(List.of(entry(true, "GET", "/genuine", 200, "p", "Go")));
    await(() -> s.matched() == 1, "the genuine proxy's entry arrived");
    assertThat(paths(s)).containsExactly("GET /genuine 200");
    assertThat(receiver.stats().unauthenticatedStreams()).isEqualTo(4);
    assertThat(receiver.stats().entries()).as("nothing a refused stream sent was counted as received").isEqualTo(1);
  }

  @Test
  void filtersThatCannotWorkAreRejectedBeforeStreaming() {
    assertThatThrownBy(() -> TapFilter.of("service", "shop", "x", null, null, null, null, null, null, null, null))
        .hasMessageContaining("unknown tap target kind \"service\"");
    assertThatThrownBy(() -> TapFilter.of("ns", "shop", null, null, null, null, null, 599, 500, null, null))
        .hasMessageContaining("599,500");
    assertThatThrownBy(() -> TapFilter.of("workload", "shop", null, null, null, null, null, null, null, null, null))
        .hasMessageContaining("needs the workload's name");
    assertThatThrownBy(() -> TapFilter.of("ns", "shop", null, "sideways", null, null, null, null, null, null, null))
        .hasMessageContaining("inbound or outbound");
    assertThatThrownBy(() -> TapFilter.of("ns", "shop", null, null, null, null, null, null, null, "novalue", null))
        .hasMessageContaining("name=value");
  }

  @Test
  void withoutSubscribersNothingIsDecodedOrKept() throws Exception {
    client.open("shop", "bookings-v1", "bookings-v1-5c7f9-x2x4z").send(List.of(entry(true, "GET", "/", 200, "p", "Go")));
    await(() -> receiver.stats().entries() == 1, "the entry arrived");
    assertThat(hub.published()).isZero();
  }

  /**
   * What the subscription got once it has at least {@code n} entries: the receiver counts an entry
   * before the hub has handed it to every subscription, so a busy machine may deliver the last ones later.
   */
  private static List<String> paths(TapHub.Subscription s, int n) throws InterruptedException {
    List<String> got = new ArrayList<>();
    await(() -> {
      got.addAll(paths(s));
      return got.size() >= n;
    }, n + " entries reached the subscription");
    return got;
  }

  private static List<String> paths(TapHub.Subscription s) {
    return s.drain(100).stream().map(e -> e.request().method() + " " + e.request().path() + " " + e.response().code()).toList();
  }

  /** A Reactive Streams subscriber that asks for {@code initial} batches and counts what it gets. */
  static final class Collector implements Subscriber<TapBatch> {
    final long initial;
    final AtomicLong entries = new AtomicLong();
    final AtomicLong lastDropped = new AtomicLong();
    final List<TapBatch> batches = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    volatile Subscription subscription;

    Collector(long initial) {
      this.initial = initial;
    }

    void request(long n) {
      subscription.request(n);
    }

    @Override
    public void onSubscribe(Subscription s) {
      subscription = s;
      s.request(initial);
    }

    @Override
    public void onNext(TapBatch b) {
      batches.add(b);
      entries.addAndGet(b.entries().size());
      lastDropped.set(b.dropped());
    }

    @Override
    public void onError(Throwable t) {
      errors.add(t);
    }

    @Override
    public void onComplete() {}
  }
}
