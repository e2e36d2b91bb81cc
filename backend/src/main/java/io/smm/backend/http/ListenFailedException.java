package io.smm.backend.http;

/** The server could not bind its address (usually: the port is taken). */
public class ListenFailedException extends RuntimeException {
  public ListenFailedException(ServerOptions options, Throwable cause) {
    super("cannot listen on " + options.host() + ":" + options.port() + ": " + cause.getMessage(), cause);
  }
}
