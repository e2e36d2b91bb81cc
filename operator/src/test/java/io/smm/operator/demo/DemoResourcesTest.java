package io.smm.operator.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.operator.resources.DesiredResource;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a DemoApplication asks for beyond its workloads: the example SLOs only with deploySLOResources. */
class DemoResourcesTest {

  static List<DesiredResource> slos(String spec) throws Exception {
    return DemoResources.of("smm-demo", Serialization.jsonMapper().readTree(spec), "cp-v115x.istio-system").stream()
        .filter(d -> d.object().getKind().equals("ServiceLevelObjective")).toList();
  }

  @Test
  void exampleSlosArePresentOnlyWhenAskedForAndTheirServiceIsDeployed() throws Exception {
    assertThat(slos("{\"enabled\": true, \"deploySLOResources\": true}")).extracting(d -> d.object().getMetadata().getName() + "=" + d.present())
        .containsExactly("frontpage-availability=true", "catalog-latency=true");
    assertThat(slos("{\"enabled\": true}")).allMatch(d -> !d.present());
    assertThat(slos("{\"enabled\": true, \"deploySLOResources\": true, \"enabledComponents\": [\"frontpage\"]}"))
        .extracting(d -> d.object().getMetadata().getName() + "=" + d.present())
        .containsExactly("frontpage-availability=true", "catalog-latency=false");
    var spec = Serialization.jsonMapper().valueToTree(((GenericKubernetesResource) slos(
        "{\"enabled\": true, \"deploySLOResources\": true}").get(0).object()).getAdditionalProperties().get("spec"));
    assertThat(((JsonNode) spec).at("/sli/templateRef/name").asText()).isEqualTo("http-requests-success-rate");
  }
}
