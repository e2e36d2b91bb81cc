package io.smm.sandbox.envoy;

import io.smm.sandbox.istiod.MeshCa;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The roots a proxy trusts for mTLS: its own mesh CA's, and the mesh config's caCertificates —
 * the other clusters' roots the istio-operator adds in a multi-cluster mesh (ISTIO_MULTIROOT_MESH),
 * so that a peer cluster's workloads, signed by its own istiod, are trusted. Read at each handshake:
 * a cluster attached later is trusted without restarting the proxy, as Envoy gets new roots over SDS.
 */
public final class MeshTrust implements X509TrustManager {

  private final X509Certificate root;
  private final Supplier<List<String>> otherRoots;

  public MeshTrust(X509Certificate root, Supplier<List<String>> otherRoots) {
    this.root = root;
    this.otherRoots = otherRoots;
  }

  /** Only the mesh's own root. */
  public static MeshTrust of(X509Certificate root) {
    return new MeshTrust(root, List::of);
  }

  private List<X509Certificate> roots() {
    List<X509Certificate> roots = new ArrayList<>(List.of(root));
    for (String pem : otherRoots.get()) {
      try {
        roots.add(MeshCa.certificate(pem));
      } catch (IllegalArgumentException e) {
        // not a certificate: trusts nothing more (istiod would refuse such a mesh config)
      }
    }
    return roots;
  }

  private X509TrustManager current() throws CertificateException {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (X509Certificate r : roots()) {
        store.setCertificateEntry("root-" + i++, r);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return (X509TrustManager) factory.getTrustManagers()[0];
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new CertificateException("cannot build the mesh's trust store: " + e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    current().checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    current().checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return roots().toArray(X509Certificate[]::new);
  }
}
