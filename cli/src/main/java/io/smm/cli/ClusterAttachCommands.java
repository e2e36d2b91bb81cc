package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.controlplane.ClusterNames;
import io.smm.api.crd.SmmCrds;
import io.smm.operator.clusterregistry.ClusterAttachment;
import io.smm.operator.resources.CustomKinds;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `smm istio cluster attach|detach PEER_KUBECONFIG` (seed 2.7.1.2, 2.7.1.3), run against the primary cluster. */
final class ClusterAttachCommands {

  private ClusterAttachCommands() {}

  @Command(name = "attach", mixinStandardHelpOptions = true,
      description = "Attach a peer cluster to the mesh: register it and this cluster with each other in the cluster registry.")
  static class Attach implements Runnable {
    @ParentCommand
    IstioCommand.Cluster cluster;

    @Parameters(index = "0", paramLabel = "PEER_CLUSTER_KUBECONFIG_FILE", description = "Kubeconfig of the peer cluster.")
    Path peerKubeconfig;

    @Option(names = "--name", description = "The peer's name in the mesh (default: its kubeconfig's cluster name, converted to RFC 1123).")
    String name;

    @Option(names = "--wait-seconds", defaultValue = "300", description = "How long to wait for the peer to be Ready (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    @Option(names = "--active-istio-control-plane", description = "The peer keeps an active Istio control plane of its own (a primary"
        + " Istio cluster, multi-primary). Without it the peer is a remote Istio cluster: its control plane is PASSIVE and its proxies"
        + " are served by the primary's istiod through the primary's meshexpansion gateway.")
    boolean activeIstioControlPlane;

    @Option(names = "--force", description = "Reconcile the peer's Service Mesh Manager components again even when it is attached"
        + " already (what the manual's upgrade of a multi-cluster mesh runs after `smm install -a`).")
    boolean force;

    @Option(names = "--network-name", description = "The peer's network (default: its cluster name, a network of its own; name the"
        + " primary's network, e.g. network1, when pods of both clusters reach each other directly).")
    String networkName;

    @Override
    public void run() {
      if (waitSeconds < 1) {
        throw new CliException("--wait-seconds must be at least 1, not " + waitSeconds, 2);
      }
      if (networkName != null && !ClusterNames.convert(networkName).equals(networkName)) {
        throw new CliException("could not attach peer cluster: --network-name " + networkName + " is not an RFC 1123 name", 2);
      }
      try (KubeOptions.Connection primary = cluster.istio.parent.kube.connect();
          KubeOptions.Connection peer = peerOptions(peerKubeconfig).connectAs("peer cluster")) {
        String peerName = peerName(peer.clusterName());
        String network = networkName != null ? networkName : peerName;
        String primaryName = primaryName(primary);
        if (peerName.equals(primaryName)) {
          throw new CliException("could not attach peer cluster: its name " + peerName + " is the primary's; choose another with --name", 1);
        }
        System.out.println("Attaching " + peerName + " (" + peer.server() + ") to " + primaryName + " (" + primary.server() + ")");
        ClusterAttachment attachment = new ClusterAttachment(new ClusterAttachment.Member(primary.client(), primaryName, primary.server()),
            new ClusterAttachment.Member(peer.client(), peerName, peer.server()), s -> System.out.println("  " + s),
            Duration.ofSeconds(waitSeconds));
        if (attachment.check()) {
          String attachedOn = istioNetwork(peer);
          if (!attachedOn.isEmpty() && !attachedOn.equals(network)) {
            throw new CliException("could not attach peer cluster: " + peerName + " is attached on network " + attachedOn
                + "; to move it to " + network + ", detach it and attach it again", 1);
          }
          String mode = istioMode(peer);
          if (!mode.isEmpty() && !mode.equals(activeIstioControlPlane ? "ACTIVE" : "PASSIVE")) {
            throw new CliException("could not attach peer cluster: " + peerName + " is attached with a" + ("ACTIVE".equals(mode)
                ? "n active Istio control plane" : " passive Istio control plane (remote Istio)") + "; to change that, detach it and"
                + " attach it again" + (activeIstioControlPlane ? "" : " without --active-istio-control-plane"), 1);
          }
        } else {
          // The registry's controller runs where the ControlPlane enables it (its clusterRegistry component).
          configure(primary, primaryName, null, null);
          configure(peer, peerName, network, activeIstioControlPlane);
        }
        boolean made = attachment.attach();
        if (made || force) {
          // --force on an attached peer: its ControlPlane reconciled again with this version (seed 2.4.3: the upgrade of a peer).
          followActiveCluster(peer, peerName);
        }
        System.out.println(made ? "Cluster " + peerName + " attached; `smm istio cluster status` lists it."
            : force ? "Cluster " + peerName + " is already attached; its Service Mesh Manager components were reconciled again."
            : "Cluster " + peerName + " is already attached; nothing changed.");
      } catch (ClusterAttachment.AttachException e) {
        throw new CliException("could not attach peer cluster: " + e.getMessage(), 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted; run attach again to finish", 1);
      }
    }

    /** --name as given (it must be a valid name already), else the kubeconfig's, converted and confirmed on a terminal. */
    private String peerName(String contextCluster) {
      if (name != null) {
        String converted = ClusterNames.convert(name);
        if (!converted.equals(name)) {
          throw new CliException("could not attach peer cluster: --name " + name + " is not an RFC 1123 name (" + converted + " would be)", 2);
        }
        return name;
      }
      String converted = ClusterNames.convert(contextCluster);
      if (System.console() == null) {
        if (!converted.equals(contextCluster)) {
          System.out.println("Using the name " + converted + " for cluster " + contextCluster + " (converted to RFC 1123; set it with --name)");
        }
        return converted;
      }
      System.out.print("? Cluster must be registered. Please enter the name of the cluster (" + converted + ") ");
      System.out.flush();
      try {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isBlank()) {
          return converted;
        }
        String typed = ClusterNames.convert(line.strip());
        if (!typed.equals(line.strip())) {
          System.out.println("  using " + typed + " (converted to RFC 1123)");
        }
        return typed;
      } catch (IOException e) {
        return converted;
      }
    }
  }

