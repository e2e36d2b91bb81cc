package io.smm.cli;

import io.smm.backend.http.ListenFailedException;
import io.smm.backend.http.ServerOptions;
import io.smm.backend.http.SmmServer;

/** Starts the backend and turns a bind failure into one clear line. */
final class ServerStarter {

  private ServerStarter() {}

  static int start(SmmServer server, ServerOptions options) {
    try {
      return server.start(options);
    } catch (ListenFailedException e) {
      server.close();
      throw new CliException(e.getMessage() + " (is another smm server or sandbox running? choose another --port or --als-port)", 1);
    } catch (IllegalStateException e) {
      server.close();
      throw new CliException(e.getMessage(), 1); // e.g. anonymous mode on a public address
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }
}
