package io.smm.backend.http;

/**
 * Where `smm server` listens. The seed's dashboard address is 127.0.0.1:50500 and its access log
 * service (smm-als) port 50600; alsPort 0 picks a free port, {@link #NO_ALS} runs without one.
 */
public record ServerOptions(String host, int port, int alsPort) {
  public static final int DEFAULT_PORT = 50500;
  public static final int DEFAULT_ALS_PORT = 50600;
  public static final int NO_ALS = -1;

  public ServerOptions(String host, int port) {
    this(host, port, NO_ALS);
  }
}
