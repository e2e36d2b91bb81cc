package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.TreeMap;

/**
 * What istiod's injector adds to a pod with Istio 1.15's {@code sidecar} and {@code gateway}
 * templates (istio-discovery/files/injection-template.yaml, gateway-injection-template.yaml), in
 * the shape of Istio's injection goldens: {@code istio-init} (sidecar only), the {@code istio-proxy}
 * container with its args, env, ports, readiness probe, security context and mounts, the pod
 * volumes (projected {@code istio-token} for audience istio-ca, {@code istiod-ca-cert}), app probes
 * rewritten to the agent on 15020, and the labels and annotations Istio sets. Go template features
 * the goldens do not exercise (annotations that tune the proxy) are not interpreted.
 */
final class IstioInjectionTemplate {

  /** What the control plane gives the template: where istiod is, which image, which revision. */
  /** @param network the control plane's networkName (Istio's global.network); "" for none */
  record ControlPlane(String revision, String proxyImage, String caAddress, String clusterId, String network, String meshId,
      String trustDomain) {}

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String[] VOLUMES = {"workload-socket", "credential-socket", "workload-certs", "istio-envoy", "istio-data",
      "istio-podinfo", "istio-token", "istiod-ca-cert"};

  private IstioInjectionTemplate() {}

  /** Injects into a pod (as JSON); {@code gateway} selects the gateway template (proxy router, no istio-init). */
  static void inject(ObjectNode pod, ControlPlane cp, boolean gateway) {
    ObjectNode meta = (ObjectNode) pod.get("metadata");
    ObjectNode spec = (ObjectNode) pod.get("spec");
    ObjectNode labels = meta.has("labels") ? (ObjectNode) meta.get("labels") : meta.putObject("labels");
    ObjectNode annotations = meta.has("annotations") ? (ObjectNode) meta.get("annotations") : meta.putObject("annotations");
    ArrayNode containers = (ArrayNode) spec.get("containers");
    String workload = workloadName(meta);
    String canonical = labels.path("service.istio.io/canonical-name").asText(labels.path("app.kubernetes.io/name").asText(
        labels.path("app").asText(workload)));
    ArrayNode appContainers = JSON.arrayNode();
    StringBuilder appNames = new StringBuilder();
    ObjectNode probers = JSON.objectNode();
    for (JsonNode c : containers) {
      if ("istio-proxy".equals(c.path("name").asText())) {
        continue;
      }
      appNames.append(appNames.length() == 0 ? "" : ",").append(c.path("name").asText());
      for (JsonNode p : c.path("ports")) {
        ObjectNode port = JSON.objectNode();
        if (p.has("name")) {
          port.set("name", p.get("name"));
        }
        port.set("containerPort", p.get("containerPort"));
        if (p.has("protocol")) {
          port.set("protocol", p.get("protocol"));
        }
        appContainers.add(port);
      }
      if (!gateway) {
        rewriteProbe((ObjectNode) c, "readinessProbe", "readyz", probers);
        rewriteProbe((ObjectNode) c, "livenessProbe", "livez", probers);
        rewriteProbe((ObjectNode) c, "startupProbe", "startupz", probers);
      }
    }
    ObjectNode proxy = proxy(containers, cp, gateway, workload, meta, appContainers, appNames.toString(), probers);
    if (!gateway) {
      ArrayNode init = spec.has("initContainers") ? (ArrayNode) spec.get("initContainers") : spec.putArray("initContainers");
      init.add(istioInit(cp));
    }
    ArrayNode volumes = spec.has("volumes") ? (ArrayNode) spec.get("volumes") : spec.putArray("volumes");
    volumes.addAll(volumes());
    if (!gateway) {
      labels.put("security.istio.io/tlsMode", "istio");
    }
    labels.put("service.istio.io/canonical-name", canonical);
    if (gateway) {
      labels.put("istio.io/rev", cp.revision());
    }
    labels.put("service.istio.io/canonical-revision", labels.path("service.istio.io/canonical-revision").asText(
        labels.path("version").asText("latest")));
    if (!gateway) {
      String first = containers.path(0).path("name").asText();
      annotations.put("kubectl.kubernetes.io/default-container", first);
      annotations.put("kubectl.kubernetes.io/default-logs-container", first);
    }
    annotations.put("prometheus.io/path", "/stats/prometheus");
    annotations.put("prometheus.io/port", "15020");
    annotations.put("prometheus.io/scrape", "true");
    ObjectNode status = JSON.objectNode();
    if (gateway) {
      status.putNull("initContainers");
    } else {
      status.putArray("initContainers").add("istio-init");
    }
    status.putArray("containers").add("istio-proxy");
    ArrayNode statusVolumes = status.putArray("volumes");
    for (String v : VOLUMES) {
      statusVolumes.add(v);
    }
    status.putNull("imagePullSecrets");
    status.put("revision", cp.revision());
    annotations.put("sidecar.istio.io/status", status.toString());
    if (proxy != null) {
      containers.add(proxy);
    }
  }

