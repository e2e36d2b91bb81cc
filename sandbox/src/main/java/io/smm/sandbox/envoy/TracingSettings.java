package io.smm.sandbox.envoy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;

/**
 * What a sidecar's tracer does, as istiod hands it the mesh config's defaultConfig merged with the
 * pod's {@code proxy.istio.io/config} annotation: whether tracing is on (meshConfig.enableTracing,
 * default true), the share of new traces it samples (tracing.sampling, percent, Istio's default
 * 1.0) and the Zipkin collector it reports to (tracing.zipkin.address, Istio's default
 * zipkin.istio-system:9411).
 */
public record TracingSettings(boolean enabled, double samplingPercent, String collector) {

  public static final TracingSettings OFF = new TracingSettings(false, 0, "");
  static final double ISTIO_DEFAULT_SAMPLING = 1.0;
  static final String ISTIO_DEFAULT_COLLECTOR = "zipkin.istio-system:9411";
  static final String PROXY_CONFIG_ANNOTATION = "proxy.istio.io/config";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** @param meshConfig the IstioControlPlane's spec.meshConfig (missing node when it has none) */
  public static TracingSettings of(JsonNode meshConfig, Pod pod) {
    if (!meshConfig.path("enableTracing").asBoolean(true)) {
      return OFF;
    }
    JsonNode mesh = meshConfig.at("/defaultConfig/tracing");
    JsonNode podConfig = podTracing(pod);
    double sampling = podConfig.has("sampling") ? podConfig.path("sampling").asDouble()
        : mesh.has("sampling") ? mesh.path("sampling").asDouble() : ISTIO_DEFAULT_SAMPLING;
    String collector = podConfig.at("/zipkin/address").asText(mesh.at("/zipkin/address").asText(ISTIO_DEFAULT_COLLECTOR));
    return new TracingSettings(true, Math.max(0, Math.min(100, sampling)), collector);
  }

  /** The tracing part of the pod's proxy config annotation; a missing node when it has none or it does not parse (istiod ignores it then). */
  private static JsonNode podTracing(Pod pod) {
    String annotation = pod.getMetadata().getAnnotations() == null ? null : pod.getMetadata().getAnnotations().get(PROXY_CONFIG_ANNOTATION);
    if (annotation == null || annotation.isBlank()) {
      return YAML.missingNode();
    }
    try {
      JsonNode config = YAML.readTree(annotation);
      return config == null ? YAML.missingNode() : config.path("tracing");
    } catch (IOException e) {
      return YAML.missingNode();
    }
  }
}
