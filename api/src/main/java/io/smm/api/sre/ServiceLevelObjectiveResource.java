package io.smm.api.sre;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Map;

/** The ServiceLevelObjective as a typed resource for watching it; the spec stays a JSON tree checked against {@link SreSchemas#SLO_SPEC}. */
@Group("sre.smm.cisco.com")
@Version("v1alpha1")
@Kind("ServiceLevelObjective")
@Plural("servicelevelobjectives")
public class ServiceLevelObjectiveResource extends CustomResource<JsonNode, Map<String, Object>> implements Namespaced {
}
