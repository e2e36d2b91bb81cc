package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smm.api.selector.LabelSelectors;
import java.util.HashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * kube-apiserver's RBAC authorizer, as Kubernetes documents it: system:masters may do anything;
 * ClusterRoleBindings grant their ClusterRole everywhere (and its non-resource URLs); a
 * RoleBinding grants its Role or ClusterRole in the binding's namespace only. Subjects are Users,
 * Groups and ServiceAccounts; rules match verbs, API groups, resources (with "*", "pods/*",
 * "*&#47;scale" subresources) and resourceNames (never for list, watch, create, deletecollection). The
 * bootstrap roles every cluster has are built in: system:public-info-viewer (/version, /healthz
 * for anybody), system:discovery and system:basic-user (self reviews) for authenticated users.
 * Role aggregation is not implemented. Bindings and roles are read from the store on each
 * decision, so a change applies to the next request.
 */
public final class RbacAuthorizer {

  /** Allowed or not, and why (which binding allowed it). */
  public record Decision(boolean allowed, String reason) {}

  private static final String RBAC = "/apis/rbac.authorization.k8s.io/v1/";

  /** Lists the items at an API path ("/apis/rbac.authorization.k8s.io/v1/rolebindings"). */
  private final Function<String, List<JsonNode>> list;

  public RbacAuthorizer(Function<String, List<JsonNode>> list) {
    this.list = list;
  }

  public Decision decide(Identity who, RequestAttributes request) {
    if (who.groups().contains("system:masters")) {
      return new Decision(true, "system:masters");
    }
    String builtIn = bootstrapPolicy(who, request);
    if (builtIn != null) {
      return new Decision(true, builtIn);
    }
    for (JsonNode binding : list.apply(RBAC + "clusterrolebindings")) {
      if (subjectsMatch(binding, who, "")) {
        JsonNode role = role(binding, "");
        if (role != null && rulesAllow(role, request)) {
          return new Decision(true, "RBAC: allowed by ClusterRoleBinding \"" + binding.at("/metadata/name").asText() + "\" of ClusterRole \""
              + binding.at("/roleRef/name").asText() + "\"");
        }
      }
    }
    if (request.isResourceRequest() && !request.namespace().isEmpty()) {
      for (JsonNode binding : list.apply(RBAC + "namespaces/" + request.namespace() + "/rolebindings")) {
        if (subjectsMatch(binding, who, request.namespace())) {
          JsonNode role = role(binding, request.namespace());
          if (role != null && rulesAllow(role, request)) {
            return new Decision(true, "RBAC: allowed by RoleBinding \"" + binding.at("/metadata/name").asText() + "/"
                + request.namespace() + "\" of " + binding.at("/roleRef/kind").asText() + " \"" + binding.at("/roleRef/name").asText() + "\"");
          }
        }
      }
    }
    return new Decision(false, "");
  }

  private static String bootstrapPolicy(Identity who, RequestAttributes r) {
    if (!r.isResourceRequest()) {
      String path = r.nonResourcePath();
      if (r.verb().equals("get") && List.of("/version", "/version/", "/healthz", "/livez", "/readyz").contains(path)) {
        return "RBAC: allowed by ClusterRole \"system:public-info-viewer\"";
      }
      if (who.authenticated() && r.verb().equals("get") && (path.equals("/api") || path.startsWith("/api/") || path.equals("/apis")
          || path.startsWith("/apis/") || path.startsWith("/openapi"))) {
        return "RBAC: allowed by ClusterRole \"system:discovery\"";
      }
      return null;
    }
    boolean selfReview = r.verb().equals("create") && (r.apiGroup().equals("authorization.k8s.io")
        && (r.resource().equals("selfsubjectaccessreviews") || r.resource().equals("selfsubjectrulesreviews"))
        || r.apiGroup().equals("authentication.k8s.io") && r.resource().equals("selfsubjectreviews"));
    return who.authenticated() && selfReview ? "RBAC: allowed by ClusterRole \"system:basic-user\"" : null;
  }

