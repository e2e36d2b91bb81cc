package io.smm.sandbox.envoy;

import java.util.ArrayDeque;
import java.util.Deque;

/** A container's log: the last {@code capacity} lines, oldest dropped first, as a kubelet's log rotation would. */
public final class LogBuffer {

  private final int capacity;
  private final Deque<String> lines = new ArrayDeque<>();
  private long chars;

  public LogBuffer(int capacity) {
    this.capacity = capacity;
  }

  public synchronized void add(String line) {
    if (lines.size() == capacity) {
      chars -= lines.removeFirst().length();
    }
    lines.addLast(line);
    chars += line.length();
  }

  /** Characters held, for the pod's memory model. */
  public synchronized long chars() {
    return chars;
  }

  /** The last {@code tail} lines (all when null), each ending with a newline. */
  public synchronized String text(Integer tail) {
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
