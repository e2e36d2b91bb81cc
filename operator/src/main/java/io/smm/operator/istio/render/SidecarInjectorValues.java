package io.smm.operator.istio.render;

import static io.smm.operator.istio.render.ValueTree.at;
import static io.smm.operator.istio.render.ValueTree.isSet;
import static io.smm.operator.istio.render.ValueTree.object;
import static io.smm.operator.istio.render.ValueTree.putIf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * The istio-sidecar-injector chart's values (the Cisco distribution's standalone injector, run when
 * an IstioControlPlane sets {@code sidecarInjector.deployment}): our port of the istio-operator's
 * {@code istio-sidecar-injector/values.yaml.tpl}.
 */
public final class SidecarInjectorValues {

  private SidecarInjectorValues() {}

  /** Whether the control plane asks for the standalone injector at all. */
  public static boolean wanted(JsonNode spec) {
    return isSet(at(spec, "sidecarInjector.deployment"));
  }

  public static ObjectNode of(JsonNode spec, IstioRevision rev) {
    ObjectNode values = object();
    values.put("revision", rev.name());
    JsonNode deployment = at(spec, "sidecarInjector.deployment");
    JsonNode images = spec.path("containerImageConfiguration");
    ObjectNode global = object();
    putIf(global, "distribution", spec.path("distribution"));
    putIf(global, "hub", images.path("hub"));
    putIf(global, "tag", images.path("tag"));
    putIf(global, "imagePullPolicy", isSet(deployment.path("imagePullPolicy")) ? deployment.path("imagePullPolicy") : images.path("imagePullPolicy"));
    putIf(global, "imagePullSecrets", isSet(deployment.path("imagePullSecrets")) ? deployment.path("imagePullSecrets") : images.path("imagePullSecrets"));
    if (isSet(spec.path("jwtPolicy"))) {
      global.put("jwtPolicy", spec.path("jwtPolicy").asText().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    if (!global.isEmpty()) {
      values.set("global", global);
    }
    ObjectNode d = object();
    for (String key : new String[] {"image", "deploymentStrategy", "metadata", "env", "affinity", "nodeSelector", "priorityClassName",
        "replicas", "resources", "securityContext", "tolerations", "topologySpreadConstraints", "volumeMounts", "volumes",
        "podDisruptionBudget", "podMetadata", "livenessProbe", "readinessProbe"}) {
      putIf(d, key, deployment.path(key));
    }
    if (!d.isEmpty()) {
      values.set("deployment", d);
    }
    JsonNode service = at(spec, "sidecarInjector.service");
    if (service.isObject()) {
      values.set("service", ValueTree.service(service));
    }
    return values;
  }
}
