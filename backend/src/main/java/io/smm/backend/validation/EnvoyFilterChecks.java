package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * EnvoyFilter patch checks (Istio's EnvoyPatchAnalyzer): operations Envoy ignores for what they
 * apply to, and relative operations without a priority, whose effect depends on the order istiod
 * happens to apply filters in (worse when another patch only applies to some proxy versions).
 */
final class EnvoyFilterChecks {

  /** What REPLACE may apply to. */
  private static final Set<String> REPLACEABLE = Set.of("NETWORK_FILTER", "HTTP_FILTER", "VIRTUAL_HOST");

  private EnvoyFilterChecks() {}

  /** What one walk over the EnvoyFilters can find; each check keeps one kind. */
  private enum Problem { RELATIVE, RELATIVE_WITH_PROXY_VERSION, REPLACE, ADD, REMOVE }

  static List<Check> all() {
    return List.of(
        new Check("envoyfilter/patch/relative-operation", IstioMessage.ENVOY_FILTER_USES_RELATIVE_OPERATION,
            "A patch inserts, replaces or removes relative to other filters without a priority: whether it applies depends on the order"
                + " istiod applies EnvoyFilters in.", (mesh, report) -> walk(mesh, report, Problem.RELATIVE)),
        new Check("envoyfilter/patch/relative-operation-proxy-version", IstioMessage.ENVOY_FILTER_USES_RELATIVE_OPERATION_WITH_PROXY_VERSION,
            "A relative patch without a priority targets a filter another patch adds only for some proxy versions: it may stop applying"
                + " during an upgrade.", (mesh, report) -> walk(mesh, report, Problem.RELATIVE_WITH_PROXY_VERSION)),
        new Check("envoyfilter/patch/replace-misused", IstioMessage.ENVOY_FILTER_USES_REPLACE_OPERATION_INCORRECTLY,
            "REPLACE is only valid for HTTP_FILTER, NETWORK_FILTER and VIRTUAL_HOST.", (mesh, report) -> walk(mesh, report, Problem.REPLACE)),
        new Check("envoyfilter/patch/add-ignored", IstioMessage.ENVOY_FILTER_USES_ADD_OPERATION_INCORRECTLY,
            "ADD is ignored when applyTo is ROUTE_CONFIGURATION or HTTP_ROUTE.", (mesh, report) -> walk(mesh, report, Problem.ADD)),
        new Check("envoyfilter/patch/remove-ignored", IstioMessage.ENVOY_FILTER_USES_REMOVE_OPERATION_INCORRECTLY,
            "REMOVE is ignored when applyTo is ROUTE_CONFIGURATION or HTTP_ROUTE.", (mesh, report) -> walk(mesh, report, Problem.REMOVE)));
  }

  private static void walk(MeshConfig mesh, Check.Reporter report, Problem wanted) {
    // Names of filters that patches restricted to proxy versions touch, in the order istiod reads the EnvoyFilters.
    List<String> versionedNames = new ArrayList<>();
    List<KubeObject> filters = new ArrayList<>(mesh.all("EnvoyFilter"));
    filters.sort(Comparator.comparing(KubeObject::namespace).thenComparing(KubeObject::name));
    for (KubeObject ef : filters) {
      // One finding per EnvoyFilter and problem (as istioctl's deduplicated output), at its first patch with it.
      List<String> offending = new ArrayList<>();
      int priority = ef.spec().path("priority").asInt(0);
      JsonNode patches = ef.spec().path("configPatches");
      for (int i = 0; i < patches.size(); i++) {
        JsonNode patch = patches.get(i);
        if (!patch.has("patch")) {
          break;
        }
        String path = "spec.configPatches[" + i + "]";
        String name = patchedName(patch);
        String operation = patch.path("patch").path("operation").asText("");
        String applyTo = patch.path("applyTo").asText("");
        boolean routeLevel = applyTo.equals("ROUTE_CONFIGURATION") || applyTo.equals("HTTP_ROUTE");
        Problem found = switch (operation) {
          case "ADD" -> routeLevel ? Problem.ADD : null;
          case "REMOVE" -> routeLevel ? Problem.REMOVE : relative(priority, name, versionedNames);
          case "REPLACE" -> REPLACEABLE.contains(applyTo) ? relative(priority, name, versionedNames) : Problem.REPLACE;
          case "INSERT_BEFORE", "INSERT_AFTER" -> relative(priority, name, versionedNames);
          default -> null;
        };
        if (found == wanted) {
          offending.add(path);
        }
        if (!patch.path("match").path("proxy").path("proxyVersion").asText("").isEmpty()) {
          versionedNames.add(name);
        }
      }
      if (!offending.isEmpty()) {
        report.problem(ef, offending.get(0) + ".patch.operation", message(wanted), Map.of("patches", String.join(",", offending)));
      }
    }
  }

  /** The filter a patch is about: its value's name, else the filter its listener match names. */
  private static String patchedName(JsonNode patch) {
    JsonNode name = patch.path("patch").path("value").path("name");
    if (!name.isMissingNode()) {
      return name.toString();
    }
    return patch.path("match").path("listener").path("filterChain").path("filter").path("name").asText("");
  }

  private static Problem relative(int priority, String name, List<String> versionedNames) {
    if (priority != 0) {
      return null;
    }
    return versionedNames.contains(name) ? Problem.RELATIVE_WITH_PROXY_VERSION : Problem.RELATIVE;
  }

  private static String message(Problem p) {
    return switch (p) {
      case RELATIVE -> "This EnvoyFilter does not have a priority and has a relative patch operation set which can cause the EnvoyFilter"
          + " not to be applied. Using the INSERT_FIRST or ADD option or setting the priority may help in ensuring the EnvoyFilter is"
          + " applied correctly.";
      case RELATIVE_WITH_PROXY_VERSION -> "This EnvoyFilter does not have a priority and has a relative patch operation (INSERT_BEFORE/AFTER,"
          + " REPLACE, MERGE, DELETE) and proxyVersion set which can cause the EnvoyFilter not to be applied during an upgrade. Using the"
          + " INSERT_FIRST or ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly.";
      case REPLACE -> "The REPLACE operation is only valid for HTTP_FILTER and NETWORK_FILTER.";
      case ADD -> "The ADD operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.";
      case REMOVE -> "The REMOVE operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.";
    };
  }

}
