package io.smm.sandbox.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM text for tests that hand certificates and keys to other programs (Pebble, kubectl, a TLS Secret). */
public final class Pem {

  private Pem() {}

  public static String certificate(X509Certificate certificate) {
    return write(certificate);
  }

  /** PKCS#8 ("PRIVATE KEY"): Go's TLS stack does not read the SEC1 form BouncyCastle would write for the JDK's EC keys. */
  public static String privateKey(PrivateKey key) {
    try {
      return write(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String write(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