  /** The gateway template fills in the pod's own istio-proxy container (image: auto); the sidecar template appends one. */
  private static ObjectNode proxy(ArrayNode containers, ControlPlane cp, boolean gateway, String workload, ObjectNode meta,
      ArrayNode ports, String appNames, ObjectNode probers) {
    ObjectNode existing = null;
    for (JsonNode c : containers) {
      if ("istio-proxy".equals(c.path("name").asText())) {
        existing = (ObjectNode) c;
      }
    }
    ObjectNode proxy = existing != null ? existing : JSON.objectNode().put("name", "istio-proxy");
    proxy.put("image", cp.proxyImage());
    ArrayNode args = proxy.putArray("args").add("proxy").add(gateway ? "router" : "sidecar").add("--domain")
        .add("$(POD_NAMESPACE).svc.cluster.local").add("--proxyLogLevel=warning").add("--proxyComponentLogLevel=misc:error")
        .add("--log_output_level=default:info");
    if (!gateway) {
      args.add("--concurrency").add("2");
    }
    ArrayNode env = JSON.arrayNode();
    env.add(env("JWT_POLICY", "third-party-jwt")).add(env("PILOT_CERT_PROVIDER", "istiod")).add(env("CA_ADDR", cp.caAddress()));
    env.add(fieldEnv("POD_NAME", "metadata.name")).add(fieldEnv("POD_NAMESPACE", "metadata.namespace"))
        .add(fieldEnv("INSTANCE_IP", "status.podIP")).add(fieldEnv("SERVICE_ACCOUNT", "spec.serviceAccountName"))
        .add(fieldEnv("HOST_IP", "status.hostIP")).add(env("PROXY_CONFIG", "{}\n"))
        .add(env("ISTIO_META_POD_PORTS", podPorts(ports)));
    // A gateway has no app containers: the variable is still there, with no value.
    env.add(appNames.isEmpty() ? JSON.objectNode().put("name", "ISTIO_META_APP_CONTAINERS") : env("ISTIO_META_APP_CONTAINERS", appNames));
    env.add(env("ISTIO_META_CLUSTER_ID", cp.clusterId())).add(env("ISTIO_META_INTERCEPTION_MODE", "REDIRECT"));
    if (!cp.network().isEmpty()) {
      env.add(env("ISTIO_META_NETWORK", cp.network()));
    }
    env.add(env("ISTIO_META_WORKLOAD_NAME", workload))
        .add(env("ISTIO_META_OWNER", "kubernetes://apis/apps/v1/namespaces/" + meta.path("namespace").asText() + "/deployments/" + workload))
        .add(env("ISTIO_META_MESH_ID", cp.meshId())).add(env("TRUST_DOMAIN", cp.trustDomain()));
    if (!probers.isEmpty()) {
      env.add(env("ISTIO_KUBE_APP_PROBERS", probers.toString()));
    }
    // Settings the pod's own istio-proxy already has (a gateway's env, resources) come after the template's, as Istio merges them.
    for (JsonNode e : proxy.path("env")) {
      env.add(e);
    }
    proxy.set("env", env);
    ArrayNode proxyPorts = JSON.arrayNode();
    proxyPorts.add(JSON.objectNode().put("containerPort", 15090).put("name", "http-envoy-prom").put("protocol", "TCP"));
    for (JsonNode p : proxy.path("ports")) {
      if (p.path("containerPort").asInt() != 15090) {
        proxyPorts.add(p);
      }
    }
    proxy.set("ports", proxyPorts);
    proxy.set("readinessProbe", JSON.objectNode().put("failureThreshold", 30).put("initialDelaySeconds", 1).put("periodSeconds", 2)
        .put("timeoutSeconds", 3).set("httpGet", JSON.objectNode().put("path", "/healthz/ready").put("port", 15021)));
    if (gateway && !proxy.has("resources")) {
      proxy.putObject("resources");
    } else if (!proxy.has("resources")) {
      proxy.set("resources", defaultResources());
    }
    if (!gateway) {
      proxy.set("securityContext", securityContext(false));
    }
    ArrayNode mounts = proxy.has("volumeMounts") ? (ArrayNode) proxy.get("volumeMounts") : proxy.putArray("volumeMounts");
    mounts.add(mount("workload-socket", "/var/run/secrets/workload-spiffe-uds")).add(mount("credential-socket", "/var/run/secrets/credential-uds"))
        .add(mount("workload-certs", "/var/run/secrets/workload-spiffe-credentials")).add(mount("istiod-ca-cert", "/var/run/secrets/istio"))
        .add(mount("istio-data", "/var/lib/istio/data")).add(mount("istio-envoy", "/etc/istio/proxy"))
        .add(mount("istio-token", "/var/run/secrets/tokens")).add(mount("istio-podinfo", "/etc/istio/pod"));
    return existing != null ? null : proxy;
  }

