package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for: the columns
 * kube-apiserver prints for common built-in kinds, a CRD's additionalPrinterColumns, or NAME and
 * AGE for anything else.
 */
final class TablePrinter {

  /** kubectl shows a waiting container's reason (CrashLoopBackOff, ...) instead of the phase. */
  private static Optional<String> waitingReason(JsonNode containerStatuses) {
    for (JsonNode c : containerStatuses) {
      String reason = c.at("/state/waiting/reason").asText("");
      if (!reason.isEmpty()) {
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** One column: its header, type and how to compute the cell from an object. */
  record Column(String name, String type, Function<JsonNode, Object> cell) {}

  /** A CRD printer column, JSONPath restricted to the dotted form CRDs use (".status.phase"). */
  record PrinterColumn(String name, String type, String jsonPath) {}

  private TablePrinter() {}

  static ObjectNode table(JsonNode listOrObject, String plural, List<PrinterColumn> crdColumns, Instant now) {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("Name", "string", o -> o.at("/metadata/name").asText()));
    columns.addAll(crdColumns != null ? fromCrd(crdColumns, now) : builtIn(plural, now));
    if (columns.stream().noneMatch(c -> c.name().equalsIgnoreCase("Age"))) {
      columns.add(new Column("Age", "string", o -> age(o.at("/metadata/creationTimestamp").asText(), now)));
    }
    ObjectNode table = F.objectNode();
    table.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion", listOrObject.at("/metadata/resourceVersion").asText(""));
    ArrayNode defs = table.putArray("columnDefinitions");
    for (Column c : columns) {
      defs.addObject().put("name", c.name()).put("type", c.type()).put("format", c.name().equals("Name") ? "name" : "")
          .put("description", "").put("priority", 0);
    }
    ArrayNode rows = table.putArray("rows");
    List<JsonNode> items = new ArrayList<>();
    if (listOrObject.has("items")) {
      listOrObject.get("items").forEach(items::add);
    } else {
      items.add(listOrObject);
    }
    for (JsonNode item : items) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column c : columns) {
        Object v = c.cell().apply(item);
        if (v instanceof Number n) {
          cells.add(n.longValue());
        } else {
          cells.add(v == null ? "" : v.toString());
        }
      }
      row.set("object", item);
    }
    return table;
  }

  private static List<Column> fromCrd(List<PrinterColumn> printer, Instant now) {
    List<Column> out = new ArrayList<>();
    for (PrinterColumn p : printer) {
      String pointer = p.jsonPath().replace('.', '/');
      if ("date".equals(p.type())) {
        out.add(new Column(p.name(), "string", o -> age(o.at(pointer).asText(""), now)));
      } else {
        out.add(new Column(p.name(), p.type(), o -> o.at(pointer).isMissingNode() ? "" : o.at(pointer).asText()));
      }
    }
    return out;
  }

