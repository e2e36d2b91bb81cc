package io.smm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.smm.api.crd.IstioCrds;
import io.smm.api.crd.SmmCrds;
import io.smm.backend.BuildInfo;
import io.smm.backend.istio.IstioConfigKinds;
import io.smm.backend.validation.AnalysisReport;
import io.smm.backend.validation.MeshAnalyzer;
import io.smm.backend.validation.MeshSnapshots;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A support bundle: what someone helping with an installation needs, in one zip — versions, the
 * product's and Istio's custom resources with their status, the product's namespaces (pods,
 * deployments, services, events, config maps, logs) and the mesh validation. Each part is
 * collected on its own: one that fails is named in errors.txt and the rest is still written.
 * Secrets are never read; everything written goes through {@link Redaction}.
 */
final class SupportBundle {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final String cluster;
  private final List<String> namespaces;
  private final int logBytes;
  private final Consumer<String> progress;
  private final List<String> errors = new ArrayList<>();
  private int entries;

  SupportBundle(KubernetesClient client, String cluster, List<String> namespaces, int logBytes, Consumer<String> progress) {
    this.client = client;
    this.cluster = cluster;
    this.namespaces = namespaces;
    this.logBytes = logBytes;
    this.progress = progress;
  }

  /** What was written: entries and the parts that could not be collected. */
  record Result(int entries, List<String> errors) {}

  Result write(Path file) throws IOException {
    Path partial = file.resolveSibling(file.getFileName() + ".partial");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(partial))) {
      progress.accept("versions");
      List<Node> nodes = listed("cluster/nodes.yaml", () -> client.nodes().list().getItems());
      part(zip, "versions.yaml", () -> versions(nodes));
      progress.accept("custom resources");
      for (SmmCrds.Kind k : SmmCrds.ALL) {
        part(zip, "smm/" + k.plural() + ".yaml", () -> list(new ResourceDefinitionContext.Builder().withGroup(k.group())
            .withVersion(k.version()).withKind(k.kind()).withPlural(k.plural()).withNamespaced(k.namespaced()).build()));
      }
      for (IstioCrds.IstioKind k : IstioCrds.ALL) {
        part(zip, "istio/" + k.plural() + ".yaml", () -> list(IstioConfigKinds.context(k)));
      }
      if (nodes != null) {
        part(zip, "cluster/nodes.yaml", () -> items(nodes));
      }
      part(zip, "cluster/namespaces.yaml", () -> items(client.namespaces().list().getItems()));
      for (String ns : namespaces) {
        progress.accept("namespace " + ns);
        List<Pod> pods = listed("namespaces/" + ns + "/pods.yaml", () -> client.pods().inNamespace(ns).list().getItems());
        if (pods != null) {
          part(zip, "namespaces/" + ns + "/pods.yaml", () -> items(pods));
        }
        part(zip, "namespaces/" + ns + "/deployments.yaml", () -> items(client.apps().deployments().inNamespace(ns).list().getItems()));
        part(zip, "namespaces/" + ns + "/services.yaml", () -> items(client.services().inNamespace(ns).list().getItems()));
        part(zip, "namespaces/" + ns + "/events.yaml", () -> items(client.v1().events().inNamespace(ns).list().getItems()));
        // Config maps hold the mesh's and injector's settings, sometimes credentials: their values go through Redaction as text.
        part(zip, "namespaces/" + ns + "/configmaps.yaml", () -> items(client.configMaps().inNamespace(ns).list().getItems()));
        if (pods != null) {
          logs(zip, ns, pods);
        }
      }
      progress.accept("mesh validation");
      part(zip, "validation.json", () -> AnalysisReport.json(new MeshAnalyzer().analyze(MeshSnapshots.load(client, cluster)), cluster)
          .toPrettyString());
      entry(zip, "errors.txt", errors.isEmpty() ? "every part was collected\n" : String.join("\n", errors) + "\n");
    }
    Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
    return new Result(entries, List.copyOf(errors));
  }

  /** Versions of the product, Kubernetes and the kubelets ({@code nodes} null when they could not be listed). */
  private String versions(List<Node> nodes) throws IOException {
    ObjectNode v = JsonNodeFactory.instance.objectNode();
    v.put("smm", BuildInfo.load().version());
    v.put("collected", Instant.now().toString());
    v.put("cluster", cluster);
    var k8s = client.getKubernetesVersion();
    v.put("kubernetes", k8s.getGitVersion() != null ? k8s.getGitVersion() : k8s.getMajor() + "." + k8s.getMinor());
    ArrayNode kubelets = v.putArray("nodes");
    (nodes == null ? List.<Node>of() : nodes).forEach(n -> kubelets.addObject().put("name", n.getMetadata().getName())
        .put("kubelet", n.getStatus() == null || n.getStatus().getNodeInfo() == null ? "" : n.getStatus().getNodeInfo().getKubeletVersion()));
    return YAML.writeValueAsString(v);
  }

  /** Every object of a custom kind, all namespaces; an absent CRD is "none" rather than an error. */
  private String list(ResourceDefinitionContext kind) throws IOException {
    try {
      return items(client.genericKubernetesResources(kind).inAnyNamespace().list().getItems());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return "# no " + kind.getPlural() + " (the CRD is not installed)\n";
      }
      throw e;
    }
  }

  private String items(List<? extends HasMetadata> objects) throws IOException {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    objects.forEach(o -> out.add(Redaction.object(JSON.valueToTree(o))));
    return YAML.writeValueAsString(JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "List").set("items", out));
  }

  /** The last {@code logBytes} of every container's current log, for the namespace's pods. */
  private void logs(ZipOutputStream zip, String ns, List<Pod> pods) throws IOException {
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      for (Container c : pod.getSpec() == null ? List.<Container>of() : pod.getSpec().getContainers()) {
        part(zip, "namespaces/" + ns + "/logs/" + name + "/" + c.getName() + ".log", () -> Redaction.text(client.pods().inNamespace(ns)
            .withName(name).inContainer(c.getName()).limitBytes(logBytes).getLog()));
      }
    }
  }

  @FunctionalInterface
  private interface Part {
    String get() throws IOException;
  }

  /** A list read once for several parts; null, with the reason in errors.txt, when it cannot be read. */
  private <T> List<T> listed(String name, Supplier<List<T>> list) {
    try {
      return list.get();
    } catch (RuntimeException e) {
      errors.add(name + ": " + KubeOptions.rootMessage(e));
      return null;
    }
  }

  private void part(ZipOutputStream zip, String name, Part part) throws IOException {
    String content;
    try {
      content = part.get();
    } catch (IOException | RuntimeException e) {
      errors.add(name + ": " + KubeOptions.rootMessage(e));
      return;
    }
    entry(zip, name, content == null ? "" : content);
  }

  private void entry(ZipOutputStream zip, String name, String content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
    entries++;
  }
}
