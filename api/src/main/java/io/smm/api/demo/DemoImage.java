package io.smm.api.demo;

/**
 * The demo application's image: its workloads and its load generators (ROLE=loadgen, TARGET,
 * METHOD, HEADERS, MIN_RPS, MAX_RPS, DURATION_SECONDS), used by the demo installer and by the
 * dashboard's "generate load".
 */
public final class DemoImage {

  public static final String NAME = "ghcr.io/smm/smm-demo:1.0.0";

  private DemoImage() {}
}
