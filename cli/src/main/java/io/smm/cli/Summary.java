package io.smm.cli;

import io.smm.operator.ComponentResult;
import io.smm.operator.ReconcileReport;

/** The closing lines of install/reconcile/uninstall; a failed run ends with exit code 1. */
final class Summary {

  private Summary() {}

  static void print(ReconcileReport report, String verb) {
    long available = report.components().stream().filter(c -> ComponentResult.AVAILABLE.equals(c.status())).count();
    long removed = report.components().stream().filter(c -> ComponentResult.REMOVED.equals(c.status())).count();
    System.out.printf("%s in %.1fs: %d components available, %d removed, %d writes%s%n",
        report.succeeded() ? "Succeeded" : "Failed", report.took().toMillis() / 1000.0, available, removed, report.writes(),
        report.istioStatus() == null ? "" : "; IstioControlPlane " + report.istioStatus());
    report.warnings().forEach(w -> System.out.println("Warning: " + w));
    if (!report.succeeded()) {
      String why = report.components().stream().filter(c -> ComponentResult.FAILED.equals(c.status())).findFirst()
          .map(c -> c.component() + ": " + c.message()).orElse("unknown");
      throw new CliException("not " + verb + ": " + why + " (run the command again to retry; nothing is left half-applied)", 1);
    }
  }
}
