package io.smm.operator.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class DriftTest {

  static final ObjectMapper JSON = new ObjectMapper();

  static String diff(String wanted, String live) throws Exception {
    JsonNode w = JSON.readTree(wanted.replace('\'', '"'));
    JsonNode l = JSON.readTree(live.replace('\'', '"'));
    return Drift.firstDifference(w, l);
  }

  @Test
  void whatTheApiServerAddsIsNotDrift() throws Exception {
    assertThat(diff("{'spec':{'replicas':1,'template':{'spec':{'containers':[{'name':'a','image':'x','ports':[{'containerPort':80}]}]}}}}",
        "{'metadata':{'uid':'u','resourceVersion':'7'},'spec':{'replicas':1,'strategy':{'type':'RollingUpdate'},"
            + "'template':{'spec':{'containers':[{'name':'a','image':'x','imagePullPolicy':'IfNotPresent',"
            + "'ports':[{'containerPort':80,'protocol':'TCP'}]}]}}},'status':{'replicas':1}}"))
        .isNull();
  }

  @Test
  void omittedZeroValuesAndCanonicalQuantitiesAreNotDrift() throws Exception {
    assertThat(diff("{'hostNetwork':false,'priority':0,'note':'','args':[],'labels':{},'cpu':'1000m','memory':'1Gi'}",
        "{'cpu':'1','memory':'1Gi'}")).isNull();
  }

  @Test
  void editsOfWhatWeSetAreDrift() throws Exception {
    assertThat(diff("{'spec':{'replicas':1}}", "{'spec':{'replicas':5}}")).isEqualTo("/spec/replicas");
    assertThat(diff("{'spec':{'containers':[{'name':'a'}]}}", "{'spec':{'containers':[{'name':'a'},{'name':'sidecar'}]}}"))
        .isEqualTo("/spec/containers");
    assertThat(diff("{'metadata':{'labels':{'app':'x'}}}", "{'metadata':{'labels':{}}}")).isEqualTo("/metadata/labels/app");
    assertThat(diff("{'data':{'mesh':'a: 1'}}", "{'data':{'mesh':'a: 2'}}")).isEqualTo("/data/mesh");
    assertThat(diff("{'hostNetwork':false}", "{'hostNetwork':true}")).isEqualTo("/hostNetwork");
    assertThat(diff("{'cpu':'100m'}", "{'cpu':'1'}")).isEqualTo("/cpu");
  }

  @Test
  void whatIstiodPatchesIntoItsWebhooksIsIstiods() throws Exception {
    String wanted = "{'kind':'ValidatingWebhookConfiguration','webhooks':[{'name':'v','failurePolicy':'Ignore',"
        + "'clientConfig':{'service':{'name':'istiod'}}}]}";
    assertThat(diff(wanted, "{'kind':'ValidatingWebhookConfiguration','webhooks':[{'name':'v','failurePolicy':'Fail',"
        + "'clientConfig':{'caBundle':'LS0t','service':{'name':'istiod'}}}]}")).isNull();
    assertThat(diff(wanted, "{'kind':'ValidatingWebhookConfiguration','webhooks':[{'name':'v','failurePolicy':'Fail',"
        + "'clientConfig':{'service':{'name':'someone-else'}}}]}")).isEqualTo("/webhooks/0/clientConfig/service/name");
  }

  @Test
  void anAutoscaledWorkloadsReplicasAreTheAutoscalers() throws Exception {
    JsonNode wanted = JSON.readTree("{\"kind\":\"Deployment\",\"spec\":{\"replicas\":1,\"paused\":false}}");
    JsonNode live = JSON.readTree("{\"kind\":\"Deployment\",\"spec\":{\"replicas\":4}}");
    assertThat(Drift.firstDifference(wanted, live, true)).isNull();
    assertThat(Drift.firstDifference(wanted, live, false)).isEqualTo("/spec/replicas");
  }
}
