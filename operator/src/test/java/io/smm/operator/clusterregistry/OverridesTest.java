package io.smm.operator.clusterregistry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/** The part of Go's templates and overlay patches the sync rules' overrides may use, and the refusal of the rest. */
class OverridesTest {

  private static final Overrides.Context CONTEXT = new Overrides.Context("cp-v115x", "istio-system", "east", "west");

  @Test
  void printfAndFieldsOfTheObjectAndClustersAreEvaluated() {
    assertThat(Overrides.evaluate("{{ printf \"%s-%s\" .Object.GetName .Cluster.GetName }}", CONTEXT)).isEqualTo("cp-v115x-east");
    assertThat(Overrides.evaluate("{{.LocalCluster.GetName}}/{{ .Object.GetNamespace }}", CONTEXT)).isEqualTo("west/istio-system");
    assertThat(Overrides.evaluate("{{- printf \"from %s\" \"a \\\"quoted\\\" word\" -}}", CONTEXT)).isEqualTo("from a \"quoted\" word");
    assertThat(Overrides.evaluate("plain", CONTEXT)).isEqualTo("plain");
  }

  @Test
  void replaceAndRemoveAtAPath() {
    ObjectNode object = (ObjectNode) Serialization.unmarshal("{\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"1\"}}}", JsonNode.class);
    Overrides.apply(object, Serialization.unmarshal("""
        [{"type": "replace", "path": "/metadata/name", "value": "{{ printf \\"%s-%s\\" .Object.GetName .Cluster.GetName }}"},
         {"type": "remove", "path": "/metadata/labels/x"},
         {"type": "replace", "path": "/spec/replicas", "value": "3", "parseValue": true}]
        """, JsonNode.class), CONTEXT);
    assertThat(object.at("/metadata/name").asText()).isEqualTo("cp-v115x-east");
    assertThat(object.at("/metadata/labels").has("x")).isFalse();
    assertThat(object.at("/spec/replicas").isInt()).isTrue();
  }

  @Test
  void whatItCannotEvaluateIsAProblemWithTheReason() {
    assertThat(Overrides.problem(Serialization.unmarshal("[{\"type\": \"replace\", \"path\": \"/a\", \"value\": \"{{ .Object.Labels }}\"}]",
        JsonNode.class))).startsWith("overrides[0].value: unsupported template action {{ .Object.Labels }}");
    assertThat(Overrides.problem(Serialization.unmarshal("[{\"type\": \"replace\", \"path\": \"/a\", \"value\": \"{{ printf \\\"%d\\\" 1 }}\"}]",
        JsonNode.class))).startsWith("overrides[0].value: unsupported printf argument 1");
    assertThat(Overrides.problem(Serialization.unmarshal("[{\"type\": \"merge\", \"path\": \"/a\"}]", JsonNode.class)))
        .isEqualTo("overrides[0].type merge is not replace or remove");
    assertThat(Overrides.problem(Serialization.unmarshal("[{\"type\": \"replace\", \"path\": \"/a\", \"value\": \"{{ printf \\\"%s %s\\\" "
        + ".Object.GetName }}\"}]", JsonNode.class))).startsWith("overrides[0].value: ");
    assertThat(Overrides.problem(Serialization.unmarshal("[]", JsonNode.class))).isNull();
  }
}
