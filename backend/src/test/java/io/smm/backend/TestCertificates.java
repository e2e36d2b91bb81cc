package io.smm.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Certificates for tests that need a gateway credential istiod would accept. */
public final class TestCertificates {

  private TestCertificates() {}

  /** A self-signed PEM certificate valid until 2126 (tls/long-lived.crt). */
  public static String longLived() {
    try (InputStream in = TestCertificates.class.getResourceAsStream("/tls/long-lived.crt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      return text.substring(text.indexOf("-----BEGIN"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
