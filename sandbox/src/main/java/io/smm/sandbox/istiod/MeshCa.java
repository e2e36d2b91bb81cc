package io.smm.sandbox.istiod;

import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
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
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

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
  /** Where a CA of another process sends its proxies' signing requests; null when it has none. */
  private final Signer signer;

  /** istiod's CA as a proxy reaches it: signs a PKCS#10 request (PEM) for a workload, returns the certificate. */
  @FunctionalInterface
  public interface Signer {
    X509Certificate sign(String csrPem, String namespace, String serviceAccount);
  }

  private MeshCa(String trustDomain, KeyPair rootKeys, X509Certificate root) {
    this(trustDomain, rootKeys, root, null);
  }

  private MeshCa(String trustDomain, KeyPair rootKeys, X509Certificate root, Signer signer) {
    this.trustDomain = trustDomain;
    this.rootKeys = rootKeys;
    this.root = root;
    this.signer = signer;
  }

  /**
   * The mesh's CA as the proxies of a remote cluster know it: istiod runs in another cluster, and
   * each workload's key is made here and certified there, through {@code signer} (pilot-agent's CSR
   * to istiod over 15012).
   */
  public static MeshCa signedElsewhere(X509Certificate root, String trustDomain, Signer signer) {
    return new MeshCa(trustDomain, null, root, signer);
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

  /**
   * The CA kept in {@code dir} (ca-cert.pem, ca-key.pem: the files istiod keeps in its
   * istio-ca-secret), made there first when it has none: istiod keeps its self-signed root across
   * restarts, so the certificates it issued and the clusters that trust it stay valid.
   */
  public static MeshCa loadOrCreate(java.nio.file.Path dir, String trustDomain) {
    java.nio.file.Path cert = dir.resolve("ca-cert.pem");
    java.nio.file.Path key = dir.resolve("ca-key.pem");
    try {
      if (java.nio.file.Files.isRegularFile(cert) && java.nio.file.Files.isRegularFile(key)) {
        try (PEMParser parser = new PEMParser(new StringReader(java.nio.file.Files.readString(key)))) {
          Object read = parser.readObject();
          var converter = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter();
          PrivateKey privateKey = read instanceof org.bouncycastle.openssl.PEMKeyPair pair ? converter.getPrivateKey(pair.getPrivateKeyInfo())
              : converter.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) read);
          X509Certificate root = certificate(java.nio.file.Files.readString(cert));
          return new MeshCa(trustDomain, new KeyPair(root.getPublicKey(), privateKey), root);
        }
      }
      MeshCa created = create(trustDomain);
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.writeString(cert, created.rootPem());
      java.nio.file.Path written = java.nio.file.Files.writeString(dir.resolve("ca-key.pem.tmp"), created.rootKeyPem());
      java.nio.file.Files.setPosixFilePermissions(written, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      java.nio.file.Files.move(written, key, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return created;
    } catch (java.io.IOException | ClassCastException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot use the mesh CA in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The root's key as PEM (what istiod keeps in istio-ca-secret's ca-key.pem). */
  public String rootKeyPem() {
    if (rootKeys == null) {
      throw new IllegalStateException("a CA of another process has no key here");
    }
    try {
      return pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(rootKeys.getPrivate(), null).generate());
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException(e);
    }
  }

  public X509Certificate root() {
    return root;
  }

  /** The root as PEM, what istiod publishes in ConfigMap istio-ca-root-cert. */
  public String rootPem() {
    return pem(root);
  }

  /** The SPIFFE id of a workload of this mesh. */
  public String spiffeId(String namespace, String serviceAccount) {
    return "spiffe://" + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
  }

  /**
   * The certificate of the workload running as {@code serviceAccount} in {@code namespace};
   * {@code dnsNames} are added for a server that clients reach by a host name. A CA of another
   * process hands out the one certificate it was given, for its identity only ({@link #issuedElsewhere}),
   * or has each workload certified by its signer ({@link #signedElsewhere}; no DNS names then).
   */
  public Workload issue(String namespace, String serviceAccount, String... dnsNames) {
    String spiffe = spiffeId(namespace, serviceAccount);
    if (rootKeys == null && signer != null) {
      return issued.computeIfAbsent(spiffe, k -> {
        SigningRequest request = signingRequest();
        return new Workload(request.keys().getPrivate(), signer.sign(request.pem(), namespace, serviceAccount));
      });
    }
    if (rootKeys == null) {
      Workload given = issued.get(spiffe);
      if (given == null) {
        throw new IllegalStateException("no certificate was issued to " + spiffe + " here");
      }
      return given;
    }
    return issued.computeIfAbsent(spiffe + String.join(",", dnsNames), k -> {
      try {
        KeyPair keys = keys();
        return new Workload(keys.getPrivate(), sign(keys.getPublic(), spiffe, dnsNames));
      } catch (Exception e) {
        throw new IllegalStateException("cannot issue a certificate for " + spiffe + ": " + e.getMessage(), e);
      }
    });
  }

  /**
   * istiod's CA answering a proxy's certificate signing request (what pilot-agent sends over 15012
   * with its token): the CSR's signature proves its key, and the certificate names the workload the
   * token authenticated, whatever the CSR asks for.
   *
   * @throws IllegalArgumentException when the CSR cannot be read or its signature does not verify
   */
  public X509Certificate sign(String csrPem, String namespace, String serviceAccount) {
    try (PEMParser parser = new PEMParser(new StringReader(csrPem))) {
      if (!(parser.readObject() instanceof PKCS10CertificationRequest csr)) {
        throw new IllegalArgumentException("not a certificate signing request");
      }
      PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(csr.getSubjectPublicKeyInfo().getEncoded()));
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw new IllegalArgumentException("the certificate signing request's signature does not verify");
      }
      return sign(key, spiffeId(namespace, serviceAccount));
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException("unreadable certificate signing request: " + e.getMessage(), e);
    }
  }

  /** What a proxy sends to be certified: a new key (kept) and its PKCS#10 request in PEM. */
  public record SigningRequest(KeyPair keys, String pem) {}

  public static SigningRequest signingRequest() {
    try {
      KeyPair keys = keys();
      var csr = new JcaPKCS10CertificationRequestBuilder(new X500Name(""), keys.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()));
      return new SigningRequest(keys, pem(csr));
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a certificate signing request: " + e.getMessage(), e);
    }
  }

  /**
   * The mesh's CA as a proxy outside istiod's process knows it: the root it trusts and the
   * certificate istiod issued to it (for the key it made), which it presents as its workload.
   */
  public static MeshCa issuedElsewhere(X509Certificate root, String trustDomain, String namespace, String serviceAccount,
      Workload workload) {
    MeshCa ca = new MeshCa(trustDomain, null, root);
    ca.issued.put(ca.spiffeId(namespace, serviceAccount), workload);
    return ca;
  }

  /** PEM of a certificate, key or request. */
  public static String pem(Object o) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(o);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  /** A certificate from PEM. */
  public static X509Certificate certificate(String pem) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
    }
  }

  private X509Certificate sign(PublicKey key, String spiffe, String... dnsNames) {
    try {
      Instant now = Instant.now();
      var builder = new JcaX509v3CertificateBuilder(root, serial(), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(Duration.ofDays(1))), new X500Name(""), key);
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
      return new JcaX509CertificateConverter()
          .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(rootKeys.getPrivate())));
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
