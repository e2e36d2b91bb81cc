package io.smm.operator;

/** Per-component progress, for the CLI's output and the operator's log. */
public interface ReconcileProgress {

  void started(String component);

  void finished(ComponentResult result);

  ReconcileProgress SILENT = new ReconcileProgress() {
    @Override
    public void started(String component) {}

    @Override
    public void finished(ComponentResult result) {}
  };
}
