package io.smm.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;

/**
 * The interactive `smm install` (seed 2.3.3 "Install Service Mesh Manager interactively"): the
 * manual's four questions, Enter taking the default (yes for the recommended parts, no for the
 * optional ones); y/yes/n/no in any case. `-a`, or no terminal to ask on, takes every default.
 */
record InstallQuestions(boolean istioOperator, boolean certManager, boolean streamingDataManager, boolean demoApplication) {

  static final InstallQuestions DEFAULTS = new InstallQuestions(true, true, false, false);

  static InstallQuestions ask(BufferedReader in, PrintStream out) throws IOException {
    boolean istio = ask(in, out, "Install istio-operator (recommended). Press enter to accept", true);
    boolean certManager = ask(in, out, "Install cert-manager (recommended). Press enter to accept", true);
    boolean sdm = ask(in, out, "Install Streaming Data Manager (optional). Press enter to skip", false);
    if (sdm) {
      out.println("  Streaming Data Manager is not part of this release; skipped.");
      sdm = false;
    }
    boolean demo = ask(in, out, "Install and run demo application (optional). Press enter to skip", false);
    return new InstallQuestions(istio, certManager, sdm, demo);
  }

  private static boolean ask(BufferedReader in, PrintStream out, String question, boolean byDefault) throws IOException {
    while (true) {
      out.print("? " + question + " " + (byDefault ? "Yes" : "No") + " ");
      out.flush();
      String line = in.readLine();
      if (line == null) {
        throw new CliException("the input ended before every question was answered; nothing was installed (use -a for the defaults)", 1);
      }
      switch (line.strip().toLowerCase()) {
        case "" -> {
          return byDefault;
        }
        case "y", "yes" -> {
          return true;
        }
        case "n", "no" -> {
          return false;
        }
        default -> out.println("  Please answer yes or no.");
      }
    }
  }
}