  @Command(name = "detach", mixinStandardHelpOptions = true,
      description = "Detach a peer cluster from the mesh: remove what attach created on both clusters and the copies synced between them.")
  static class Detach implements Runnable {
    @ParentCommand
    IstioCommand.Cluster cluster;

    @Parameters(index = "0", paramLabel = "PEER_CLUSTER_KUBECONFIG_FILE", description = "Kubeconfig of the peer cluster.")
    Path peerKubeconfig;

    @Option(names = "--name", description = "The peer's name in the mesh, when attach was given one.")
    String name;

    @Override
    public void run() {
      try (KubeOptions.Connection primary = cluster.istio.parent.kube.connect();
          KubeOptions.Connection peer = peerOptions(peerKubeconfig).connectAs("peer cluster")) {
        String peerName = name != null ? name : ClusterNames.convert(peer.clusterName());
        String primaryName = primaryName(primary);
        System.out.println("Detaching " + peerName + " from " + primaryName);
        boolean removed = new ClusterAttachment(new ClusterAttachment.Member(primary.client(), primaryName, primary.server()),
            new ClusterAttachment.Member(peer.client(), peerName, peer.server()), s -> System.out.println("  " + s), Duration.ZERO).detach();
        restore(peer, peerName);
        System.out.println(removed ? "Cluster " + peerName + " detached." : "Cluster " + peerName + " is not attached; nothing changed.");
      } catch (ClusterAttachment.AttachException e) {
        throw new CliException("could not detach peer cluster: " + e.getMessage(), 1);
      }
    }
  }