  private static boolean subjectsMatch(JsonNode binding, Identity who, String bindingNamespace) {
    for (JsonNode s : binding.path("subjects")) {
      String kind = s.path("kind").asText();
      String name = s.path("name").asText();
      boolean match = switch (kind) {
        case "User" -> name.equals(who.user());
        case "Group" -> who.groups().contains(name);
        case "ServiceAccount" -> who.user().equals("system:serviceaccount:" + s.path("namespace").asText(bindingNamespace) + ":" + name);
        default -> false;
      };
      if (match) {
        return true;
      }
    }
    return false;
  }

  /** The role a binding refers to: a ClusterRole, or (RoleBindings only) a Role of the binding's namespace. */
  private JsonNode role(JsonNode binding, String namespace) {
    String kind = binding.at("/roleRef/kind").asText();
    String name = binding.at("/roleRef/name").asText();
    String path = kind.equals("ClusterRole") ? RBAC + "clusterroles" : namespace.isEmpty() ? null : RBAC + "namespaces/" + namespace + "/roles";
    if (path == null) {
      return null;
    }
    List<JsonNode> roles = list.apply(path);
    JsonNode role = roles.stream().filter(r -> r.at("/metadata/name").asText().equals(name)).findFirst().orElse(null);
    return role != null && kind.equals("ClusterRole") && role.at("/aggregationRule/clusterRoleSelectors").size() > 0
        ? aggregated(role, roles) : role;
  }

  /**
   * What kube-controller-manager's clusterrole-aggregation controller makes of a ClusterRole with an
   * aggregationRule: the rules of every ClusterRole its selectors match (here computed when asked).
   */
  private static JsonNode aggregated(JsonNode role, List<JsonNode> clusterRoles) {
    ObjectNode out = role.deepCopy();
    ArrayNode rules = out.putArray("rules");
    for (JsonNode other : clusterRoles) {
      if (other == role || other.at("/aggregationRule").isObject()) {
        continue;
      }
      Map<String, String> labels = new HashMap<>();
      other.at("/metadata/labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      for (JsonNode selector : role.at("/aggregationRule/clusterRoleSelectors")) {
        if (LabelSelectors.matches(selector, labels)) {
          other.path("rules").forEach(rules::add);
          break;
        }
      }
    }
    return out;
  }

  private static boolean rulesAllow(JsonNode role, RequestAttributes r) {
    for (JsonNode rule : role.path("rules")) {
      if (!contains(rule.path("verbs"), r.verb())) {
        continue;
      }
      if (!r.isResourceRequest()) {
        if (nonResourceMatch(rule.path("nonResourceURLs"), r.nonResourcePath())) {
          return true;
        }
        continue;
      }
      if (rule.has("nonResourceURLs") && !rule.has("resources")) {
        continue;
      }
      if (contains(rule.path("apiGroups"), r.apiGroup()) && resourceMatch(rule.path("resources"), r)
          && namesMatch(rule.path("resourceNames"), r)) {
        return true;
      }
    }
    return false;
  }

  private static boolean contains(JsonNode values, String wanted) {
    for (JsonNode v : values) {
      if (v.asText().equals("*") || v.asText().equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  private static boolean resourceMatch(JsonNode resources, RequestAttributes r) {
    for (JsonNode v : resources) {
      String res = v.asText();
      if (res.equals("*") || res.equals(r.resourceWithSubresource())) {
        return true;
      }
      if (!r.subresource().isEmpty() && (res.equals(r.resource() + "/*") || res.equals("*/" + r.subresource()))) {
        return true;
      }
    }
    return false;
  }

  private static boolean namesMatch(JsonNode names, RequestAttributes r) {
    if (names.isEmpty()) {
      return true;
    }
    if (r.name().isEmpty()) {
      return false; // list, watch, create and deletecollection carry no name a rule could restrict
    }
    for (JsonNode n : names) {
      if (n.asText().equals(r.name())) {
        return true;
      }
    }
    return false;
  }

  private static boolean nonResourceMatch(JsonNode urls, String path) {
    for (JsonNode u : urls) {
      String url = u.asText();
      if (url.equals("*") || url.equals(path) || url.endsWith("*") && path.startsWith(url.substring(0, url.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  /** Every item of a list response body ("items"; none when there is no body), for the store-backed {@code list} function. */
  static List<JsonNode> items(JsonNode listBody) {
    List<JsonNode> out = new ArrayList<>();
    if (listBody != null) {
      listBody.path("items").forEach(out::add);
    }
    return out;
  }
}
