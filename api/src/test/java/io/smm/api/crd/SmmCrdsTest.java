package io.smm.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.smm.api.schema.SchemaValidator;
import org.junit.jupiter.api.Test;

class SmmCrdsTest {

  @Test
  void theSeedsDemoApplicationExampleMatchesItsSchema() throws Exception {
    var yaml = new ObjectMapper(new YAMLFactory())
        .readTree(SmmCrdsTest.class.getResourceAsStream("/seed-demoapplication.yaml"));
    assertThat(yaml.path("kind").asText()).isEqualTo("DemoApplication");
    assertThat(SchemaValidator.validate(yaml.path("spec"), SmmCrds.DEMO_APPLICATION.spec(), ".spec")).isEmpty();
    assertThat(SchemaValidator.validate(
        new ObjectMapper().readTree("{\"enabledComponents\":[\"frontpage\",\"cinema\"]}"),
        SmmCrds.DEMO_APPLICATION.spec(), ".spec")).extracting(Object::toString)
        .containsExactly(".spec.enabledComponents[1]: must be one of frontpage, catalog, bookings, postgresql, payments,"
            + " notifications, movies, analytics, database, mysql, got \"cinema\"");
  }

  @Test
  void crdsCarryTheSchemaScopeShortNamesAndColumns() {
    var cp = SmmCrds.crd(SmmCrds.CONTROL_PLANE);
    assertThat(cp.getMetadata().getName()).isEqualTo("controlplanes.smm.cisco.com");
    assertThat(cp.getSpec().getScope()).isEqualTo("Cluster");
    assertThat(cp.getSpec().getNames().getShortNames()).containsExactly("cp");
    var schema = cp.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    var role = schema.getProperties().get("spec").getProperties().get("role");
    assertThat(role.getEnum()).extracting(Object::toString).containsExactly("\"active\"", "\"passive\"");
    assertThat(schema.getProperties().get("spec").getProperties().get("smm").getProperties().get("prometheus")
        .getProperties().get("replicas").getType()).isEqualTo("integer");

    var icp = SmmCrds.crd(SmmCrds.ISTIO_CONTROL_PLANE);
    assertThat(icp.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(icp.getSpec().getVersions().get(0).getAdditionalPrinterColumns()).extracting(c -> c.getName())
        .containsExactly("Mode", "Network", "Status", "Mesh Expansion", "Error", "Age");
    assertThat(icp.getSpec().getVersions().get(0).getSubresources().getStatus()).isNotNull();
  }
}
