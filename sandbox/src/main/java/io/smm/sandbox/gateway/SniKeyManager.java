package io.smm.sandbox.gateway;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.StringReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Envoy's SDS for a gateway's TLS servers: the certificate served is the one of the credentialName
 * Secret (kubernetes.io/tls: tls.crt chain, tls.key) of the Gateway server whose hosts match the
 * client's SNI name, read at each handshake. The alias is the Secret's namespace/name.
 */
final class SniKeyManager extends X509ExtendedKeyManager {

  private final KubernetesClient client;
  private final String namespace;
  private final Function<String, Optional<String>> credentialFor;

  SniKeyManager(KubernetesClient client, String namespace, Function<String, Optional<String>> credentialFor) {
    this.client = client;
    this.namespace = namespace;
    this.credentialFor = credentialFor;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    String sni = "";
    if (engine.getHandshakeSession() instanceof ExtendedSSLSession session) {
      sni = session.getRequestedServerNames().stream().filter(n -> n instanceof SNIHostName).map(n -> ((SNIHostName) n).getAsciiName())
          .findFirst().orElse("");
    }
    return credentialFor.apply(sni).map(name -> namespace + "/" + name).filter(alias -> secret(alias) != null)
        .filter(alias -> {
          PrivateKey key = getPrivateKey(alias);
          return key != null && keyType.equals(key.getAlgorithm()); // JSSE asks once per key type it could use
        }).orElse(null);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Secret s = secret(alias);
    if (s == null) {
      return null;
    }
    List<X509Certificate> chain = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(decode(s, "tls.crt")))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          chain.add(new JcaX509CertificateConverter().getCertificate(holder));
        }
      }
    } catch (IOException | java.security.cert.CertificateException e) {
      return null;
    }
    return chain.toArray(new X509Certificate[0]);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Secret s = secret(alias);
    if (s == null) {
      return null;
    }
    try (PEMParser parser = new PEMParser(new StringReader(decode(s, "tls.key")))) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      return o instanceof PrivateKeyInfo info ? converter.getPrivateKey(info) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private Secret secret(String alias) {
    int slash = alias.indexOf('/');
    Secret s = client.secrets().inNamespace(alias.substring(0, slash)).withName(alias.substring(slash + 1)).get();
    return s != null && s.getData() != null && s.getData().containsKey("tls.crt") && s.getData().containsKey("tls.key") ? s : null;
  }

  private static String decode(Secret s, String key) {
    return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }
}
