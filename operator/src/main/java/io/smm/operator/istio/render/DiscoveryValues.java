package io.smm.operator.istio.render;

import static io.smm.operator.istio.render.ValueTree.at;
import static io.smm.operator.istio.render.ValueTree.isSet;
import static io.smm.operator.istio.render.ValueTree.object;
import static io.smm.operator.istio.render.ValueTree.putIf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * The istio-discovery chart's values for an IstioControlPlane: our port of the istio-operator's
 * {@code istio-discovery/values.yaml.tpl} (v2.15.12), setting for setting. The chart turns them
 * into istiod, its webhooks, ConfigMaps, RBAC, PDB, HPA and telemetry filters.
 */
public final class DiscoveryValues {

  private DiscoveryValues() {}

  public static ObjectNode of(JsonNode spec, IstioRevision rev, MeshContext context) {
    ObjectNode values = object();
    putIf(values, "revision", JsonNodeFactory.instance.textNode(rev.name()));
    if ("ACTIVE".equals(spec.path("mode").asText())) {
      values.set("pilot", pilot(spec, rev));
    }
    values.set("sidecarInjectorWebhook", sidecarInjectorWebhook(spec));
    if (isSet(at(spec, "telemetryV2.enabled")) || isSet(at(spec, "proxyWasm.enabled"))) {
      ObjectNode v2 = object();
      putIf(v2, "enabled", at(spec, "telemetryV2.enabled"));
      JsonNode wasm = at(spec, "proxyWasm.enabled");
      if (isSet(wasm)) {
        v2.set("metadataExchange", object().put("wasmEnabled", wasm.asBoolean()));
        v2.set("prometheus", object().put("wasmEnabled", wasm.asBoolean()));
      }
      values.set("telemetry", object().set("v2", v2));
    }
    ObjectNode global = global(spec, rev, context);
    if (!global.isEmpty()) {
      values.set("global", global);
    }
    values.set("meshConfig", meshConfig(spec, rev, context));
    if (isSet(at(spec, "proxyInit.cni.enabled")) || isSet(at(spec, "proxyInit.cni.chained"))) {
      ObjectNode cni = object();
      putIf(cni, "enabled", at(spec, "proxyInit.cni.enabled"));
      putIf(cni, "chained", at(spec, "proxyInit.cni.chained"));
      if (cisco(spec)) {
        cni.put("name", rev.withNamespacedRevision("istio-cni"));
      }
      values.set("istio_cni", cni);
    }
    return values;
  }

  static boolean cisco(JsonNode spec) {
    return "cisco".equals(spec.path("distribution").asText());
  }

