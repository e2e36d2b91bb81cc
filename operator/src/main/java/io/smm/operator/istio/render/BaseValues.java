package io.smm.operator.istio.render;

import static io.smm.operator.istio.render.ValueTree.at;
import static io.smm.operator.istio.render.ValueTree.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The base chart's values (Istio's CRDs): our port of the istio-operator's {@code base/values.yaml.tpl}. */
public final class BaseValues {

  private BaseValues() {}

  public static ObjectNode of(JsonNode spec, IstioRevision rev) {
    ObjectNode values = object();
    ObjectNode global = values.putObject("global");
    global.putArray("imagePullSecrets");
    global.put("istioNamespace", rev.namespace());
    global.putObject("istiod").put("enableAnalysis", at(spec, "istiod.enableAnalysis").asBoolean(false));
    global.put("configValidation", true);
    global.put("externalIstiod", at(spec, "istiod.externalIstiod.enabled").asBoolean(false));
    global.put("revision", rev.name());
    values.putObject("base").put("enableCRDTemplates", false).put("enableIstioConfigCRDs", true);
    return values;
  }
}
