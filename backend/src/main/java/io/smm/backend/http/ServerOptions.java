package io.smm.backend.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where `smm server` listens. The seed's dashboard address is 127.0.0.1:50500 and its access log
 * service (smm-als) port 50600; alsPort 0 picks a free port, {@link #NO_ALS} runs without one.
 *
 * @param anonymousAuth no login: every request uses the backend's own identity (explicit opt-in,
 *     refused unless the host is a loopback address)
 * @param toolsPort where Grafana's and the tracing server's UIs are proxied ({@link ToolsProxy}, an
 *     origin of their own); 0 picks a free port, {@link #NO_TOOLS} runs without
 */
public record ServerOptions(String host, int port, int alsPort, boolean anonymousAuth, int toolsPort) {
  public static final int DEFAULT_PORT = 50500;
  public static final int DEFAULT_ALS_PORT = 50600;
  public static final int DEFAULT_TOOLS_PORT = 50501;
  public static final int NO_ALS = -1;
  public static final int NO_TOOLS = -1;

  public ServerOptions(String host, int port, int alsPort, boolean anonymousAuth) {
    this(host, port, alsPort, anonymousAuth, NO_TOOLS);
  }

  public ServerOptions(String host, int port, int alsPort) {
    this(host, port, alsPort, false);
  }

  public ServerOptions withToolsPort(int tools) {
    return new ServerOptions(host, port, alsPort, anonymousAuth, tools);
  }

  public ServerOptions(String host, int port) {
    this(host, port, NO_ALS);
  }

  public ServerOptions anonymous() {
    return new ServerOptions(host, port, alsPort, true, toolsPort);
  }

  boolean loopback() {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
