package io.smm.backend.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.istio.ProxyRevision;
import io.smm.backend.cluster.PodInfo;
import io.smm.backend.prometheus.PrometheusClient;
import io.smm.backend.prometheus.Series;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Reads a control plane's drill-down (see {@link ControlPlaneDetail}). The sync status comes from
 * istiod's /debug/syncz on its monitoring port 15014, reached through the API server's pod proxy
 * (as Kiali does; it needs get on pods/proxy in the control plane's namespace); the trust bundle from
 * the ConfigMap istiod publishes; the metrics from the sidecars' own exports (istio_build, Envoy's
 * CDS/LDS rejection counters).
 */
public record ControlPlaneDetailService(KubernetesClient client, PrometheusClient prometheus, Executor blocking) {

  static final int MONITORING_PORT = 15014;
  static final String ROOT_CERT = "istio-ca-root-cert";
  private static final String[] TYPES = {"cluster", "listener", "endpoint", "route"};

  /** The drill-down of IstioControlPlane namespace/name; null when there is none. Metrics cover {@code range} back from now. */
  public CompletableFuture<ControlPlaneDetail> detail(String namespace, String name, Duration range) {
    Instant end = Instant.now();
    Duration step = Duration.ofSeconds(Math.max(60, range.toSeconds() / 120));
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<List<ControlPlaneDetail.Line>> versions = lines("count by (tag) (istio_build{component=\"proxy\"})", "tag", end,
        range, step, errors);
    CompletableFuture<List<ControlPlaneDetail.Line>> rejected = lines("label_replace(sum(rate(envoy_cluster_manager_cds_update_rejected[5m])),"
        + " \"type\", \"CDS\", \"\", \"\") or label_replace(sum(rate(envoy_listener_manager_lds_update_rejected[5m])), \"type\", \"LDS\", \"\", \"\")",
        "type", end, range, step, errors);
    return CompletableFuture.supplyAsync(() -> kubernetesPart(namespace, name), blocking)
        .thenCombine(versions.thenCombine(rejected, (v, r) -> new Object[] {v, r}), (d, lines) -> {
          if (d == null) {
            return null;
          }
          @SuppressWarnings("unchecked")
          List<ControlPlaneDetail.Line> v = (List<ControlPlaneDetail.Line>) lines[0];
          @SuppressWarnings("unchecked")
          List<ControlPlaneDetail.Line> r = (List<ControlPlaneDetail.Line>) lines[1];
          return new ControlPlaneDetail(d.name(), d.namespace(), d.revision(), d.version(), d.trustDomain(), d.rootNamespace(), d.pods(),
              d.proxies(), d.proxyStatusError(), d.trustBundle(), v, r, List.copyOf(errors));
        });
  }

