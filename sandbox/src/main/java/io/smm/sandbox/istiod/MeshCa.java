package io.smm.sandbox.istiod;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * istiod's built-in CA, as it runs when no CA is plugged in: a self-signed root (subject
 * O=TRUST_DOMAIN, ten years) that signs each workload's certificate with its SPIFFE identity,
 * spiffe://TRUST_DOMAIN/ns/NAMESPACE/sa/SERVICE_ACCOUNT, as the only URI SAN (what pilot-agent
 * gets for a CSR). The sandbox's simulated sidecars use these for their mTLS. Certificates are
 * issued once per identity and kept (istiod's last 24 h; rotation is not simulated).
 */
public final class MeshCa {

  /** A workload's key and certificate. */
  public record Workload(PrivateKey key, X509Certificate certificate) {}

  private final String trustDomain;
  private final KeyPair rootKeys;
  private final X509Certificate root;
  private final Map<String, Workload> issued = new ConcurrentHashMap<>();

  private MeshCa(String trustDomain, KeyPair rootKeys, X509Certificate root) {
    this.trustDomain = trustDomain;
    this.rootKeys = rootKeys;
    this.root = root;
  }

  public static MeshCa create(String trustDomain) {
    try {
      KeyPair keys = keys();
      Instant now = Instant.now();
      X500Name subject = new X500Name("O=" + trustDomain);
      var builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(Duration.ofDays(3650))), subject, keys.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
      return new MeshCa(trustDomain, keys, cert);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make the mesh's root certificate: " + e.getMessage(), e);
    }
  }

  public X509Certificate root() {
    return root;
  }

  /** The root as PEM, what istiod publishes in ConfigMap istio-ca-root-cert. */
  public String rootPem() {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(root);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  /** The SPIFFE id of a workload of this mesh. */
  public String spiffeId(String namespace, String serviceAccount) {
    return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }

  /**
   * The certificate of the workload running as {@code serviceAccount} in {@code namespace};
   * {@code dnsNames} are added for a server that clients reach by a host name.
   */
  public Workload issue(String namespace, String serviceAccount, String... dnsNames) {
    String spiffe = spiffeId(namespace, serviceAccount);
    return issued.computeIfAbsent(spiffe + String.join(",", dnsNames), k -> sign(spiffe, dnsNames));
  }

  private Workload sign(String spiffe, String... dnsNames) {
    try {
      KeyPair keys = keys();
      Instant now = Instant.now();
      var builder = new JcaX509v3CertificateBuilder(root, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(Duration.ofDays(1))), new X500Name(""), keys.getPublic());
      List<GeneralName> names = new ArrayList<>();
      names.add(new GeneralName(GeneralName.uniformResourceIdentifier, spiffe));
      for (String dns : dnsNames) {
        names.add(new GeneralName(GeneralName.dNSName, dns));
      }
      builder.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(names.toArray(GeneralName[]::new)));
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKeys.getPrivate())));
      return new Workload(keys.getPrivate(), cert);
    } catch (Exception e) {
      throw new IllegalStateException("cannot issue a certificate for " + spiffe + ": " + e.getMessage(), e);
    }
  }

  private static KeyPair keys() throws Exception {
    // ECDSA P-256, as Istio's workload certificates (and fast enough to issue one per pod).
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, new SecureRandom());
  }
}
