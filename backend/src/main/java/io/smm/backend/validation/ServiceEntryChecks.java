package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** ServiceEntry checks (Istio's serviceentry analyzers). */
final class ServiceEntryChecks {

  private ServiceEntryChecks() {}

  static List<Check> all() {
    return List.of(
        new Check("serviceentry/addresses/required", IstioMessage.SERVICE_ENTRY_ADDRESSES_REQUIRED,
            "A TCP port without addresses: Envoy tells TCP traffic apart by destination IP only, so it cannot route it to this entry"
                + " (unless the mesh allocates addresses: DNS capture with auto-allocation).", ServiceEntryChecks::addressesRequired),
        new Check("serviceentry/protocol/conflict", IstioMessage.CONFLICTING_SERVICE_ENTRY_PROTOCOL,
            "ServiceEntries visible in the same namespace give one host and port different protocols.", ServiceEntryChecks::protocolConflict));
  }

  /** Whether proxies allocate virtual addresses to ServiceEntries themselves (DNS capture plus auto-allocation in proxyMetadata). */
  private static boolean autoAllocated(MeshConfig mesh) {
    JsonNode metadata = mesh.settings().path("defaultConfig").path("proxyMetadata");
    return metadata.path("ISTIO_META_DNS_CAPTURE").asText("").equals("true")
        && (metadata.path("ISTIO_META_DNS_AUTO_ALLOCATE").asText("").equals("true")
        || metadata.path("PILOT_ENABLE_IP_AUTOALLOCATE").asText("").equals("true"));
  }

  private static void addressesRequired(MeshConfig mesh, Check.Reporter report) {
    if (autoAllocated(mesh)) {
      return;
    }
    for (KubeObject se : mesh.all("ServiceEntry")) {
      if (!se.spec().path("addresses").isEmpty() || !se.body().path("status").path("addresses").isEmpty()) {
        continue;
      }
      JsonNode ports = se.spec().path("ports");
      for (int i = 0; i < ports.size(); i++) {
        String protocol = ports.get(i).path("protocol").asText("");
        if (protocol.isEmpty() || protocol.equalsIgnoreCase("TCP")) {
          report.problem(se, "spec.ports[" + i + "]", "ServiceEntry addresses are required for this protocol ("
              + (protocol.isEmpty() ? "TCP, no protocol given" : protocol) + ", port " + ports.get(i).path("number").asText() + ").",
              Map.of("port", ports.get(i).path("number").asText(), "protocol", protocol));
        }
      }
    }
  }

  private record Use(KubeObject serviceEntry, String protocol) {}

  private static void protocolConflict(MeshConfig mesh, Check.Reporter report) {
    // scope + host + port -> the ServiceEntries defining it, with their protocol
    Map<String, List<Use>> index = new LinkedHashMap<>();
    for (KubeObject se : mesh.all("ServiceEntry")) {
      for (String scope : ExportTo.scopes(se.spec().path("exportTo"), se.namespace())) {
        for (JsonNode h : se.spec().path("hosts")) {
          for (JsonNode p : se.spec().path("ports")) {
            index.computeIfAbsent(scope + " " + h.asText() + " " + p.path("number").asInt(), k -> new ArrayList<>())
                .add(new Use(se, p.path("protocol").asText("")));
          }
        }
      }
    }
    Set<KubeObject> reported = new HashSet<>();
    index.forEach((key, uses) -> {
      String[] parts = key.split(" ");
      List<Use> all = new ArrayList<>(uses);
      if (!parts[0].equals(ExportTo.ALL)) {
        all.addAll(index.getOrDefault(ExportTo.ALL + " " + parts[1] + " " + parts[2], List.of()));
      }
      Set<String> protocols = new TreeSet<>();
      all.forEach(u -> protocols.add(u.protocol().toUpperCase(Locale.ROOT)));
      if (protocols.size() < 2) {
        return;
      }
      Set<String> names = new TreeSet<>();
      all.forEach(u -> names.add(u.serviceEntry().namespace() + "/" + u.serviceEntry().name()));
      for (Use u : all) {
        if (reported.add(u.serviceEntry())) {
          report.problem(u.serviceEntry(), "spec.ports", "Multiple ServiceEntries (" + String.join(", ", names) + ") define the same host \""
              + parts[1] + "\" and port " + parts[2] + " with conflicting protocols (" + String.join(", ", protocols) + ").",
              Map.of("host", parts[1], "port", parts[2]));
        }
      }
    });
  }
}
