package io.smm.sandbox.kube.storage;

import io.smm.sandbox.kube.EmbeddedApiServer;
import java.nio.file.Path;

/** An API server on a durable store in a process of its own, for tests that kill it. Prints "READY url". */
public final class DurableApiServerProcess {

  private DurableApiServerProcess() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedApiServer api = EmbeddedApiServer.start(0, ClusterStore.durable(Path.of(args[0])));
    System.out.println("READY " + api.url());
    System.out.flush();
    Thread.currentThread().join();
  }
}
