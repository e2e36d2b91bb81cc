package io.smm.api.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Map;

/** The DemoApplication as a typed resource for watching it (operator mode); the spec stays a JSON tree checked against {@link DemoApplicationSchema}. */
@Group("smm.cisco.com")
@Version("v1alpha1")
@Kind("DemoApplication")
@Plural("demoapplications")
public class DemoApplicationResource extends CustomResource<JsonNode, Map<String, Object>> implements Namespaced {
}