  private ControlPlaneDetail kubernetesPart(String namespace, String name) {
    GenericKubernetesResource icp = client.genericKubernetesResources(MeshOverviewService.ISTIO_CONTROL_PLANE).inNamespace(namespace).withName(name).get();
    if (icp == null) {
      return null;
    }
    JsonNode spec = Serialization.jsonMapper().valueToTree(icp.getAdditionalProperties().getOrDefault("spec", Map.of()));
    String revision = name + "." + namespace;
    List<Pod> istiod = client.pods().inNamespace(namespace).withLabel("app", "istiod").withLabel("istio.io/rev", revision).list().getItems();
    List<ControlPlaneDetail.IstiodPod> pods = istiod.stream().map(ControlPlaneDetailService::istiodPod)
        .sorted(Comparator.comparing(ControlPlaneDetail.IstiodPod::name)).toList();
    Map<String, JsonNode> synced = new HashMap<>();
    String syncError = null;
    List<Pod> running = istiod.stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())).toList();
    if (running.isEmpty()) {
      syncError = "no istiod pod of " + revision + " is running";
    }
    for (Pod p : running) {
      try {
        String body = client.raw(client.getMasterUrl().toString().replaceAll("/+$", "") + "/api/v1/namespaces/" + namespace + "/pods/"
            + p.getMetadata().getName() + ":" + MONITORING_PORT + "/proxy/debug/syncz");
        if (body == null) {
          syncError = "istiod pod " + p.getMetadata().getName() + " has no /debug/syncz";
          continue;
        }
        for (JsonNode s : Serialization.jsonMapper().readTree(body)) {
          synced.put(s.path("proxy").asText(), s);
        }
      } catch (KubernetesClientException e) {
        syncError = "cannot read the proxy status from istiod pod " + p.getMetadata().getName() + ": "
            + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage());
      } catch (IOException | RuntimeException e) {
        syncError = "cannot read the proxy status from istiod pod " + p.getMetadata().getName() + ": " + e.getMessage();
      }
    }
    List<ControlPlaneDetail.ProxySync> proxies = new ArrayList<>();
    for (Pod p : client.pods().inAnyNamespace().list().getItems()) {
      if (!revision.equals(ProxyRevision.of(p.getMetadata().getLabels(), p.getMetadata().getAnnotations()))) {
        continue; // the injector records a sidecar's revision in its status annotation; only gateways carry the label
      }
      if (!PodInfo.hasSidecar(p) || p.getStatus() == null || !"Running".equals(p.getStatus().getPhase())) {
        continue; // a pod that is not running has no proxy connected to anyone
      }
      JsonNode s = synced.get(p.getMetadata().getName() + "." + p.getMetadata().getNamespace());
      String[] status = new String[TYPES.length];
      for (int i = 0; i < TYPES.length; i++) {
        status[i] = s == null ? (syncError == null ? "NOT CONNECTED" : "UNKNOWN") : xdsStatus(s, TYPES[i]);
      }
      proxies.add(new ControlPlaneDetail.ProxySync(p.getMetadata().getName(), p.getMetadata().getNamespace(),
          s == null ? proxyVersion(p) : s.path("istio_version").asText(proxyVersion(p)), status[0], status[1], status[2], status[3]));
    }
    proxies.sort(Comparator.comparing(ControlPlaneDetail.ProxySync::namespace).thenComparing(ControlPlaneDetail.ProxySync::pod));
    JsonNode mesh = spec.path("meshConfig");
    return new ControlPlaneDetail(name, namespace, revision, spec.path("version").asText(""), mesh.path("trustDomain").asText("cluster.local"),
        mesh.path("rootNamespace").asText(namespace), pods, proxies, syncError, trustBundle(namespace), List.of(), List.of(), List.of());
  }

  /** istioctl proxy-status' reading of a SyncStatus: NOT SENT before anything was sent, SYNCED once the last send is acked, else STALE. */
  static String xdsStatus(JsonNode sync, String type) {
    String sent = sync.path(type + "_sent").asText("");
    String acked = sync.path(type + "_acked").asText("");
    return sent.isEmpty() ? "NOT SENT" : sent.equals(acked) ? "SYNCED" : "STALE";
  }

  private static String proxyVersion(Pod p) {
    return p.getSpec().getContainers().stream().filter(c -> "istio-proxy".equals(c.getName()) && c.getImage() != null)
        .map(c -> c.getImage().substring(c.getImage().lastIndexOf(':') + 1)).findFirst().orElse("");
  }

  private static ControlPlaneDetail.IstiodPod istiodPod(Pod p) {
    var status = p.getStatus();
    boolean ready = status != null && status.getConditions() != null
        && status.getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    int restarts = status == null || status.getContainerStatuses() == null ? 0
        : status.getContainerStatuses().stream().mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount()).sum();
    return new ControlPlaneDetail.IstiodPod(p.getMetadata().getName(), status == null ? "Pending" : status.getPhase(), ready, restarts,
        p.getSpec().getNodeName(), status == null ? null : status.getPodIP(), status == null ? null : status.getStartTime());
  }

  /** The certificates of root-cert.pem in the control plane's namespace; none when istiod has not published it. */
  private List<ControlPlaneDetail.Certificate> trustBundle(String namespace) {
    ConfigMap cm = client.configMaps().inNamespace(namespace).withName(ROOT_CERT).get();
    String pem = cm == null || cm.getData() == null ? null : cm.getData().get("root-cert.pem");
    if (pem == null) {
      return List.of();
    }
    List<ControlPlaneDetail.Certificate> out = new ArrayList<>();
    try {
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        X509Certificate x = (X509Certificate) c;
        out.add(new ControlPlaneDetail.Certificate(x.getSubjectX500Principal().getName(), x.getIssuerX500Principal().getName(),
            x.getNotBefore().toInstant().toString(), x.getNotAfter().toInstant().toString(),
            HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(x.getEncoded())),
            x.getBasicConstraints() >= 0));
      }
    } catch (Exception e) {
      return List.of(new ControlPlaneDetail.Certificate("unreadable root-cert.pem: " + e.getMessage(), "", "", "", "", false));
    }
    return out;
  }

  private CompletableFuture<List<ControlPlaneDetail.Line>> lines(String promql, String label, Instant end, Duration range, Duration step,
      List<String> errors) {
    return prometheus.range(promql, end.minus(range), end, step).thenApply(series -> {
      List<ControlPlaneDetail.Line> out = new ArrayList<>();
      for (Series s : series) {
        out.add(new ControlPlaneDetail.Line(s.labels().getOrDefault(label, ""), s.points().stream()
            .map(p -> new ControlPlaneDetail.TimeValue(Instant.ofEpochSecond(p.epochSecond()).toString(),
                Double.isFinite(p.value()) ? p.value() : null)).toList()));
      }
      out.sort(Comparator.comparing(ControlPlaneDetail.Line::name));
      return out;
    }).exceptionally(e -> {
      errors.add("Prometheus: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
      return List.of();
    });
  }
}
