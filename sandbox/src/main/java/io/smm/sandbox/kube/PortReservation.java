package io.smm.sandbox.kube;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Holds a listening port on 127.0.0.1 while slow work runs, so a start fails at once when the port
 * is taken instead of after minutes of setup, and no outgoing connection's ephemeral port lands on
 * it meanwhile. The server that needs it binds right after {@link #close()}.
 */
public final class PortReservation implements AutoCloseable {

  private final ServerSocket socket;

  private PortReservation(ServerSocket socket) {
    this.socket = socket;
  }

  /** @throws PortInUseException naming the process that holds the port, when known */
  public static PortReservation hold(int port, String what) {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      try {
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      } catch (IOException e) {
        s.close();
        throw new PortInUseException(what, port, e);
      }
      return new PortReservation(s);
    } catch (IOException e) {
      throw new PortInUseException(what, port, e);
    }
  }

  public int port() {
    return socket.getLocalPort();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing a listening socket does not fail in a way that matters here
    }
  }
}
