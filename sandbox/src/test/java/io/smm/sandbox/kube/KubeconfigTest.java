package io.smm.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigTest {

  @Test
  void writesAKubeconfigThatFabric8ReadsBackOwnerOnly(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("sandbox/kubeconfig");
    Kubeconfig.write(file, "http://127.0.0.1:12345");
    Config config = Config.fromKubeconfig(null, Files.readString(file), file.toString());
    assertThat(config.getMasterUrl()).startsWith("http://127.0.0.1:12345");
    assertThat(config.getCurrentContext().getContext().getCluster()).isEqualTo(Kubeconfig.CLUSTER);
    assertThat(Files.getPosixFilePermissions(file)).doesNotContain(PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_READ);
  }
}
