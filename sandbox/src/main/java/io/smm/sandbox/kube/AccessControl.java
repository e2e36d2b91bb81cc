package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Authentication, impersonation and authorization for the sandbox API server when it runs with
 * RBAC, in kube-apiserver's order: the bearer token names the requester (a bad token is 401, no
 * token is system:anonymous), Impersonate-User/Impersonate-Group switch to another identity if the
 * requester may "impersonate" those users and groups, and RBAC decides (403 otherwise). It also
 * answers TokenReview and SubjectAccessReview as the real API does, so a product component can
 * ask the cluster who a token is and what that user may do.
 */
public final class AccessControl {

  /** The request's effective identity, or the status to answer instead (401/403). */
  public record Outcome(Identity identity, int status, String reason, String message) {
    static Outcome of(Identity identity) {
      return new Outcome(identity, 0, null, null);
    }

    boolean refused() {
      return identity == null;
    }
  }

  private final StaticTokens tokens;
  private final RbacAuthorizer rbac;
  private final java.util.function.Function<String, Optional<Identity>> storedTokens;

  public AccessControl(StaticTokens tokens, RbacAuthorizer rbac) {
    this(tokens, rbac, token -> Optional.empty());
  }

  /**
   * @param storedTokens who a token a stored service-account token Secret holds belongs to: such
   *     tokens stay valid across restarts, as kube-apiserver's (signed) service-account tokens do
   */
  public AccessControl(StaticTokens tokens, RbacAuthorizer rbac, java.util.function.Function<String, Optional<Identity>> storedTokens) {
    this.tokens = tokens;
    this.rbac = rbac;
    this.storedTokens = storedTokens;
  }

  private Optional<Identity> authenticate(String token) {
    return tokens.identity(token).or(() -> storedTokens.apply(token));
  }

  public StaticTokens tokens() {
    return tokens;
  }

  /** Who is asking, after impersonation; refused when the token is bad or impersonation is not allowed. */
  Outcome identify(String authorization, String impersonateUser, List<String> impersonateGroups) {
    Identity who = Identity.ANONYMOUS;
    if (authorization != null && !authorization.isBlank()) {
      Optional<Identity> known = authorization.startsWith("Bearer ") ? authenticate(authorization.substring(7).trim()) : Optional.empty();
      if (known.isEmpty()) {
        return new Outcome(null, 401, "Unauthorized", "Unauthorized");
      }
      who = known.get();
    }
    if (impersonateUser == null || impersonateUser.isBlank()) {
      if (!impersonateGroups.isEmpty()) {
        return new Outcome(null, 403, "Forbidden", "requested Impersonate-Group without Impersonate-User");
      }
      return Outcome.of(who);
    }
    List<String> denied = new ArrayList<>();
    String userResource = impersonateUser.startsWith("system:serviceaccount:") ? "serviceaccounts" : "users";
    if (!may(who, "impersonate", userResource, impersonateUser)) {
      denied.add(userResource + " \"" + impersonateUser + "\"");
    }
    for (String g : impersonateGroups) {
      if (!may(who, "impersonate", "groups", g)) {
        denied.add("groups \"" + g + "\"");
      }
    }
    if (!denied.isEmpty()) {
      return new Outcome(null, 403, "Forbidden", denied.get(0) + " is forbidden: User \"" + who.user()
          + "\" cannot impersonate resource \"" + denied.get(0).substring(0, denied.get(0).indexOf(' ')) + "\" in API group \"\" at the cluster scope");
    }
    List<String> groups = new ArrayList<>(impersonateGroups);
    if (!groups.contains("system:authenticated")) {
      groups.add("system:authenticated");
    }
    return Outcome.of(new Identity(impersonateUser, List.copyOf(groups)));
  }

  private boolean may(Identity who, String verb, String resource, String name) {
    return rbac.decide(who, new RequestAttributes(verb, "", resource, "", "", name, null)).allowed();
  }

  RbacAuthorizer.Decision authorize(Identity who, RequestAttributes request) {
    return rbac.decide(who, request);
  }

  /** kube-apiserver's 403 message: pods "x" is forbidden: User "alice" cannot get resource ... */
  static String forbidden(Identity who, RequestAttributes r) {
    if (!r.isResourceRequest()) {
      return "forbidden: " + r.describeDenial(who);
    }
    String what = r.resource() + (r.apiGroup().isEmpty() ? "" : "." + r.apiGroup()) + (r.name().isEmpty() ? "" : " \"" + r.name() + "\"");
    return what + " is forbidden: " + r.describeDenial(who);
  }

  /** TokenReview: status.authenticated and status.user for a token this server knows. */
  void tokenReview(ObjectNode review) {
    String token = review.path("spec").path("token").asText("");
    ObjectNode status = review.putObject("status");
    Optional<Identity> who = token.isEmpty() ? Optional.empty() : authenticate(token);
    if (who.isEmpty()) {
      status.put("authenticated", false).put("error", "invalid bearer token");
      return;
    }
    status.put("authenticated", true);
    ObjectNode user = status.putObject("user").put("username", who.get().user());
    var groups = user.putArray("groups");
    who.get().groups().forEach(groups::add);
  }

  /** SubjectAccessReview (spec.user/groups) or, with {@code self}, SelfSubjectAccessReview. */
  void accessReview(ObjectNode review, Identity self) {
    JsonNode spec = review.path("spec");
    Identity who = self;
    if (who == null) {
      List<String> groups = new ArrayList<>();
      spec.path("groups").forEach(g -> groups.add(g.asText()));
      who = new Identity(spec.path("user").asText(""), List.copyOf(groups));
    }
    RequestAttributes attributes;
    if (spec.has("nonResourceAttributes")) {
      JsonNode n = spec.path("nonResourceAttributes");
      attributes = new RequestAttributes(n.path("verb").asText(""), "", "", "", "", "", n.path("path").asText("/"));
    } else {
      JsonNode a = spec.path("resourceAttributes");
      attributes = new RequestAttributes(a.path("verb").asText(""), a.path("group").asText(""), a.path("resource").asText(""),
          a.path("subresource").asText(""), a.path("namespace").asText(""), a.path("name").asText(""), null);
    }
    RbacAuthorizer.Decision d = rbac.decide(who, attributes);
    review.putObject("status").put("allowed", d.allowed()).put("reason", d.reason());
  }
}
