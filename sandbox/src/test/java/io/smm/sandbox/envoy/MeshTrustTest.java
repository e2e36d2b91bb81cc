package io.smm.sandbox.envoy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smm.sandbox.istiod.MeshCa;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A proxy trusts its own mesh's workloads, and another cluster's once the mesh config lists that cluster's root. */
class MeshTrustTest {

  @Test
  void anotherClustersWorkloadIsTrustedOnlyWhileTheMeshConfigListsItsRoot() throws Exception {
    MeshCa own = MeshCa.create("cluster.local");
    MeshCa peer = MeshCa.create("cluster.local");
    List<String> caCertificates = new ArrayList<>();
    MeshTrust trust = new MeshTrust(own.root(), () -> List.copyOf(caCertificates));
    X509Certificate[] ours = {own.issue("smm-demo", "bookings").certificate()};
    X509Certificate[] theirs = {peer.issue("smm-demo", "payments").certificate()};

    trust.checkClientTrusted(ours, "UNKNOWN");
    assertThatThrownBy(() -> trust.checkClientTrusted(theirs, "UNKNOWN")).isInstanceOf(CertificateException.class);
    caCertificates.add(peer.rootPem());
    trust.checkClientTrusted(theirs, "UNKNOWN");
    trust.checkServerTrusted(theirs, "UNKNOWN");
    assertThat(trust.getAcceptedIssuers()).containsExactly(own.root(), peer.root());
    caCertificates.clear();
    assertThatThrownBy(() -> trust.checkServerTrusted(theirs, "UNKNOWN")).isInstanceOf(CertificateException.class);
  }

  /** istiod keeps its CA: a sandbox started again signs with the root its clusters already trust. */
  @Test
  void theMeshCaIsKeptAcrossRestarts(@TempDir Path dir) throws Exception {
    MeshCa first = MeshCa.loadOrCreate(dir, "cluster.local");
    MeshCa again = MeshCa.loadOrCreate(dir, "cluster.local");
    assertThat(again.root()).isEqualTo(first.root());
    MeshTrust.of(first.root()).checkClientTrusted(new X509Certificate[] {again.issue("smm-demo", "movies").certificate()}, "UNKNOWN");
    assertThat(java.nio.file.Files.getPosixFilePermissions(dir.resolve("ca-key.pem")))
        .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
  }
}
