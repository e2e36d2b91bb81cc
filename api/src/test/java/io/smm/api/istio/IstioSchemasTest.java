package io.smm.api.istio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.smm.api.crd.SmmCrds;
import io.smm.api.schema.SchemaValidator;
import java.util.List;
import org.junit.jupiter.api.Test;

class IstioSchemasTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static List<String> problems(String spec) throws Exception {
    return SchemaValidator.validate(YAML.readTree(spec), IstioSchemas.MESH_GATEWAY_SPEC, ".spec").stream().map(Object::toString).toList();
  }

  @Test
  void aMeshGatewayWithAnUnknownTypeAnImpossiblePortOrNegativeReplicasIsRefused() throws Exception {
    assertThat(problems("""
        type: sideways
        istioControlPlane: {name: cp-v115x, namespace: istio-system}
        deployment: {replicas: {count: -1, max: 1e26}}
        service: {type: ClusterIP, ports: [{name: http, port: 99999999, targetPort: 8080}]}
        """)).containsExactlyInAnyOrder(
        ".spec.type: must be one of ingress, egress, got \"sideways\"",
        ".spec.deployment.replicas.count: should be greater than or equal to 0, got -1",
        ".spec.deployment.replicas.max: must be an integer, got 1.0E26",
        ".spec.service.ports[0].port: should be less than or equal to 65535, got 99999999");
  }

  @Test
  void theSeedsMeshGatewayIsValidAndTheCrdDeclaresTheBounds() throws Exception {
    assertThat(problems("""
        type: ingress
        istioControlPlane: {name: cp-v115x, namespace: istio-system}
        deployment: {replicas: {min: 1, max: 3}, resources: {requests: {cpu: 100m}}}
        service: {type: LoadBalancer, ports: [{name: tcp-status-port, port: 15021, protocol: TCP, targetPort: 15021}]}
        runAsRoot: false
        """)).isEmpty();
    var port = SmmCrds.crd(SmmCrds.ISTIO_MESH_GATEWAY).getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema()
        .getProperties().get("spec").getProperties().get("service").getProperties().get("ports").getItems().getSchema()
        .getProperties().get("port");
    assertThat(port.getFormat()).isEqualTo("int32");
    assertThat(port.getMinimum()).isEqualTo(1.0);
    assertThat(port.getMaximum()).isEqualTo(65535.0);
  }
}
