package io.smm.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class StrategicMergePatchTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode json(String s) throws Exception {
    return JSON.readTree(s.replace('\'', '"'));
  }

  static final String DEPLOYMENT = """
      {'spec':{'replicas':3,'template':{'spec':{'containers':[
        {'name':'app','image':'app:1','ports':[{'containerPort':8080,'name':'http'}],'env':[{'name':'A','value':'1'}]},
        {'name':'istio-proxy','image':'proxyv2'}]}}}}""";

  @Test
  void containersMergeByNameInsteadOfBeingReplaced() throws Exception {
    JsonNode out = StrategicMergePatch.apply(json(DEPLOYMENT),
        json("{'spec':{'template':{'spec':{'containers':[{'name':'app','image':'app:2'}]}}}}"));
    JsonNode containers = out.at("/spec/template/spec/containers");
    assertThat(containers).hasSize(2);
    assertThat(containers.get(0).path("image").asText()).isEqualTo("app:2");
    assertThat(containers.get(0).path("ports").get(0).path("containerPort").asInt()).as("untouched fields stay").isEqualTo(8080);
    assertThat(containers.get(1).path("name").asText()).isEqualTo("istio-proxy");
  }

  @Test
  void nestedListsMergeByTheirOwnKeysAndNewElementsAreAppended() throws Exception {
    JsonNode out = StrategicMergePatch.apply(json(DEPLOYMENT), json("""
        {'spec':{'template':{'spec':{'containers':[{'name':'app',
          'env':[{'name':'A','value':'2'},{'name':'B','value':'x'}],
          'ports':[{'containerPort':9090,'name':'metrics'}]}]}}}}"""));
    JsonNode app = out.at("/spec/template/spec/containers/0");
    assertThat(app.path("env").findValuesAsText("value")).containsExactly("2", "x");
    assertThat(app.path("ports").findValuesAsText("name")).containsExactly("http", "metrics");
  }

  @Test
  void directivesDeleteReplaceAndRetain() throws Exception {
    JsonNode out = StrategicMergePatch.apply(json(DEPLOYMENT), json("""
        {'$setElementOrder/containers':[{'name':'app'}],
         'spec':{'replicas':null,'template':{'spec':{'containers':[{'name':'istio-proxy','$patch':'delete'}]}}}}"""));
    assertThat(out.at("/spec/template/spec/containers")).hasSize(1);
    assertThat(out.at("/spec").has("replicas")).as("null removes a field").isFalse();
    assertThat(out.has("$setElementOrder/containers")).isFalse();

    JsonNode replaced = StrategicMergePatch.apply(json("{'metadata':{'labels':{'a':'1','b':'2'}}}"),
        json("{'metadata':{'labels':{'$patch':'replace','c':'3'}}}"));
    assertThat(replaced.at("/metadata/labels")).isEqualTo(json("{'c':'3'}"));

    JsonNode retained = StrategicMergePatch.apply(json("{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}}}"),
        json("{'strategy':{'$retainKeys':['type'],'type':'Recreate'}}"));
    assertThat(retained.path("strategy")).isEqualTo(json("{'type':'Recreate'}"));

    JsonNode finalizers = StrategicMergePatch.apply(json("{'metadata':{'finalizers':['a','b','c']}}"),
        json("{'metadata':{'$deleteFromPrimitiveList/finalizers':['b']}}"));
    assertThat(finalizers.at("/metadata/finalizers")).isEqualTo(json("['a','c']"));
  }

  @Test
  void listsWithoutAMergeKeyAreReplacedAsInAJsonMergePatch() throws Exception {
    JsonNode out = StrategicMergePatch.apply(json("{'spec':{'template':{'spec':{'containers':[{'name':'a','args':['x','y']}]}}}}"),
        json("{'spec':{'template':{'spec':{'containers':[{'name':'a','args':['z']}]}}}}"));
    assertThat(out.at("/spec/template/spec/containers/0/args")).isEqualTo(json("['z']"));
  }

  @Test
  void servicePortsMergeOnPort() throws Exception {
    JsonNode out = StrategicMergePatch.apply(json("{'spec':{'ports':[{'port':80,'name':'http'},{'port':443,'name':'https'}]}}"),
        json("{'spec':{'ports':[{'port':443,'targetPort':8443}]}}"));
    assertThat(out.at("/spec/ports")).hasSize(2);
    assertThat(out.at("/spec/ports/1/targetPort").asInt()).isEqualTo(8443);
  }
}
