package io.smm.sandbox.kube;

import java.util.Locale;

/**
 * What a request asks for, in RBAC's terms (kube-apiserver's RequestInfo): verb, API group,
 * resource and subresource, namespace and name, or a non-resource URL such as /version.
 */
public record RequestAttributes(String verb, String apiGroup, String resource, String subresource, String namespace, String name,
    String nonResourcePath) {

  public boolean isResourceRequest() {
    return nonResourcePath == null;
  }

  /** "pods/log" for a subresource, else the resource. */
  public String resourceWithSubresource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  public static RequestAttributes of(String method, String pathAndQuery) {
    String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
    String query = pathAndQuery.contains("?") ? pathAndQuery.substring(pathAndQuery.indexOf('?') + 1) : "";
    String[] parts = path.replaceAll("^/+|/+$", "").split("/");
    int i;
    String group;
    if (parts.length >= 2 && parts[0].equals("api")) {
      group = "";
      i = 2;
    } else if (parts.length >= 3 && parts[0].equals("apis")) {
      group = parts[1];
      i = 3;
    } else {
      return nonResource(method, path);
    }
    if (parts.length <= i) {
      return nonResource(method, path); // discovery: /api/v1, /apis/apps/v1
    }
    String namespace = "";
    if (parts[i].equals("namespaces") && parts.length > i + 2) {
      namespace = parts[i + 1];
      i += 2;
    }
    String resource = parts[i];
    String name = parts.length > i + 1 ? parts[i + 1] : "";
    String subresource = parts.length > i + 2 ? parts[i + 2] : "";
    if (resource.equals("namespaces") && !name.isEmpty() && namespace.isEmpty() && subresource.isEmpty()) {
      namespace = name; // a namespace object is in its own namespace for RBAC
    }
    boolean watch = query.matches("(^|.*&)watch=(true|1)(&.*|$)");
    String verb = switch (method.toUpperCase(Locale.ROOT)) {
      case "GET", "HEAD" -> watch ? "watch" : name.isEmpty() ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
      default -> method.toLowerCase(Locale.ROOT);
    };
    return new RequestAttributes(verb, group, resource, subresource, namespace, name, null);
  }

  private static RequestAttributes nonResource(String method, String path) {
    String verb = switch (method.toUpperCase(Locale.ROOT)) {
      case "GET", "HEAD" -> "get";
      case "POST" -> "post";
      case "PUT" -> "put";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> method.toLowerCase(Locale.ROOT);
    };
    return new RequestAttributes(verb, "", "", "", "", "", path.isEmpty() ? "/" : path);
  }

  /** kube-apiserver's wording: User "alice" cannot list resource "pods" in API group "" in the namespace "shop". */
  public String describeDenial(Identity who) {
    if (!isResourceRequest()) {
      return "User \"" + who.user() + "\" cannot " + verb + " path \"" + nonResourcePath + "\"";
    }
    return "User \"" + who.user() + "\" cannot " + verb + " resource \"" + resourceWithSubresource() + "\" in API group \"" + apiGroup
        + "\"" + (namespace.isEmpty() ? " at the cluster scope" : " in the namespace \"" + namespace + "\"");
  }
}