  private static ObjectNode istioInit(ControlPlane cp) {
    ObjectNode init = JSON.objectNode().put("name", "istio-init").put("image", cp.proxyImage());
    ArrayNode args = init.putArray("args");
    for (String a : new String[] {"istio-iptables", "-p", "15001", "-z", "15006", "-u", "1337", "-m", "REDIRECT", "-i", "*", "-x", "",
        "-b", "*", "-d", "15090,15021,15020", "--log_output_level=default:info"}) {
      args.add(a);
    }
    init.set("resources", defaultResources());
    init.set("securityContext", securityContext(true));
    return init;
  }

  /** global.proxy.resources of the istiod chart's defaults, which the sidecar template gives istio-init and istio-proxy. */
  private static JsonNode defaultResources() {
    return Serialization.jsonMapper().valueToTree(Map.of(
        "limits", Map.of("cpu", "2", "memory", "1Gi"), "requests", Map.of("cpu", "100m", "memory", "128Mi")));
  }

  private static ObjectNode securityContext(boolean init) {
    ObjectNode sc = JSON.objectNode().put("allowPrivilegeEscalation", false).put("privileged", false)
        .put("readOnlyRootFilesystem", !init).put("runAsGroup", init ? 0 : 1337).put("runAsNonRoot", !init)
        .put("runAsUser", init ? 0 : 1337);
    ObjectNode caps = sc.putObject("capabilities");
    if (init) {
      caps.putArray("add").add("NET_ADMIN").add("NET_RAW");
    }
    caps.putArray("drop").add("ALL");
    return sc;
  }

