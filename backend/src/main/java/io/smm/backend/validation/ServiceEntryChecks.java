package io.smm.backend.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** ServiceEntry checks (istioctl IST0134). */
final class ServiceEntryChecks {

  private static final Set<String> NEED_ADDRESS = Set.of("TCP", "MONGO", "");

  private ServiceEntryChecks() {}

  static List<Check> all() {
    return List.of(new Check("serviceentry/addresses/required", Severity.WARNING,
        "A TCP port without addresses: Envoy tells TCP traffic apart by destination IP only, so it cannot route it to this entry.",
        ServiceEntryChecks::addressesRequired));
  }

  private static void addressesRequired(MeshConfig mesh, Check.Reporter report) {
    for (KubeObject se : mesh.all("ServiceEntry")) {
      if (!se.spec().path("addresses").isEmpty()) {
        continue;
      }
      JsonNode ports = se.spec().path("ports");
      for (int i = 0; i < ports.size(); i++) {
        String protocol = ports.get(i).path("protocol").asText("");
        if (NEED_ADDRESS.contains(protocol)) {
          report.problem(se, "spec.ports[" + i + "]", "addresses are required for " + (protocol.isEmpty() ? "TCP (no protocol)" : protocol)
              + " port " + ports.get(i).path("number").asText(), Map.of("port", ports.get(i).path("number").asText(), "protocol", protocol));
        }
      }
    }
  }
}