  /**
   * Turns on the cluster registry in the cluster's ControlPlane (and reconciles) when it has one with
   * the registry off or on another network; its clusterName must be the name the cluster gets in the
   * group, or its controller would register it a second time under the other. {@code network}: the
   * Istio network the peer's control plane is put on (its IstioControlPlane's networkName, through
   * istioCROverrides); null leaves it as it is (the primary's).
   */
  private static void configure(KubeOptions.Connection kube, String name, String network, Boolean activeIstio) {
    boolean passive = activeIstio != null;
    if (!hasControlPlane(kube)) {
      return;
    }
    JsonNode spec = InstalledControlPlane.spec(kube, "smm");
    String configured = spec.path("clusterName").asText("");
    if (!configured.isEmpty() && !ClusterNames.convert(configured).equals(name)) {
      throw new CliException("could not attach peer cluster: the ControlPlane at " + kube.server() + " names its cluster "
          + ClusterNames.convert(configured) + ", not " + name + "; attach it as " + ClusterNames.convert(configured), 1);
    }
    ObjectNode changed = spec.deepCopy();
    changed.put("clusterName", name);
    changed.with("clusterRegistry").put("enabled", true);
    if (network != null) {
      changed.with("meshManager").with("istio").put("istioCROverrides",
          IstioOverrides.withNetwork(spec.at("/meshManager/istio/istioCROverrides").asText(""), network));
    }
    if (passive) {
      passive(changed);
      String overrides = changed.at("/meshManager/istio/istioCROverrides").asText("");
      changed.with("meshManager").with("istio").put("istioCROverrides", IstioOverrides.withMode(overrides, activeIstio));
    }
    if (changed.equals(spec)) {
      return;
    }
    if (passive) {
      // Detach puts the peer's ControlPlane back as it was before attach.
      kube.client().genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind()).withName("smm")
          .edit(cp -> {
            if (cp.getMetadata().getAnnotations() == null) {
              cp.getMetadata().setAnnotations(new java.util.HashMap<>());
            }
            cp.getMetadata().getAnnotations().putIfAbsent(SPEC_BEFORE_ATTACH, spec.toString());
            return cp;
          });
    }
    System.out.println("  enabling the cluster registry of " + name + (network == null ? "" : " (Istio network " + network + ")")
        + (passive ? " as a passive Service Mesh Manager cluster" + (activeIstio ? "" : " with a passive Istio control plane") : ""));
    InstalledControlPlane.apply(kube, "smm", changed, "reconciled");
  }

  /** Where attach keeps a peer's ControlPlane spec from before it made the peer passive (JSON), for detach to restore. */
  static final String SPEC_BEFORE_ATTACH = "smm.cisco.com/spec-before-attach";

  /**
   * A peer's ControlPlane as seed 2.7.1 makes it (the passive overlay of its GitOps guide): Service
   * Mesh Manager runs on the primary only, so the peer keeps what serves its proxies and the
   * primary's views of it — access logs, spans and metrics go to the primary, kube-state-metrics
   * stays — and runs no dashboard, backend, Grafana or SLO controller of its own.
   */
  private static void passive(ObjectNode spec) {
    spec.put("role", "passive");
    ObjectNode smm = spec.with("smm");
    smm.put("role", "passive");
    for (String off : new String[] {"web", "application", "grafana", "sre"}) {
      smm.with(off).put("enabled", false);
    }
  }

  /**
   * Once the group formed, the peer's passive ControlPlane is reconciled again, as its operator's
   * next pass would: its collectors' Services lead to the primary's meshexpansion gateway, whose
   * address the cluster registry has copied to it by now.
   */
  private static void followActiveCluster(KubeOptions.Connection peer, String name) {
    if (!hasControlPlane(peer) || !"passive".equals(InstalledControlPlane.spec(peer, "smm").path("role").asText())) {
      return;
    }
    System.out.println("  reconciling " + name + ": its access logs, spans and (remote Istio) istiod lead to the primary's meshexpansion gateway");
    InstalledControlPlane.apply(peer, "smm", InstalledControlPlane.spec(peer, "smm"), "reconciled");
  }

