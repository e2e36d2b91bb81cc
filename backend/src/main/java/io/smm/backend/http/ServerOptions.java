package io.smm.backend.http;

/** Where `smm server` listens. The seed's dashboard address is 127.0.0.1:50500. */
public record ServerOptions(String host, int port) {
  public static final int DEFAULT_PORT = 50500;
}
