package io.smm.backend.tap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A graphql-transport-ws client that stops reading when told, on a plain socket with a small
 * receive buffer: what a browser tab frozen by the debugger or a stuck script does to the server.
 * (The JDK's WebSocket client keeps reading into its own buffers while its listener waits.)
 */
public final class StalledWebSocket implements AutoCloseable {

  private final Socket socket = new Socket();
  private final InputStream in;
  private final OutputStream out;
  private final SecureRandom random = new SecureRandom();

  public StalledWebSocket(int port) throws IOException {
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(20_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
    byte[] nonce = new byte[16];
    random.nextBytes(nonce);
    out.write(("GET /api/graphql HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String headers = readUntil("\r\n\r\n");
    if (!headers.startsWith("HTTP/1.1 101")) {
      throw new IOException("no WebSocket upgrade: " + headers);
    }
  }

  /** Sends one masked text frame, as a client must. */
  public void send(String text) throws IOException {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write(0x81);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >> 8);
      frame.write(payload.length & 0xff);
    }
    byte[] mask = new byte[4];
    random.nextBytes(mask);
    frame.write(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i % 4]);
    }
    out.write(frame.toByteArray());
    out.flush();
  }

  /** Reads until the text appears in what the server sent (the frames are not parsed). */
  public String readUntil(String marker) throws IOException {
    StringBuilder seen = new StringBuilder();
    while (seen.indexOf(marker) < 0) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before \"" + marker + "\" arrived; got " + seen);
      }
      seen.append((char) b);
    }
    return seen.toString();
  }

  /**
   * Reads everything still on its way until the server closes the connection; the close frame's
   * reason as text, or null when the connection ended without one. Times out (IOException) when
   * the server keeps it open.
   */
  public String drainUntilClosed() throws IOException {
    byte[] buffer = new byte[65536];
    ByteArrayOutputStream tail = new ByteArrayOutputStream();
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      tail.write(buffer, 0, n);
      if (tail.size() > 4096) { // only the end matters: the close frame
        byte[] keep = tail.toByteArray();
        tail.reset();
        tail.write(keep, keep.length - 1024, 1024);
      }
    }
    byte[] end = tail.toByteArray();
    for (int i = end.length - 2; i >= 0; i--) {
      if ((end[i] & 0xff) == 0x88) { // a close frame: opcode 8, FIN
        int length = end[i + 1] & 0x7f;
        if (i + 2 + length <= end.length && length >= 2) {
          return new String(end, i + 4, length - 2, StandardCharsets.UTF_8);
        }
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