  private static List<Column> builtIn(String plural, Instant now) {
    return switch (plural) {
      case "pods" -> List.of(
          new Column("Ready", "string", o -> countReady(o.at("/status/containerStatuses")) + "/" + o.at("/spec/containers").size()),
          new Column("Status", "string", o -> o.at("/metadata/deletionTimestamp").isTextual() ? "Terminating"
              : waitingReason(o.at("/status/containerStatuses")).orElse(o.at("/status/phase").asText("Pending"))),
          new Column("Restarts", "integer", o -> sum(o.at("/status/containerStatuses"), "restartCount")));
      case "deployments" -> List.of(
          new Column("Ready", "string", o -> o.at("/status/readyReplicas").asInt(0) + "/" + o.at("/spec/replicas").asInt(1)),
          new Column("Up-to-date", "integer", o -> o.at("/status/updatedReplicas").asInt(0)),
          new Column("Available", "integer", o -> o.at("/status/availableReplicas").asInt(0)));
      case "replicasets" -> List.of(
          new Column("Desired", "integer", o -> o.at("/spec/replicas").asInt(1)),
          new Column("Current", "integer", o -> o.at("/status/replicas").asInt(0)),
          new Column("Ready", "integer", o -> o.at("/status/readyReplicas").asInt(0)));
      case "statefulsets" -> List.of(
          new Column("Ready", "string", o -> o.at("/status/readyReplicas").asInt(0) + "/" + o.at("/spec/replicas").asInt(1)));
      case "daemonsets" -> List.of(
          new Column("Desired", "integer", o -> o.at("/status/desiredNumberScheduled").asInt(0)),
          new Column("Current", "integer", o -> o.at("/status/currentNumberScheduled").asInt(0)),
          new Column("Ready", "integer", o -> o.at("/status/numberReady").asInt(0)));
      case "namespaces" -> List.of(new Column("Status", "string", o -> o.at("/status/phase").asText("Active")));
      case "nodes" -> List.of(
          new Column("Status", "string", o -> readyCondition(o.at("/status/conditions")) ? "Ready" : "NotReady"),
          new Column("Roles", "string", TablePrinter::roles),
          new Column("Age", "string", o -> age(o.at("/metadata/creationTimestamp").asText(), now)),
          new Column("Version", "string", o -> o.at("/status/nodeInfo/kubeletVersion").asText()));
      case "services" -> List.of(
          new Column("Type", "string", o -> o.at("/spec/type").asText("ClusterIP")),
          new Column("Cluster-IP", "string", o -> o.at("/spec/clusterIP").asText("<none>")),
          new Column("Ports", "string", TablePrinter::ports));
      case "configmaps", "secrets" -> List.of(new Column("Data", "integer", o -> o.path("data").size()));
      default -> List.of();
    };
  }

  private static int countReady(JsonNode statuses) {
    int n = 0;
    for (JsonNode s : statuses) {
      if (s.path("ready").asBoolean(false)) {
        n++;
      }
    }
    return n;
  }

  private static long sum(JsonNode array, String field) {
    long n = 0;
    for (JsonNode s : array) {
      n += s.path(field).asLong(0);
    }
    return n;
  }

  private static boolean readyCondition(JsonNode conditions) {
    for (JsonNode c : conditions) {
      if ("Ready".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }

  private static String roles(JsonNode node) {
    List<String> roles = new ArrayList<>();
    node.at("/metadata/labels").fieldNames().forEachRemaining(k -> {
      if (k.startsWith("node-role.kubernetes.io/")) {
        roles.add(k.substring("node-role.kubernetes.io/".length()));
      }
    });
    return roles.isEmpty() ? "<none>" : String.join(",", roles);
  }

  private static String ports(JsonNode svc) {
    List<String> out = new ArrayList<>();
    for (JsonNode p : svc.at("/spec/ports")) {
      out.add(p.path("port").asInt() + "/" + p.path("protocol").asText("TCP"));
    }
    return out.isEmpty() ? "<none>" : String.join(",", out);
  }

  /** kube's HumanDuration: 45s, 3m12s, 40m, 5h3m, 30h, 6d2h, 40d, 3y. */
  static String age(String timestamp, Instant now) {
    if (timestamp == null || timestamp.isEmpty()) {
      return "<unknown>";
    }
    Duration d;
    try {
      d = Duration.between(Instant.parse(timestamp), now);
    } catch (DateTimeParseException e) {
      return "<unknown>";
    }
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 10) {
      return m + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
    if (m < 180) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 8) {
      return h + "h" + (m % 60 == 0 ? "" : m % 60 + "m");
    }
    if (h < 48) {
      return h + "h";
    }
    if (h < 24 * 8) {
      return h / 24 + "d" + (h % 24 == 0 ? "" : h % 24 + "h");
    }
    if (h < 24 * 365 * 2) {
      return h / 24 + "d";
    }
    return h / 24 / 365 + "y";
  }
}
