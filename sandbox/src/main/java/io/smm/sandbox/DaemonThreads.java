package io.smm.sandbox;

import java.util.concurrent.ThreadFactory;

/** Threads that never keep the JVM alive: the sandbox's loops stop with the process (Ctrl-C, `sandbox down`). */
public final class DaemonThreads {

  private DaemonThreads() {}

  /** Daemon threads with this name (a name per loop makes thread dumps readable). */
  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
