package io.smm.api.istio;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Map;

/** IstioMeshGateway as a typed resource for watching it (operator mode); the spec stays a JSON tree. */
@Group("servicemesh.cisco.com")
@Version("v1alpha1")
@Kind("IstioMeshGateway")
@Plural("istiomeshgateways")
public class IstioMeshGatewayResource extends CustomResource<JsonNode, Map<String, Object>> implements Namespaced {
}
