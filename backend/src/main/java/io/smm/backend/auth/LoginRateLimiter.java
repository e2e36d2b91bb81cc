package io.smm.backend.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing: a client (by address) that failed {@code maxFailures} logins within
 * {@code window} is refused (429) until the oldest of them leaves the window. Successful logins
 * do not count, so a user who types one wrong token is not locked out.
 */
public final class LoginRateLimiter {

  private final Clock clock;
  private final int maxFailures;
  private final Duration window;
  private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

  public LoginRateLimiter(Clock clock, int maxFailures, Duration window) {
    this.clock = clock;
    this.maxFailures = maxFailures;
    this.window = window;
  }

  /** @throws AuthFailure RATE_LIMITED when this client failed too often lately */
  public void check(String client) {
    Deque<Instant> times = failures.get(client);
    if (times == null) {
      return;
    }
    synchronized (times) {
      Instant now = clock.instant();
      while (!times.isEmpty() && !times.peekFirst().plus(window).isAfter(now)) {
        times.pollFirst();
      }
      if (times.size() >= maxFailures) {
        long wait = Math.max(1, Duration.between(now, times.peekFirst().plus(window)).toSeconds());
        throw new AuthFailure(AuthFailure.Reason.RATE_LIMITED, "too many failed logins from this address; try again in " + wait + " s");
      }
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
