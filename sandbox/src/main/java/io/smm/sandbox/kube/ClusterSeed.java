package io.smm.sandbox.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** What a fresh cluster has: the system namespaces and one Node describing this machine. */
public final class ClusterSeed {

  public static final String POD_CIDR = "10.244.0.0/16";

  private ClusterSeed() {}

  public static void apply(KubernetesClient client) {
    for (String ns : new String[] {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      if (client.namespaces().withName(ns).get() == null) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
            .addToLabels("kubernetes.io/metadata.name", ns).withCreationTimestamp(Instant.now().toString()).endMetadata()
            .withNewStatus().withPhase("Active").endStatus().build()).create();
      }
    }
    Node node = thisMachine();
    if (client.nodes().withName(node.getMetadata().getName()).get() == null) {
      client.nodes().resource(node).create();
    }
  }

  public static String nodeName() {
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase().replaceAll("[^a-z0-9.-]", "-");
    } catch (IOException e) {
      return "sandbox-node";
    }
  }

  static Node thisMachine() {
    String name = nodeName();
    String arch = switch (System.getProperty("os.arch")) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64" -> "arm64";
      default -> System.getProperty("os.arch");
    };
    Map<String, Quantity> capacity = Map.of(
        "cpu", new Quantity(Integer.toString(Runtime.getRuntime().availableProcessors())),
        "memory", new Quantity(memoryKiB() + "Ki"),
        "pods", new Quantity("110"));
    String now = Instant.now().toString();
    return new NodeBuilder()
        .withNewMetadata().withName(name).withCreationTimestamp(now)
        .addToLabels("kubernetes.io/hostname", name)
        .addToLabels("kubernetes.io/os", System.getProperty("os.name").toLowerCase())
        .addToLabels("kubernetes.io/arch", arch)
        .addToLabels("node-role.kubernetes.io/control-plane", "")
        .endMetadata()
        .withNewSpec().withPodCIDR(POD_CIDR).endSpec()
        .withNewStatus()
        .withCapacity(capacity).withAllocatable(capacity)
        .addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress()
        .addNewAddress().withType("Hostname").withAddress(name).endAddress()
        .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
        .withMessage("sandbox kubelet is posting ready status").withLastTransitionTime(now).withLastHeartbeatTime(now).endCondition()
        .withNewNodeInfo()
        .withArchitecture(arch)
        .withOperatingSystem(System.getProperty("os.name").toLowerCase())
        .withOsImage(osImage())
        .withKernelVersion(System.getProperty("os.version"))
        .withKubeletVersion(EmbeddedApiServer.KUBERNETES_VERSION)
        .withKubeProxyVersion(EmbeddedApiServer.KUBERNETES_VERSION)
        .withContainerRuntimeVersion("smm-sandbox://in-process")
        // Required by the Node schema; a real kubelet reads them from the machine (/etc/machine-id, DMI, the boot id).
        .withMachineID(UUID.nameUUIDFromBytes(("machine:" + name).getBytes(StandardCharsets.UTF_8)).toString().replace("-", ""))
        .withSystemUUID(UUID.nameUUIDFromBytes(("system:" + name).getBytes(StandardCharsets.UTF_8)).toString())
        .withBootID(UUID.randomUUID().toString())
        .endNodeInfo()
        .endStatus()
        .build();
  }

  private static long memoryKiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux: fall through
    }
    return Runtime.getRuntime().maxMemory() / 1024;
  }

  private static String osImage() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("PRETTY_NAME=")) {
          return line.substring("PRETTY_NAME=".length()).replace("\"", "");
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return System.getProperty("os.name");
  }
}
