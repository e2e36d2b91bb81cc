package io.smm.sandbox.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of Istio's routing the simulated sidecars honour, read from the API every second:
 * VirtualService HTTP routes (match on uri exact/prefix/regex and method; weighted destinations,
 * to DestinationRule subsets by labels; fault abort and fixed delay with percentage). Anything
 * else in a VirtualService is ignored; a VirtualService that cannot be understood is skipped
 * with one warning naming it, and calls to its host go straight to the Service.
 */
final class RoutingTable implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RoutingTable.class);

  /** What the sidecar does with one request. */
  record Decision(String serviceName, String serviceNamespace, Map<String, String> subsetLabels, int abortStatus, long delayMs) {
    static Decision direct(String service, String namespace) {
      return new Decision(service, namespace, Map.of(), 0, 0);
    }
  }

  private final KubernetesClient client;
  private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "demo-routing");
    t.setDaemon(true);
    return t;
  });
  private final Set<String> warned = new HashSet<>();
  /** A routing resource with its spec parsed once per refresh, not once per request. */
  private record Rule(String namespace, String name, String resourceVersion, JsonNode spec) {
    static Rule of(GenericKubernetesResource r) {
      return new Rule(r.getMetadata().getNamespace(), r.getMetadata().getName(), r.getMetadata().getResourceVersion(),
          Serialization.jsonMapper().valueToTree(r.getAdditionalProperties().get("spec")));
    }
  }

  private volatile List<Rule> virtualServices = List.of();
  private volatile List<Rule> destinationRules = List.of();

  RoutingTable(KubernetesClient client) {
    this.client = client;
    refresher.scheduleWithFixedDelay(this::refresh, 0, 1, TimeUnit.SECONDS);
  }

  private void refresh() {
    virtualServices = list("VirtualService");
    destinationRules = list("DestinationRule");
  }

  private List<Rule> list(String kind) {
    try {
      return client.genericKubernetesResources("networking.istio.io/v1beta1", kind).inAnyNamespace().list().getItems()
          .stream().map(Rule::of).toList();
    } catch (KubernetesClientException e) {
      return List.of(); // Istio's CRDs are not installed (yet)
    } catch (RuntimeException e) {
      return kind.equals("VirtualService") ? virtualServices : destinationRules;
    }
  }

  Decision decide(String sourceNamespace, String service, String serviceNamespace, String path, String method) {
    for (Rule vs : virtualServices) {
      String vsNamespace = vs.namespace();
      if (!vsNamespace.equals(sourceNamespace) && !vsNamespace.equals(serviceNamespace)) {
        continue;
      }
      try {
        JsonNode spec = vs.spec();
        if (!matchesHost(spec.path("hosts"), service, serviceNamespace, vsNamespace)) {
          continue;
        }
        for (JsonNode route : spec.path("http")) {
          if (matches(route.path("match"), path, method)) {
            return decision(route, service, serviceNamespace, vsNamespace);
          }
        }
        return Decision.direct(service, serviceNamespace);
      } catch (RuntimeException e) {
        String key = vsNamespace + "/" + vs.name() + "@" + vs.resourceVersion();
        synchronized (warned) {
          if (warned.add(key)) {
            LOG.warn("VirtualService {}/{} cannot be applied by the sandbox sidecars ({}); ignoring it", vsNamespace,
                vs.name(), e.getMessage());
          }
        }
      }
    }
    return Decision.direct(service, serviceNamespace);
  }

  private static boolean matchesHost(JsonNode hosts, String service, String serviceNamespace, String vsNamespace) {
    String fqdn = service + "." + serviceNamespace + ".svc.cluster.local";
    for (JsonNode h : hosts) {
      String host = h.asText();
      if (host.equals(fqdn) || host.equals(service + "." + serviceNamespace) || (host.equals(service) && vsNamespace.equals(serviceNamespace))) {
        return true;
      }
    }
    return false;
  }

  private static boolean matches(JsonNode matchList, String path, String method) {
    if (!matchList.isArray() || matchList.isEmpty()) {
      return true;
    }
    for (JsonNode m : matchList) {
      if (stringMatch(m.path("uri"), path) && stringMatch(m.path("method"), method)) {
        return true;
      }
    }
    return false;
  }

  private static boolean stringMatch(JsonNode matcher, String value) {
    if (matcher.isMissingNode()) {
      return true;
    }
    if (matcher.has("exact")) {
      return matcher.get("exact").asText().equals(value);
    }
    if (matcher.has("prefix")) {
      return value.startsWith(matcher.get("prefix").asText());
    }
    if (matcher.has("regex")) {
      return Pattern.matches(matcher.get("regex").asText(), value);
    }
    throw new IllegalArgumentException("unsupported string match " + matcher);
  }

  private Decision decision(JsonNode route, String service, String serviceNamespace, String vsNamespace) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    JsonNode fault = route.path("fault");
    int abort = 0;
    if (fault.has("abort") && random.nextDouble() * 100 < percentage(fault.get("abort"))) {
      abort = fault.get("abort").path("httpStatus").asInt(503);
    }
    long delay = 0;
    if (fault.has("delay") && random.nextDouble() * 100 < percentage(fault.get("delay"))) {
      delay = durationMs(fault.get("delay").path("fixedDelay").asText("0s"));
    }
    JsonNode destinations = route.path("route");
    if (!destinations.isArray() || destinations.isEmpty()) {
      return new Decision(service, serviceNamespace, Map.of(), abort, delay);
    }
    int total = 0;
    for (JsonNode d : destinations) {
      total += d.path("weight").asInt(destinations.size() == 1 ? 100 : 0);
    }
    JsonNode chosen = destinations.get(0);
    if (total > 0) {
      int pick = random.nextInt(total);
      for (JsonNode d : destinations) {
        pick -= d.path("weight").asInt(destinations.size() == 1 ? 100 : 0);
        if (pick < 0) {
          chosen = d;
          break;
        }
      }
    }
    String host = chosen.at("/destination/host").asText(service);
    String targetService = host.contains(".") ? host.substring(0, host.indexOf('.')) : host;
    String targetNamespace = host.contains(".") ? host.split("\\.")[1] : vsNamespace;
    String subset = chosen.at("/destination/subset").asText(null);
    return new Decision(targetService, targetNamespace, subset == null ? Map.of() : subsetLabels(targetService, targetNamespace, subset),
        abort, delay);
  }

  private static double percentage(JsonNode fault) {
    return fault.has("percentage") ? fault.at("/percentage/value").asDouble(100) : fault.path("percent").asDouble(100);
  }

  private Map<String, String> subsetLabels(String service, String namespace, String subset) {
    for (Rule dr : destinationRules) {
      JsonNode spec = dr.spec();
      String host = spec.path("host").asText();
      if (host.equals(service) && dr.namespace().equals(namespace)
          || host.equals(service + "." + namespace) || host.equals(service + "." + namespace + ".svc.cluster.local")) {
        for (JsonNode s : spec.path("subsets")) {
          if (subset.equals(s.path("name").asText())) {
            Map<String, String> labels = new HashMap<>();
            s.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            return labels;
          }
        }
      }
    }
    // Istio answers 503 NR when a subset is not defined; no pod matches these labels.
    return Map.of("smm.sandbox/undefined-subset", subset);
  }

  static long durationMs(String istioDuration) {
    String d = istioDuration.trim();
    if (d.endsWith("ms")) {
      return Long.parseLong(d.substring(0, d.length() - 2));
    }
    if (d.endsWith("s")) {
      return Math.round(Double.parseDouble(d.substring(0, d.length() - 1)) * 1000);
    }
    throw new IllegalArgumentException("unsupported duration " + istioDuration);
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
