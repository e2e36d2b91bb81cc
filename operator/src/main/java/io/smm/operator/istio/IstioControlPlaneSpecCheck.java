package io.smm.operator.istio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the istio-operator refuses before rendering: an Istio version it has no charts for, and
 * image settings that no registry could serve. The message names the field, so the
 * IstioControlPlane's ERROR column says what to fix; nothing is written.
 */
public final class IstioControlPlaneSpecCheck {

  /** The charts are the istio-operator v2.15's: Istio 1.15 patch releases. */
  static final Pattern SUPPORTED_VERSION = Pattern.compile("1\\.15\\.\\d+");
  // An image reference: [registry[:port]/]path[:tag][@digest]; lower-case path, no spaces.
  private static final Pattern IMAGE = Pattern.compile("[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[\\w][\\w.-]{0,127})?(@sha256:[a-f0-9]{64})?");
  private static final Pattern HUB = Pattern.compile("[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");

  private IstioControlPlaneSpecCheck() {}

  public static void check(JsonNode spec) {
    List<String> problems = new ArrayList<>();
    String version = spec.path("version").asText("");
    if (!SUPPORTED_VERSION.matcher(version).matches()) {
      problems.add("spec.version: " + (version.isEmpty() ? "is required" : "\"" + version + "\" is not supported")
          + " (this operator renders Istio 1.15.x)");
    }
    JsonNode images = spec.path("containerImageConfiguration");
    text(images, "hub", HUB, "spec.containerImageConfiguration.hub", "a registry and path such as docker.io/istio", problems);
    text(images, "tag", TAG, "spec.containerImageConfiguration.tag", "an image tag such as 1.15.3", problems);
    pullPolicy(images.path("imagePullPolicy"), "spec.containerImageConfiguration.imagePullPolicy", problems);
    pullPolicy(spec.at("/istiod/deployment/imagePullPolicy"), "spec.istiod.deployment.imagePullPolicy", problems);
    text(spec.at("/istiod/deployment"), "image", IMAGE, "spec.istiod.deployment.image", "an image such as docker.io/istio/pilot:1.15.3", problems);
    text(spec.path("proxy"), "image", IMAGE, "spec.proxy.image", "an image such as proxyv2 or docker.io/istio/proxyv2:1.15.3", problems);
    text(spec.path("proxyInit"), "image", IMAGE, "spec.proxyInit.image", "an image such as proxyv2", problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  private static void text(JsonNode parent, String field, Pattern pattern, String path, String expected, List<String> problems) {
    JsonNode value = parent.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return;
    }
    if (!value.isTextual() || !pattern.matcher(value.asText()).matches()) {
      problems.add(path + ": " + value + " is not " + expected);
    }
  }

  private static void pullPolicy(JsonNode value, String path, List<String> problems) {
    if (!value.isMissingNode() && !value.isNull() && !PULL_POLICIES.contains(value.asText())) {
      problems.add(path + ": " + value + " is not one of Always, IfNotPresent, Never");
    }
  }
}
