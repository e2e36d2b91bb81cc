package io.smm.api.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.kubernetes.client.CustomResource;
import java.util.Map;

/**
 * The ControlPlane as a typed resource for watching it (operator mode). The spec stays a JSON
 * tree: it is validated against {@link ControlPlaneSchema} and read through the operator's
 * effective configuration, not bound to Java fields.
 */
@Group("smm.cisco.com")
@Version("v1alpha1")
@Kind("ControlPlane")
@Plural("controlplanes")
public class ControlPlaneResource extends CustomResource<JsonNode, Map<String, Object>> {
}
