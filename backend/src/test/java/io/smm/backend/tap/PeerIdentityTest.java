package io.smm.backend.tap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeerIdentityTest {

  @Test
  void theLastElementIsTheImmediatePeerAsEnvoyAppendsIt() {
    String header = "By=spiffe://cluster.local/ns/a/sa/x;URI=spiffe://cluster.local/ns/forged/sa/admin,"
        + "By=spiffe://cluster.local/ns/smm-system/sa/smm;Hash=468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688;"
        + "Subject=\"CN=a,O=b;c\";URI=spiffe://cluster.local/ns/smm-demo/sa/bookings";
    assertThat(PeerIdentity.fromForwardedClientCert(header))
        .contains(new PeerIdentity("cluster.local", "smm-demo", "bookings"));
  }

  @Test
  void anElementWithoutASpiffeWorkloadUriIsNoIdentity() {
    assertThat(PeerIdentity.fromForwardedClientCert(null)).isEmpty();
    assertThat(PeerIdentity.fromForwardedClientCert("")).isEmpty();
    assertThat(PeerIdentity.fromForwardedClientCert("By=spiffe://cluster.local/ns/smm-system/sa/smm;Hash=abc")).isEmpty();
    assertThat(PeerIdentity.fromForwardedClientCert("URI=https://example.com/ns/a/sa/b")).isEmpty();
    assertThat(PeerIdentity.fromForwardedClientCert("URI=spiffe://cluster.local/ns//sa/b")).isEmpty();
    assertThat(PeerIdentity.fromForwardedClientCert("URI=spiffe://cluster.local/ns/a/sa/b/extra")).isEmpty();
    // A quoted comma does not start a new element.
    assertThat(PeerIdentity.fromForwardedClientCert("URI=spiffe://cluster.local/ns/a/sa/b;Subject=\"O=x,CN=y\""))
        .contains(new PeerIdentity("cluster.local", "a", "b"));
  }
}
