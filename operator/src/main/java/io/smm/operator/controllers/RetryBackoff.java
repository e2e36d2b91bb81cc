package io.smm.operator.controllers;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When to try a failing reconcile again: 2 s after the first failure, doubling with each failure
 * after it, never more than {@code cap} apart (a permanent failure — a foreign object in the way,
 * an impossible spec the schema cannot see — is retried without hammering the API server);
 * one success starts over.
 */
final class RetryBackoff {

  private final Duration first;
  private final Duration cap;
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();

  RetryBackoff(Duration first, Duration cap) {
    this.first = first;
    this.cap = cap;
  }

  /** Records a failure of {@code key}; the delay before its next attempt. */
  Duration failed(String key) {
    int n = failures.merge(key, 1, Integer::sum);
    Duration delay = first.multipliedBy(1L << Math.min(n - 1, 20));
    return delay.compareTo(cap) > 0 ? cap : delay;
  }

  void succeeded(String key) {
    failures.remove(key);
  }
}