  private static ArrayNode volumes() {
    ArrayNode v = JSON.arrayNode();
    v.add(JSON.objectNode().put("name", "workload-socket").set("emptyDir", JSON.objectNode()));
    v.add(JSON.objectNode().put("name", "credential-socket").set("emptyDir", JSON.objectNode()));
    v.add(JSON.objectNode().put("name", "workload-certs").set("emptyDir", JSON.objectNode()));
    v.add(JSON.objectNode().put("name", "istio-envoy").set("emptyDir", JSON.objectNode().put("medium", "Memory")));
    v.add(JSON.objectNode().put("name", "istio-data").set("emptyDir", JSON.objectNode()));
    ObjectNode podinfo = JSON.objectNode().put("name", "istio-podinfo");
    ArrayNode items = podinfo.putObject("downwardAPI").putArray("items");
    items.add(JSON.objectNode().put("path", "labels").set("fieldRef", JSON.objectNode().put("fieldPath", "metadata.labels")));
    items.add(JSON.objectNode().put("path", "annotations").set("fieldRef", JSON.objectNode().put("fieldPath", "metadata.annotations")));
    v.add(podinfo);
    ObjectNode token = JSON.objectNode().put("name", "istio-token");
    token.putObject("projected").putArray("sources").add(JSON.objectNode().set("serviceAccountToken",
        JSON.objectNode().put("audience", "istio-ca").put("expirationSeconds", 43200).put("path", "istio-token")));
    v.add(token);
    v.add(JSON.objectNode().put("name", "istiod-ca-cert").set("configMap", JSON.objectNode().put("name", "istio-ca-root-cert")));
    return v;
  }

  /** An HTTP or TCP app probe goes through the agent (/app-health/<container>/<kind> on 15020); exec probes stay. */
  private static void rewriteProbe(ObjectNode container, String field, String kind, ObjectNode probers) {
    JsonNode probe = container.path(field);
    if (!probe.has("httpGet") && !probe.has("tcpSocket")) {
      return;
    }
    String path = "/app-health/" + container.path("name").asText() + "/" + kind;
    ObjectNode original = JSON.objectNode();
    ObjectNode action = (probe.has("httpGet") ? probe.get("httpGet") : probe.get("tcpSocket")).deepCopy();
    JsonNode port = action.path("port");
    if (port.isTextual()) {
      // The agent probes a port number: a named port is resolved against the container's ports, as the injector does.
      for (JsonNode p : container.path("ports")) {
        if (port.asText().equals(p.path("name").asText())) {
          action.set("port", p.path("containerPort"));
        }
      }
    }
    original.set(probe.has("httpGet") ? "httpGet" : "tcpSocket", action);
    // Go marshals maps with sorted keys; the agent's JSON reads the same either way, but this keeps the env stable.
    TreeMap<String, JsonNode> sorted = new TreeMap<>();
    probers.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
    sorted.put(path, original);
    probers.removeAll();
    sorted.forEach(probers::set);
    ObjectNode rewritten = ((ObjectNode) probe).deepCopy();
    rewritten.remove("tcpSocket");
    rewritten.set("httpGet", JSON.objectNode().put("path", path).put("port", 15020));
    container.set(field, rewritten);
  }

  /** ISTIO_META_POD_PORTS exactly as the template writes it: one port per line, comma-first. */
  private static String podPorts(ArrayNode ports) {
    StringBuilder out = new StringBuilder("[\n");
    for (int i = 0; i < ports.size(); i++) {
      out.append(i == 0 ? "    " : "    ,").append(ports.get(i).toString()).append('\n');
    }
    return out.append(']').toString();
  }

  /**
   * The workload a pod belongs to, as the injector names it: a Deployment's pod is named
   * {@code <deployment>-<replicaset hash>-<random>}, so its generateName minus the hash.
   */
  static String workloadName(JsonNode meta) {
    String generateName = meta.path("generateName").asText("");
    if (generateName.endsWith("-")) {
      String base = generateName.substring(0, generateName.length() - 1);
      int dash = base.lastIndexOf('-');
      return dash > 0 && base.substring(dash + 1).matches("[a-z0-9]{5,10}") ? base.substring(0, dash) : base;
    }
    return meta.path("name").asText("");
  }

  private static ObjectNode env(String name, String value) {
    return JSON.objectNode().put("name", name).put("value", value);
  }

  private static ObjectNode fieldEnv(String name, String path) {
    ObjectNode e = JSON.objectNode().put("name", name);
    e.putObject("valueFrom").putObject("fieldRef").put("fieldPath", path);
    return e;
  }

  private static ObjectNode mount(String name, String path) {
    return JSON.objectNode().put("mountPath", path).put("name", name);
  }
}