  /** Detach's part on the peer's ControlPlane: back to the spec it had before attach made it passive. */
  private static void restore(KubeOptions.Connection peer, String name) {
    if (!hasControlPlane(peer)) {
      return;
    }
    var controlPlanes = peer.client().genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind());
    var cp = controlPlanes.withName("smm").get();
    String before = cp.getMetadata().getAnnotations() == null ? null : cp.getMetadata().getAnnotations().get(SPEC_BEFORE_ATTACH);
    if (before == null) {
      return;
    }
    JsonNode spec;
    try {
      spec = Serialization.jsonMapper().readTree(before);
    } catch (java.io.IOException e) {
      throw new CliException("could not detach peer cluster: annotation " + SPEC_BEFORE_ATTACH + " of ControlPlane smm on " + name
          + " is not the JSON attach wrote; remove it and set the spec by hand", 1);
    }
    System.out.println("  restoring the ControlPlane of " + name + " as it was before attach");
    InstalledControlPlane.apply(peer, "smm", spec, "reconciled");
    controlPlanes.withName("smm").edit(c -> {
      c.getMetadata().getAnnotations().remove(SPEC_BEFORE_ATTACH);
      return c;
    });
  }

  /** The mode of the cluster's IstioControlPlanes (the first one's, ACTIVE unless it says; "" when it has none). */
  private static String istioMode(KubeOptions.Connection kube) {
    return istioControlPlanes(kube).stream().map(spec -> spec.path("mode").asText("ACTIVE")).findFirst().orElse("");
  }

  /** The network of the cluster's IstioControlPlanes (the first that names one; "" when none does). */
  private static String istioNetwork(KubeOptions.Connection kube) {
    return istioControlPlanes(kube).stream().map(spec -> spec.path("networkName").asText("")).filter(n -> !n.isEmpty())
        .findFirst().orElse("");
  }

  /** The specs of the cluster's IstioControlPlanes (none where their kind is not installed). */
  private static java.util.List<JsonNode> istioControlPlanes(KubeOptions.Connection kube) {
    if (!CustomKinds.installed(kube.client(), SmmCrds.ISTIO_CONTROL_PLANE)) {
      return java.util.List.of();
    }
    return kube.client().genericKubernetesResources(SmmCrds.ISTIO_CONTROL_PLANE.apiVersion(), SmmCrds.ISTIO_CONTROL_PLANE.kind())
        .inAnyNamespace().list().getItems().stream()
        .map(icp -> Serialization.jsonMapper().<JsonNode>valueToTree(icp.getAdditionalProperties()).path("spec")).toList();
  }

  private static boolean hasControlPlane(KubeOptions.Connection kube) {
    try {
      return CustomKinds.installed(kube.client(), SmmCrds.CONTROL_PLANE)
          && kube.client().genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind()).withName("smm")
              .get() != null;
    } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
      return false; // not readable with these credentials: attach reports the peer's problem itself
    }
  }

  private static KubeOptions peerOptions(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new CliException("no such kubeconfig file: " + file, 2);
    }
    KubeOptions options = new KubeOptions();
    options.kubeconfig = file;
    return options;
  }

  /** The primary's name in the mesh: its ControlPlane's clusterName (converted as install converts it), else its kubeconfig's. */
  static String primaryName(KubeOptions.Connection primary) {
    try {
      var cp = hasControlPlane(primary) ? primary.client().genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(),
          SmmCrds.CONTROL_PLANE.kind()).withName("smm").get() : null;
      if (cp != null) {
        JsonNode spec = Serialization.jsonMapper().valueToTree(cp.getAdditionalProperties()).path("spec");
        if (!spec.path("clusterName").asText("").isEmpty()) {
          return ClusterNames.convert(spec.path("clusterName").asText());
        }
      }
    } catch (RuntimeException e) {
      // no ControlPlane kind installed: the kubeconfig's name
    }
    return ClusterNames.convert(primary.clusterName());
  }
}
