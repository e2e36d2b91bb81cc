package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;

/**
 * kube-apiserver's ValidatePersistentVolumeClaimUpdate (Kubernetes 1.25): a claim's spec is
 * immutable after creation except its storage request, which only a bound claim may change and
 * never below what it was. What the sandbox refuses here a real cluster refuses too, so a
 * reconcile that shrinks Prometheus' volume fails the same way in both.
 */
final class ClaimUpdateRules {

  private ClaimUpdateRules() {}

  static boolean isClaimWrite(String path) {
    return path.matches("/api/v1/namespaces/[^/]+/persistentvolumeclaims/[^/]+");
  }

  static List<OpenApiValidator.Violation> validate(JsonNode old, JsonNode updated) {
    List<OpenApiValidator.Violation> out = new ArrayList<>();
    ObjectNode oldSpec = withoutRequests(old.path("spec"));
    ObjectNode newSpec = withoutRequests(updated.path("spec"));
    if (oldSpec.path("volumeName").asText("").isEmpty() && newSpec.has("volumeName")) {
      oldSpec.set("volumeName", newSpec.get("volumeName")); // the binder sets it once
    }
    boolean bound = "Bound".equals(old.at("/status/phase").asText());
    if (!oldSpec.equals(newSpec)) {
      out.add(new OpenApiValidator.Violation("spec", "Forbidden: spec is immutable after creation except resources.requests for bound claims"));
      return out;
    }
    JsonNode before = old.at("/spec/resources/requests/storage");
    JsonNode after = updated.at("/spec/resources/requests/storage");
    if (before.isMissingNode() || after.isMissingNode() || amount(before).compareTo(amount(after)) == 0) {
      return out;
    }
    if (!bound) {
      out.add(new OpenApiValidator.Violation("spec", "Forbidden: spec is immutable after creation except resources.requests for bound claims"));
    } else if (amount(after).compareTo(amount(before)) < 0) {
      out.add(new OpenApiValidator.Violation("spec.resources.requests.storage", "Forbidden: field can not be less than previous value"));
    }
    return out;
  }

  private static ObjectNode withoutRequests(JsonNode spec) {
    ObjectNode copy = spec.isObject() ? ((ObjectNode) spec).deepCopy() : new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    if (copy.path("resources") instanceof ObjectNode resources) {
      resources.remove("requests");
      if (resources.isEmpty()) {
        copy.remove("resources");
      }
    }
    return copy;
  }

  private static java.math.BigDecimal amount(JsonNode quantity) {
    return Quantity.getAmountInBytes(Quantity.parse(quantity.asText()));
  }
}
