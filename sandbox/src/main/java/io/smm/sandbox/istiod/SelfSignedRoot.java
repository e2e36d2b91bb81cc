package io.smm.sandbox.istiod;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The root certificate istiod makes when no CA is plugged in: self-signed, subject O=cluster.local
 * (the trust domain), valid ten years, a CA that may sign workload certificates. Only the
 * certificate leaves this class, as PEM, which is what istiod publishes to every namespace.
 */
final class SelfSignedRoot {

  private SelfSignedRoot() {}

  static String pem(String trustDomain) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, new SecureRandom());
      KeyPair keys = generator.generateKeyPair();
      Instant now = Instant.now();
      X500Name subject = new X500Name("O=" + trustDomain);
      var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(Duration.ofDays(3650))), subject, keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
      StringWriter out = new StringWriter();
      try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
        pem.writeObject(cert);
      }
      return out.toString();
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the mesh's root certificate: " + e.getMessage(), e);
    }
  }
}
