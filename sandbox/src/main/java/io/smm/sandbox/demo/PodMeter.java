package io.smm.sandbox.demo;

import io.smm.sandbox.kubelet.ContainerUsage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * CPU and memory of a demo pod's containers, as the kubelet's cAdvisor would report them. The demo
 * pods share this JVM's threads, so CPU is measured as thread CPU time: what the application's
 * request handlers used (less what its sidecar did on the same thread) is the app container's,
 * what the sidecar's routing, reporting and upstream I/O used is istio-proxy's. One heap cannot be
 * split per pod, so the working set is a model: a fixed base per container (an idle Envoy holds
 * ~40 MiB, a small service ~20 MiB) plus what the pod holds: log lines, requests in flight, and
 * for the proxy its metric series.
 */
final class PodMeter {

  static final long APP_BASE_BYTES = 20L << 20;
  static final long PROXY_BASE_BYTES = 40L << 20;
  private static final long APP_BYTES_PER_REQUEST = 256L << 10;
  private static final long PROXY_BYTES_PER_REQUEST = 64L << 10;

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final boolean measurable = threads.isCurrentThreadCpuTimeSupported();
  /** Proxy CPU used on the current thread so far, so an app handler can leave its sidecar's share out. */
  private final ThreadLocal<long[]> proxyOnThread = ThreadLocal.withInitial(() -> new long[1]);
  private final LongAdder appNanos = new LongAdder();
  private final LongAdder proxyNanos = new LongAdder();
  private final AtomicInteger appInFlight = new AtomicInteger();
  private final AtomicInteger proxyInFlight = new AtomicInteger();

  /** Runs the application's work for one request or connection, charging its CPU to the app container. */
  <T> T app(Supplier<T> work) {
    long cpu = cpuNow();
    long proxyBefore = proxyOnThread.get()[0];
    appInFlight.incrementAndGet();
    try {
      return work.get();
    } finally {
      appInFlight.decrementAndGet();
      appNanos.add(Math.max(0, cpuNow() - cpu - (proxyOnThread.get()[0] - proxyBefore)));
    }
  }

  /** Runs the sidecar's work, charging its CPU to istio-proxy. */
  void proxy(Runnable work) {
    long cpu = cpuNow();
    proxyInFlight.incrementAndGet();
    try {
      work.run();
    } finally {
      proxyInFlight.decrementAndGet();
      long used = Math.max(0, cpuNow() - cpu);
      proxyOnThread.get()[0] += used;
      proxyNanos.add(used);
    }
  }

  /**
   * @param appRetainedBytes what the application holds beyond its base (its log)
   * @param proxyRetainedBytes what the sidecar holds beyond its base (stats, access log); empty without a sidecar
   */
  List<ContainerUsage> usage(String appContainer, long appRetainedBytes, OptionalLong proxyRetainedBytes) {
    ContainerUsage app = new ContainerUsage(appContainer, appNanos.sum() / 1e9,
        APP_BASE_BYTES + appRetainedBytes + APP_BYTES_PER_REQUEST * appInFlight.get());
    if (proxyRetainedBytes.isEmpty()) {
      return List.of(app);
    }
    return List.of(app, new ContainerUsage("istio-proxy", proxyNanos.sum() / 1e9,
        PROXY_BASE_BYTES + proxyRetainedBytes.getAsLong() + PROXY_BYTES_PER_REQUEST * proxyInFlight.get()));
  }

  private long cpuNow() {
    return measurable ? threads.getCurrentThreadCpuTime() : 0;
  }
}
