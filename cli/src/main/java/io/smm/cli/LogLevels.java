package io.smm.cli;

import java.util.List;
import java.util.Set;

/**
 * What a user sees besides a command's own output. A CLI command prints its output and one-line
 * errors, nothing else; the long-running roles (server, operator, sandbox) log at info, their
 * libraries at warn. {@code -v/--verbose} shows debug logs of ours, info of libraries and stack
 * traces of errors. Vert.x's blocked-thread warnings (fabric8's TLS setup on its event loop on a
 * slow machine) are never shown: they are hundreds of lines about our process, not the user's mesh.
 * Decided from the raw arguments before the first logger exists, as slf4j-simple reads its levels
 * once.
 */
final class LogLevels {

  private static final Set<String> SERVICES = Set.of("server", "operator", "sandbox");
  private static final Set<String> OPTIONS_WITH_VALUE = Set.of("-c", "--kubeconfig", "--context");
  private static final String PREFIX = "org.slf4j.simpleLogger.";

  private LogLevels() {}

  static boolean verbose(String... args) {
    return List.of(args).contains("-v") || List.of(args).contains("--verbose");
  }

  static void configure(String... args) {
    boolean verbose = verbose(args);
    boolean service = SERVICES.contains(subcommand(args));
    if (verbose) {
      setIfAbsent("defaultLogLevel", "info");
      setIfAbsent("log.io.smm", "debug");
    } else if (!service) {
      setIfAbsent("defaultLogLevel", "off");
      setIfAbsent("log.io.smm", "off");
    }
    setIfAbsent("log.io.vertx.core.impl.BlockedThreadChecker", "off");
  }

  /** The first word that is not an option or an option's value: the command being run. */
  static String subcommand(String... args) {
    for (int i = 0; i < args.length; i++) {
      if (OPTIONS_WITH_VALUE.contains(args[i])) {
        i++;
      } else if (!args[i].startsWith("-")) {
        return args[i];
      }
    }
    return "";
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(PREFIX + key) == null) {
      System.setProperty(PREFIX + key, value);
    }
  }
}
