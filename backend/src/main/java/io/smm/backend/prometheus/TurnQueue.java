package io.smm.backend.prometheus;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Work of many owners waiting for a shared resource, taken in turn: each owner's in the order it
 * came, owners round-robin, so that one user's flood does not hold up another user's one item (the
 * fair share of Prometheus' query slots and of the topology's evaluation slots). Not thread-safe:
 * its users hold their own lock around it.
 */
public final class TurnQueue<T> {

  /** Owner -> their items, oldest first; owners in the order their turn comes. */
  private final Map<String, Deque<T>> waiting = new LinkedHashMap<>();

  public void add(String owner, T item) {
    waiting.computeIfAbsent(owner, k -> new ArrayDeque<>()).add(item);
  }

  /** The next item in turn that is still wanted (the others met on the way are dropped), or null when none is. */
  public T next(Predicate<T> wanted) {
    while (!waiting.isEmpty()) {
      String owner = waiting.keySet().iterator().next();
      Deque<T> line = waiting.remove(owner);
      T item = line.poll();
      if (!line.isEmpty()) {
        waiting.put(owner, line); // to the back of the turn order
      }
      if (item != null && wanted.test(item)) {
        return item;
      }
    }
    return null;
  }
}
