package io.smm.sandbox.demo;

import java.util.ArrayDeque;
import java.util.Deque;

/** A container's log: the last {@code capacity} lines, oldest dropped first, as a kubelet's log rotation would. */
final class LogBuffer {

  private final int capacity;
  private final Deque<String> lines = new ArrayDeque<>();

  LogBuffer(int capacity) {
    this.capacity = capacity;
  }

  synchronized void add(String line) {
    if (lines.size() == capacity) {
      lines.removeFirst();
    }
    lines.addLast(line);
  }

  /** The last {@code tail} lines (all when null), each ending with a newline. */
  synchronized String text(Integer tail) {
    int skip = tail == null ? 0 : Math.max(0, lines.size() - tail);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      if (skip-- > 0) {
        continue;
      }
      out.append(line).append('\n');
    }
    return out.toString();
  }
}