  private static ObjectNode pilot(JsonNode spec, IstioRevision rev) {
    JsonNode deployment = at(spec, "istiod.deployment");
    JsonNode replicas = deployment.path("replicas");
    int count = positive(replicas.path("count"), 1);
    int min = positive(replicas.path("min"), 1);
    int max = positive(replicas.path("max"), 5);
    boolean autoscale = !(isSet(replicas.path("count")) && !isSet(replicas.path("min")) && !isSet(replicas.path("max")) || min >= max);
    if (autoscale && count > max) {
      count = max;
    }
    if (autoscale && min > count) {
      count = min;
    }
    ObjectNode pilot = object();
    pilot.put("autoscaleEnabled", autoscale).put("autoscaleMin", min).put("autoscaleMax", max).put("replicaCount", count);
    putIf(pilot, "image", deployment.path("image"));
    putIf(pilot, "traceSampling", at(spec, "istiod.traceSampling"));
    putIf(pilot, "resources", deployment.path("resources"));
    ArrayNode env = pilot.putArray("env");
    env.add(env("ISTIOD_CUSTOM_HOST", rev.istiodHost()));
    JsonNode status = at(spec, "istiod.enableStatus");
    env.add(env("PILOT_ENABLE_STATUS", isSet(status) ? status.asText() : "false"));
    if (cisco(spec)) {
      env.add(env("INJECTION_WEBHOOK_CONFIG_NAME", rev.withNamespacedRevision("istio-sidecar-injector")));
      env.add(env("VALIDATION_WEBHOOK_CONFIG_NAME", rev.withNamespacedRevision("istio-validator")));
      env.add(env("LEADER_ELECTION_NAME_SUFFIX", rev.withRevision("")));
      env.add(env("CACERT_CONFIG_NAME", rev.withRevision("istio-ca-root-cert")));
      env.add(env("MESHCONFIG_CONFIGMAP_NAME", rev.withRevision("istio")));
      env.add(env("INJECTOR_CONFIGMAP_NAME", rev.withRevision("istio-sidecar-injector")));
    } else {
      env.add(env("INJECTION_WEBHOOK_CONFIG_NAME", "istio-sidecar-injector-" + rev.label()));
      env.add(env("VALIDATION_WEBHOOK_CONFIG_NAME", "istio-validator-" + rev.label() + "-" + rev.namespace()));
    }
    for (JsonNode e : deployment.path("env")) {
      env.add(ValueTree.kubernetesJson(e.deepCopy()));
    }
    putIf(pilot, "enableProtocolSniffingForOutbound", at(spec, "istiod.enableProtocolSniffingOutbound"));
    putIf(pilot, "enableProtocolSniffingForInbound", at(spec, "istiod.enableProtocolSniffingInbound"));
    putIf(pilot, "volumes", deployment.path("volumes"));
    putIf(pilot, "volumeMounts", deployment.path("volumeMounts"));
    putIf(pilot, "nodeSelector", deployment.path("nodeSelector"));
    putIf(pilot, "affinity", deployment.path("affinity"));
    putIf(pilot, "tolerations", deployment.path("tolerations"));
    putIf(pilot, "podAnnotations", at(deployment, "podMetadata.annotations"));
    putIf(pilot, "podLabels", at(deployment, "podMetadata.labels"));
    putIf(pilot, "securityContext", deployment.path("securityContext"));
    putIf(pilot, "podSecurityContext", deployment.path("podSecurityContext"));
    putIf(pilot, "deploymentLabels", at(deployment, "metadata.labels"));
    putIf(pilot, "deploymentAnnotations", at(deployment, "metadata.annotations"));
    if (isSet(replicas.path("targetCPUUtilizationPercentage"))) {
      pilot.set("cpu", object().set("targetAverageUtilization", replicas.path("targetCPUUtilizationPercentage")));
    }
    putIf(pilot, "deploymentStrategy", deployment.path("deploymentStrategy"));
    return pilot;
  }

  private static int positive(JsonNode n, int fallback) {
    return n.asInt(0) > 0 ? n.asInt() : fallback;
  }

  private static ObjectNode env(String name, String value) {
    return object().put("name", name).put("value", value);
  }

  private static ObjectNode sidecarInjectorWebhook(JsonNode spec) {
    ObjectNode webhook = object();
    putIf(webhook, "httpProxyEnvs", spec.path("httpProxyEnvs"));
    JsonNode templates = at(spec, "sidecarInjector.templates");
    ObjectNode out = webhook.putObject("templates");
    out.put("gatewayOverrides", templates.path("gateway").asText(""));
    for (JsonNode custom : templates.path("customTemplates")) {
      putIf(out, custom.path("name").asText(), custom.path("template"));
    }
    out.put("sidecarOverrides", templates.path("sidecar").asText(""));
    if (isSet(templates.path("sidecar"))) {
      webhook.putArray("defaultTemplates").add("sidecar").add("sidecarOverrides");
    }
    return webhook;
  }

