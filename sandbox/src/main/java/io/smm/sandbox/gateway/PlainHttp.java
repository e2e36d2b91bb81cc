package io.smm.sandbox.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 GET with a Host header of our choosing sent to an address of our choosing, as a
 * proxy or a resolver that maps the name elsewhere sends it (Java's HTTP clients refuse to set Host).
 */
public final class PlainHttp {

  /** Status code, content type and body. */
  public record Answer(int status, String contentType, String body) {}

  private PlainHttp() {}

  public static Answer get(URI address, String host, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address.getHost(), address.getPort()), 2000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\nAccept: */*\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String response = all.toString(StandardCharsets.UTF_8);
      int lineEnd = response.indexOf("\r\n");
      if (lineEnd < 0 || !response.startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP answer from " + address);
      }
      int status = Integer.parseInt(response.substring(9, 12));
      int headersEnd = response.indexOf("\r\n\r\n");
      String body = headersEnd < 0 ? "" : response.substring(headersEnd + 4);
      if (response.toLowerCase().contains("\r\ntransfer-encoding: chunked")) {
        body = dechunk(body);
      }
      String contentType = response.substring(0, headersEnd < 0 ? response.length() : headersEnd).lines()
          .filter(l -> l.toLowerCase().startsWith("content-type:")).map(l -> l.substring(13).trim()).findFirst().orElse("text/plain");
      return new Answer(status, contentType, body);
    }
  }

  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < chunked.length()) {
      int lineEnd = chunked.indexOf("\r\n", at);
      if (lineEnd < 0) {
        break;
      }
      int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    return out.toString();
  }
}
