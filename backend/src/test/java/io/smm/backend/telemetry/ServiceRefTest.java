package io.smm.backend.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which cluster a service node of the topology and health belongs to. */
class ServiceRefTest {

  @Test
  void theDestinationClusterElseTheCallersElseTheLocalOne() {
    Map<String, String> reached = Map.of("destination_cluster", "peer", "source_cluster", "primary",
        "destination_service_name", "payments", "destination_service_namespace", "smm-demo");
    assertThat(ServiceRef.of(reached, "primary").id()).isEqualTo(EntityIds.service("peer", "smm-demo", "payments"));
    // A call the caller's fault injection aborted reached no endpoint: the service is the one the caller resolved, in its cluster.
    Map<String, String> aborted = Map.of("destination_cluster", "unknown", "source_cluster", "peer",
        "destination_service_name", "notifications", "destination_service_namespace", "smm-demo");
    assertThat(ServiceRef.of(aborted, "primary").cluster()).isEqualTo("peer");
    assertThat(ServiceRef.of(Map.of("destination_service_name", "notifications"), "primary").cluster()).isEqualTo("primary");
  }
}