  private static ObjectNode global(JsonNode spec, IstioRevision rev, MeshContext context) {
    JsonNode deployment = at(spec, "istiod.deployment");
    JsonNode images = spec.path("containerImageConfiguration");
    ObjectNode g = object();
    g.put("istioNamespace", rev.namespace());
    putIf(g, "distribution", spec.path("distribution"));
    putIf(g, "mode", spec.path("mode"));
    if (isSet(at(spec, "istiod.enableAnalysis"))) {
      g.set("istiod", object().set("enableAnalysis", at(spec, "istiod.enableAnalysis")));
    }
    putIf(g, "logging", spec.path("logging"));
    putIf(g, "oneNamespace", spec.path("watchOneNamespace"));
    putIf(g, "priorityClassName", deployment.path("priorityClassName"));
    putIf(g, "hub", images.path("hub"));
    putIf(g, "tag", images.path("tag"));
    putIf(g, "imagePullPolicy", isSet(deployment.path("imagePullPolicy")) ? deployment.path("imagePullPolicy") : images.path("imagePullPolicy"));
    JsonNode secrets = isSet(deployment.path("imagePullSecrets")) ? deployment.path("imagePullSecrets") : images.path("imagePullSecrets");
    if (isSet(secrets)) {
      ArrayNode names = g.putArray("imagePullSecrets");
      secrets.forEach(s -> names.add(s.path("name").asText()));
    }
    JsonNode pdb = deployment.path("podDisruptionBudget");
    if (isSet(pdb.path("minAvailable")) || isSet(pdb.path("maxUnavailable"))) {
      ObjectNode budget = g.putObject("defaultPodDisruptionBudget").put("enabled", true);
      putIf(budget, "minAvailable", pdb.path("minAvailable"));
      putIf(budget, "maxUnavailable", pdb.path("maxUnavailable"));
    }
    ObjectNode proxy = proxy(spec.path("proxy"));
    if (!proxy.isEmpty()) {
      g.set("proxy", proxy);
    }
    ObjectNode proxyInit = object();
    putIf(proxyInit, "image", at(spec, "proxyInit.image"));
    putIf(proxyInit, "resources", at(spec, "proxyInit.resources"));
    if (!proxyInit.isEmpty()) {
      g.set("proxy_init", proxyInit);
    }
    putIf(g, "caName", spec.path("caProvider"));
    putIf(g, "caAddress", spec.path("caAddress"));
    putIf(g, "externalIstiod", at(spec, "istiod.externalIstiod.enabled"));
    if (isSet(spec.path("jwtPolicy"))) {
      g.put("jwtPolicy", spec.path("jwtPolicy").asText().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    putIf(g, "meshID", spec.path("meshID"));
    putIf(g, "meshNetworks", context.meshNetworks().path("networks"));
    putIf(g, "mountMtlsCerts", spec.path("mountMtlsCerts"));
    putIf(g, "network", spec.path("networkName"));
    if (isSet(at(spec, "istiod.certProvider"))) {
      g.put("pilotCertProvider", at(spec, "istiod.certProvider").asText().toLowerCase(Locale.ROOT));
    }
    if (isSet(at(spec, "sds.tokenAudience"))) {
      g.putObject("sds").putObject("token").set("aud", at(spec, "sds.tokenAudience"));
    }
    if (isSet(spec.path("clusterID"))) {
      g.putObject("multiCluster").set("clusterName", spec.path("clusterID"));
    }
    return g;
  }

  private static ObjectNode proxy(JsonNode proxy) {
    ObjectNode p = object();
    for (String key : new String[] {"image", "clusterDomain", "componentLogLevel", "enableCoreDump", "excludeInboundPorts",
        "includeIPRanges", "excludeIPRanges", "excludeOutboundPorts"}) {
      putIf(p, key, proxy.path(key));
    }
    if (isSet(proxy.path("logLevel"))) {
      p.put("logLevel", proxy.path("logLevel").asText().toLowerCase(Locale.ROOT));
    }
    putIf(p, "privileged", proxy.path("privileged"));
    putIf(p, "holdApplicationUntilProxyStarts", proxy.path("holdApplicationUntilProxyStarts"));
    putIf(p, "resources", proxy.path("resources"));
    putIf(p, "lifecycle", proxy.path("lifecycle"));
    return p;
  }

  /** IstioMesh config, then the CR's meshConfig, then rootNamespace; peers' root certificates appended. */
  private static ObjectNode meshConfig(JsonNode spec, IstioRevision rev, MeshContext context) {
    ObjectNode mesh = object();
    ValueTree.mergeOverwrite(mesh, context.meshConfig());
    ValueTree.mergeOverwrite(mesh, spec.path("meshConfig"));
    mesh.put("rootNamespace", rev.namespace());
    if (!context.trustedRootCaPems().isEmpty()) {
      ArrayNode cas = mesh.has("caCertificates") ? (ArrayNode) mesh.get("caCertificates") : mesh.putArray("caCertificates");
      context.trustedRootCaPems().forEach(pem -> cas.add(object().put("pem", pem)));
    }
    return mesh;
  }
}
