package io.smm.operator.istio.render;

import sun.misc.Signal;

/**
 * Gives SIGTERM, SIGINT and SIGHUP back to the JVM after a Helm call. helm-java's native library
 * is a Go c-shared library whose install path (which `helm template` runs, client-only) calls Go's
 * signal.Notify; that replaces the process' handlers for good, and the JVM then ignores SIGTERM
 * (no shutdown hooks, a pod that never stops: manusa/helm-java#409). Registering a handler again
 * re-installs the JVM's own OS-level handler; ours does what the JVM's default one does.
 */
final class JvmSignals {

  private static final String[] SHUTDOWN_SIGNALS = {"TERM", "INT", "HUP"};

  private JvmSignals() {}

  static void restore() {
    for (String name : SHUTDOWN_SIGNALS) {
      try {
        Signal.handle(new Signal(name), s -> System.exit(128 + s.getNumber()));
      } catch (IllegalArgumentException e) {
        // The JVM runs with -Xrs or the signal is not available here: nothing to give back.
      }
    }
  }
}
