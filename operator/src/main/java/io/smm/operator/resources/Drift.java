package io.smm.operator.resources;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Whether a live object still holds everything we want of it — the fields we set, as server-side
 * apply compares the fields a manager owns. Fields we do not set are not ours: what the API server
 * defaults (imagePullPolicy, protocol, strategy), adds (uid, status) or other controllers write
 * (a webhook's caBundle) never count as drift. A changed value, a removed field or a list of
 * another length (an extra container) does.
 */
final class Drift {

  private Drift() {}

  /**
   * Fields we render but another controller owns once it runs: istiod's webhook controller patches
   * the caBundle into its webhooks and turns the validating webhook's failurePolicy from Ignore to
   * Fail when it is ready. Putting them back would fight istiod on every resync.
   */
  private static final Map<String, Pattern> OWNED_ELSEWHERE = Map.of(
      "ValidatingWebhookConfiguration", Pattern.compile("/webhooks/\\d+/(failurePolicy|clientConfig/caBundle)"),
      "MutatingWebhookConfiguration", Pattern.compile("/webhooks/\\d+/clientConfig/caBundle"));

  /** A workload's replica count, which an autoscaler owns when one scales it. */
  static final String REPLICAS = "/spec/replicas";
  private static final Pattern AUTOSCALED = Pattern.compile(Pattern.quote(REPLICAS));

  /** The path of the first field of {@code wanted} that {@code live} does not hold, or null when it holds them all. */
  static String firstDifference(JsonNode wanted, JsonNode live) {
    return firstDifference(wanted, live, false);
  }

  /** @param autoscaled whether a HorizontalPodAutoscaler scales the object: its spec.replicas is then the autoscaler's */
  static String firstDifference(JsonNode wanted, JsonNode live, boolean autoscaled) {
    Pattern elsewhere = autoscaled ? AUTOSCALED : OWNED_ELSEWHERE.get(wanted.path("kind").asText());
    return difference("", wanted, live, elsewhere);
  }

  private static String difference(String path, JsonNode wanted, JsonNode live, Pattern elsewhere) {
    if (elsewhere != null && elsewhere.matcher(path).matches()) {
      return null;
    }
    if (wanted == null || wanted.isNull()) {
      return live == null || live.isNull() || live.isMissingNode() ? null : path;
    }
    if (live == null || live.isNull() || live.isMissingNode()) {
      // Go's omitempty: an empty map or list, false, 0 or "" we send may come back left out.
      return zero(wanted) ? null : path;
    }
    if (wanted.isObject()) {
      if (!live.isObject()) {
        return path;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String d = difference(path + "/" + field.getKey(), field.getValue(), live.get(field.getKey()), elsewhere);
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    if (wanted.isArray()) {
      if (!live.isArray() || live.size() != wanted.size()) {
        return path;
      }
      for (int i = 0; i < wanted.size(); i++) {
        String d = difference(path + "/" + i, wanted.get(i), live.get(i), elsewhere);
        if (d != null) {
          return d;
        }
      }
      return null;
    }
    return sameValue(wanted, live) ? null : path;
  }

  private static boolean zero(JsonNode v) {
    return v.isContainerNode() ? v.isEmpty()
        : v.isBoolean() ? !v.booleanValue() : v.isNumber() ? v.decimalValue().signum() == 0 : v.isTextual() && v.asText().isEmpty();
  }

  private static boolean sameValue(JsonNode wanted, JsonNode live) {
    if (wanted.isNumber() && live.isNumber()) {
      return wanted.decimalValue().compareTo(live.decimalValue()) == 0;
    }
    if (wanted.equals(live)) {
      return true;
    }
    // The API server writes quantities canonically (1000m comes back as 1).
    return wanted.isTextual() && live.isTextual() && sameQuantity(wanted.asText(), live.asText());
  }

  private static boolean sameQuantity(String a, String b) {
    if (a.isEmpty() || b.isEmpty() || !Character.isDigit(a.charAt(0)) && a.charAt(0) != '.' || !Character.isDigit(b.charAt(0))) {
      return false;
    }
    try {
      return new Quantity(a).getNumericalAmount().compareTo(new Quantity(b).getNumericalAmount()) == 0;
    } catch (RuntimeException e) {
      return false; // not quantities after all
    }
  }
}
