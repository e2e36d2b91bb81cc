package io.smm.backend.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing without locking anyone out: a client (by address) that failed
 * {@code maxFailures} logins within {@code window} is over the limit until the oldest of them
 * leaves the window. Over the limit, its credentials are still checked — a valid one is never
 * turned away, however many others failed behind the same address (a port-forward, an ingress) —
 * but one at a time ({@link #gate}), and a wrong one is answered 429. Successful logins do not count.
 */
public final class LoginRateLimiter {

  private final Clock clock;
  private final int maxFailures;
  private final Duration window;
  private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
  private final Map<String, Object> gates = new ConcurrentHashMap<>();

  public LoginRateLimiter(Clock clock, int maxFailures, Duration window) {
    this.clock = clock;
    this.maxFailures = maxFailures;
    this.window = window;
  }

  /** Whether this client failed too often lately. */
  public boolean over(String client) {
    Deque<Instant> times = failures.get(client);
    if (times == null) {
      return false;
    }
    synchronized (times) {
      prune(times);
      return times.size() >= maxFailures;
    }
  }

  /** What an over-the-limit client is told after a wrong credential: when to try again. */
  public AuthFailure refusal(String client) {
    Deque<Instant> times = failures.computeIfAbsent(client, c -> new ArrayDeque<>());
    synchronized (times) {
      prune(times);
      Instant oldest = times.isEmpty() ? clock.instant() : times.peekFirst();
      long wait = Math.max(1, Duration.between(clock.instant(), oldest.plus(window)).toSeconds());
      return new AuthFailure(AuthFailure.Reason.RATE_LIMITED, "too many failed logins from this address; try again in " + wait + " s");
    }
  }

  /** The lock over-the-limit attempts of one client take turns on, so guessing runs one check at a time. */
  public Object gate(String client) {
    return gates.computeIfAbsent(client, c -> new Object());
  }

  private void prune(Deque<Instant> times) {
    Instant now = clock.instant();
    while (!times.isEmpty() && !times.peekFirst().plus(window).isAfter(now)) {
      times.pollFirst();
    }
  }

  public void failed(String client) {
    Deque<Instant> times = failures.computeIfAbsent(client, c -> new ArrayDeque<>());
    synchronized (times) {
      times.addLast(clock.instant());
      while (times.size() > maxFailures) {
        times.pollFirst();
      }
    }
  }
}
