package io.smm.sandbox.certmanager;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.AbstractAcmeProvider;

/**
 * acme4j's connection to any https ACME directory URL, trusting the JVM's roots and the extra roots
 * the cert-manager stand-in was given (cert-manager's trust for a private ACME server: its caBundle,
 * here the CA of Pebble's listener certificate).
 */
final class TrustingAcmeProvider extends AbstractAcmeProvider {

  private final SSLContext ssl;

  TrustingAcmeProvider(List<X509Certificate> extraRoots) {
    try {
      TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      defaults.init((KeyStore) null);
      X509TrustManager jvm = (X509TrustManager) defaults.getTrustManagers()[0];
      KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
      extra.load(null, null);
      for (int i = 0; i < extraRoots.size(); i++) {
        extra.setCertificateEntry("extra-" + i, extraRoots.get(i));
      }
      TrustManagerFactory own = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      own.init(extra);
      X509TrustManager extraTrust = (X509TrustManager) own.getTrustManagers()[0];
      X509TrustManager either = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          jvm.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          try {
            extraTrust.checkServerTrusted(chain, authType);
          } catch (CertificateException notOurs) {
            jvm.checkServerTrusted(chain, authType);
          }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return jvm.getAcceptedIssuers();
        }
      };
      ssl = SSLContext.getInstance("TLS");
      ssl.init(null, new TrustManager[] {either}, null);
    } catch (Exception e) {
      throw new IllegalStateException("cannot set up the ACME client's trust", e);
    }
  }

  @Override
  public boolean accepts(URI serverUri) {
    return "https".equals(serverUri.getScheme());
  }

  @Override
  public URL resolve(URI serverUri) {
    try {
      return serverUri.toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(serverUri + " is not a URL", e);
    }
  }

  @Override
  protected HttpConnector createHttpConnector(NetworkSettings settings) {
    return new HttpConnector(settings) {
      @Override
      public HttpClient.Builder createClientBuilder() {
        return super.createClientBuilder().sslContext(ssl);
      }
    };
  }
}
