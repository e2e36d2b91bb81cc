package io.smm.cli;

import io.smm.operator.ComponentResult;
import io.smm.operator.ReconcileProgress;
import java.io.PrintStream;

/** One line per component as the reconcile reaches it: "[ 3/13] istio-operator      available (4 created)". */
final class ProgressPrinter implements ReconcileProgress {

  private final PrintStream out;
  private final int total;
  private int done;

  ProgressPrinter(PrintStream out, int total) {
    this.out = out;
    this.total = total;
  }

  @Override
  public void started(String component) {
    // finished() prints the line; a component is quick unless it fails, and then it says why.
  }

  @Override
  public void finished(ComponentResult result) {
    done++;
    out.printf("[%2d/%d] %-20s %s%n", done, total, result.component(), result.summary());
  }
}
