package io.smm.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.crd.SmmCrds;
import io.smm.backend.http.ServerOptions;
import io.smm.backend.http.SmmServer;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.kube.Kubeconfig;
import io.smm.sandbox.testing.IstioFixtures;
import io.smm.sandbox.testing.SyntheticPrometheus;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance case against the RBAC sandbox API server and a real Prometheus: alice
 * may do anything in smm-demo (a Role there), bob anything in "other", the kubeconfig's admin
 * everything. Each logs in with their Kubernetes token; what the backend shows and changes for
 * them follows those bindings in services, topology, health, Istio resources, validation, tap
 * and mutations.
 */
class AccessControlTest {

  @TempDir
  static Path dir;
  static SyntheticPrometheus prometheus;
  static EmbeddedApiServer api;
  static KubernetesClient admin;
  static SmmServer server;
  static ApiClient http;
  static String alice;
  static String bob;
  static String root;
  static final long NOW = Instant.now().getEpochSecond() / 60 * 60;
  static final String PAST = Instant.ofEpochSecond(NOW - 1800).toString();

  static Map<String, String> call(String reporter, String ns, String source, String service) {
    Map<String, String> l = new HashMap<>();
    l.put("reporter", reporter);
    l.put("source_cluster", "c1");
    l.put("source_workload_namespace", ns);
    l.put("source_workload", source);
    l.put("source_app", source);
    l.put("source_version", "v1");
    l.put("destination_cluster", "c1");
    l.put("destination_service_namespace", ns);
    l.put("destination_service_name", service);
    l.put("destination_service", service + "." + ns + ".svc.cluster.local");
    l.put("destination_workload_namespace", ns);
    l.put("destination_workload", service + "-v1");
    l.put("destination_app", service);
    l.put("destination_version", "v1");
    l.put("request_protocol", "http");
    l.put("response_code", "200");
    l.put("grpc_response_status", "-");
    l.put("response_flags", "-");
    l.put("connection_security_policy", reporter.equals("destination") ? "mutual_tls" : "unknown");
    return l;
  }

  static String vs(String namespace, String name, String host) {
    return """
        apiVersion: networking.istio.io/v1beta1
        kind: VirtualService
        metadata:
          name: %s
          namespace: %s
        spec:
          hosts:
          - %s
          http:
          - route:
            - destination:
                host: %s
        """.formatted(name, namespace, host, host);
  }

  @BeforeAll
  static void start() throws Exception {
    prometheus = new SyntheticPrometheus()
        .counter("istio_requests_total", call("source", "smm-demo", "frontpage-v1", "catalog"), NOW - 3600, NOW, 10, 0)
        .counter("istio_requests_total", call("destination", "smm-demo", "frontpage-v1", "catalog"), NOW - 3600, NOW, 10, 0)
        .counter("istio_requests_total", call("source", "other", "reports-v1", "ledger"), NOW - 3600, NOW, 5, 0)
        .counter("istio_requests_total", call("destination", "other", "reports-v1", "ledger"), NOW - 3600, NOW, 5, 0)
        .start(dir);
    api = EmbeddedApiServer.startWithRbac(0);
    admin = api.newClient();
    ClusterSeed.apply(admin);
    IstioFixtures.istioCrds(admin);
    admin.apiextensions().v1().customResourceDefinitions().resource(
        SmmCrds.crd(SmmCrds.SERVICE_LEVEL_OBJECTIVE)).create();
    for (String ns : List.of("smm-demo", "other", "smm-system")) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    admin.services().inNamespace("smm-demo").resource(service("catalog")).create();
    admin.services().inNamespace("other").resource(service("ledger")).create();
    api.tokens().add("alice-token", "alice", "system:authenticated");
    api.tokens().add("bob-token", "bob", "system:authenticated");
    editor("smm-demo", "alice");
    editor("other", "bob");
    server = new SmmServer(admin, "c1", URI.create(prometheus.url()));
    http = new ApiClient("http://127.0.0.1:" + server.start(new ServerOptions("127.0.0.1", 0, 0)));
    root = http.session(Kubeconfig.TOKEN);
    alice = http.session("alice-token");
    bob = http.session("bob-token");
    assertThat(apply(root, vs("smm-demo", "catalog", "catalog")).at("/data/applyIstioResource/applied").asBoolean()).isTrue();
    assertThat(apply(root, vs("other", "ledger", "ledger")).at("/data/applyIstioResource/applied").asBoolean()).isTrue();
  }

  static Service service(String name) {
    return new ServiceBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec().addToSelector("app", name)
        .addNewPort().withName("http").withPort(8080).endPort().endSpec().build();
  }

  /** Everything in one namespace, as `kubectl create rolebinding --clusterrole=admin` would give. */
  static void editor(String namespace, String user) {
    admin.rbac().roles().inNamespace(namespace).resource(new RoleBuilder().withNewMetadata().withName("editor").endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("*").withResources("*").withVerbs("*").build()).build()).create();
    admin.rbac().roleBindings().inNamespace(namespace).resource(new RoleBindingBuilder().withNewMetadata().withName("editor-" + user)
        .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "editor")
        .withSubjects(new SubjectBuilder().withKind("User").withName(user).withApiGroup("rbac.authorization.k8s.io").build()).build())
        .create();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    admin.close();
    api.close();
    prometheus.close();
  }

  static JsonNode query(String session, String query) throws Exception {
    ApiClient.Answer a = http.graphql(session, query);
    assertThat(a.status()).as("%s", a).isEqualTo(200);
    return a.body();
  }

  static JsonNode apply(String session, String yaml) throws Exception {
    return http.graphql(session, "mutation($y: String!) { applyIstioResource(yaml: $y) { applied issues { message } } }",
        Map.of("y", yaml)).body();
  }

  static Set<String> namespaces(JsonNode list) {
    Set<String> out = new TreeSet<>();
    list.forEach(n -> out.add(n.path("namespace").asText()));
    return out;
  }

  static String errorCode(JsonNode answer) {
    return answer.at("/errors/0/extensions/code").asText();
  }

  static Set<String> topologyNamespaces(String session) throws Exception {
    JsonNode t = query(session, "{ topology(time: \"" + PAST + "\") { nodes { namespace name } edges { source target } } }");
    assertThat(t.path("errors").isMissingNode()).as("%s", t).isTrue();
    Set<String> out = new TreeSet<>();
    t.at("/data/topology/nodes").forEach(n -> out.add(n.path("namespace").asText()));
    return out;
  }

  @Test
  void aliceSeesAndEditsSmmDemoOnly() throws Exception {
    assertThat(query(alice, "{ me { username groups anonymous } }").at("/data/me/username").asText()).isEqualTo("alice");
    JsonNode cluster = query(alice, "{ clusters { name nodeCount } }");
    assertThat(cluster.at("/data/clusters/0/name").asText()).isEqualTo("c1");
    assertThat(cluster.at("/data/clusters/0/nodeCount").isNull()).as("alice may not list nodes: %s", cluster).isTrue();
    assertThat(query(root, "{ clusters { nodeCount } }").at("/data/clusters/0/nodeCount").asInt()).isEqualTo(1);
    List<String> names = new ArrayList<>();
    query(alice, "{ namespaces { name } }").at("/data/namespaces").forEach(n -> names.add(n.path("name").asText()));
    assertThat(names).containsExactly("smm-demo");
    assertThat(namespaces(query(alice, "{ services { namespace name } }").at("/data/services"))).containsExactly("smm-demo");
    assertThat(topologyNamespaces(alice)).containsExactly("smm-demo");
    assertThat(namespaces(query(alice, "{ istioResources { namespace name } }").at("/data/istioResources"))).containsExactly("smm-demo");

    assertThat(apply(alice, vs("smm-demo", "alice-route", "catalog")).at("/data/applyIstioResource/applied").asBoolean()).isTrue();
    assertThat(admin.genericKubernetesResources("networking.istio.io/v1beta1", "VirtualService").inNamespace("smm-demo")
        .withName("alice-route").get()).as("written as alice").isNotNull();

    JsonNode refused = apply(alice, vs("other", "alice-route", "ledger"));
    assertThat(errorCode(refused)).isEqualTo("FORBIDDEN");
    assertThat(refused.at("/errors/0/message").asText()).contains("alice").contains("virtualservices").contains("other")
        .contains("nothing was written");
    assertThat(admin.genericKubernetesResources("networking.istio.io/v1beta1", "VirtualService").inNamespace("other")
        .withName("alice-route").get()).isNull();
    assertThat(errorCode(query(alice, "{ services(namespaces: [\"other\"]) { name } }"))).isEqualTo("FORBIDDEN");
  }

  @Test
  void bobSeesNothingOfSmmDemoAndCannotChangeIt() throws Exception {
    assertThat(namespaces(query(bob, "{ services { namespace name } }").at("/data/services"))).containsExactly("other");
    assertThat(topologyNamespaces(bob)).containsExactly("other");
    JsonNode health = query(bob, "{ health(end: \"" + PAST + "\", rangeSeconds: 600, stepSeconds: 60) { id } }");
    assertThat(health.at("/data/health").toString()).doesNotContain("smm-demo").contains("other");
    assertThat(namespaces(query(bob, "{ istioResources { namespace name } }").at("/data/istioResources"))).containsExactly("other");
    assertThat(query(bob, "{ validationIssues(refresh: true) { findings { namespace } } }").at("/data/validationIssues").toString())
        .doesNotContain("smm-demo");

    // Asking for smm-demo by name is refused, not answered empty.
    for (String q : List.of("{ services(namespaces: [\"smm-demo\"]) { name } }",
        "{ workloads(namespaces: [\"smm-demo\"]) { name } }",
        "{ topology(namespaces: [\"smm-demo\"]) { nodes { id } } }",
        "{ istioResource(kind: \"VirtualService\", namespace: \"smm-demo\", name: \"catalog\") { name } }",
        "{ istioResources(namespace: \"smm-demo\") { name } }",
        "{ goldenSignals(kind: NAMESPACE, namespace: \"smm-demo\") { inbound { requestsPerSecond } } }",
        "{ pods(namespace: \"smm-demo\", selector: [{key: \"app\", value: \"catalog\"}]) { name } }",
        "{ events(namespace: \"smm-demo\") { reason } }",
        "{ controlPlanes { name } }")) {
      JsonNode answer = query(bob, q);
      assertThat(errorCode(answer)).as(q + " -> " + answer).isEqualTo("FORBIDDEN");
      assertThat(answer.path("data").toString()).as(q).doesNotContain("catalog").doesNotContain("frontpage");
    }

    // Validation looks at the whole mesh with the backend's identity: its findings would tell bob what smm-demo holds.
    JsonNode probe = http.graphql(bob, "query($y: String!) { validateIstioResource(yaml: $y) { issues { message } } }",
        Map.of("y", vs("smm-demo", "probe", "no-such-host"))).body();
    assertThat(errorCode(probe)).as("%s", probe).isEqualTo("FORBIDDEN");
    assertThat(probe.path("data").toString()).doesNotContain("no-such-host");

    // The Overview of someone who reads only some namespaces counts what is in those.
    assertThat(query(bob, "{ meshOverview { services { total } } }").at("/data/meshOverview/services/total").asInt()).isEqualTo(1);
    JsonNode slos = query(bob, "{ sloSummary { total } }");
    assertThat(slos.path("errors").isMissingNode()).as("the SLO summary of his namespaces: %s", slos).isTrue();

    String before = admin.genericKubernetesResources("networking.istio.io/v1beta1", "VirtualService").inNamespace("smm-demo")
        .withName("catalog").get().getMetadata().getResourceVersion();
    assertThat(errorCode(apply(bob, vs("smm-demo", "catalog", "catalog.smm-demo.svc.cluster.local")))).isEqualTo("FORBIDDEN");
    JsonNode create = apply(bob, vs("smm-demo", "bob-route", "no-such-host"));
    assertThat(errorCode(create)).isEqualTo("FORBIDDEN");
    assertThat(create.at("/errors/0/message").asText()).contains("User \"bob\" cannot create resource \"virtualservices\"")
        .contains("smm-demo").contains("nothing was written").doesNotContain("no-such-host");
    JsonNode delete = http.graphql(bob, "mutation { deleteIstioResource(kind: \"VirtualService\", namespace: \"smm-demo\", "
        + "name: \"catalog\") }").body();
    assertThat(errorCode(delete)).isEqualTo("FORBIDDEN");
    assertThat(delete.at("/errors/0/message").asText()).contains("bob").contains("delete");
    var after = admin.genericKubernetesResources("networking.istio.io/v1beta1", "VirtualService").inNamespace("smm-demo")
        .withName("catalog").get();
    assertThat(after.getMetadata().getResourceVersion()).as("untouched").isEqualTo(before);
    assertThat(admin.genericKubernetesResources("networking.istio.io/v1beta1", "VirtualService").inNamespace("smm-demo")
        .withName("bob-route").get()).isNull();

    try (ApiClient.Subscriptions ws = http.subscriptions()) {
      assertThat(ws.init(bob).path("type").asText()).isEqualTo("connection_ack");
      ws.subscribe("1", "subscription { tap(filter: {kind: \"ns\", namespace: \"smm-demo\"}) { entries { request { path } } } }");
      JsonNode m = ws.next();
      assertThat(m.toString()).as("tap refused").contains("\"code\":\"FORBIDDEN\"").contains("\"data\":null").contains("cannot get pods in namespace \\\"smm-demo\\\"");
      ws.subscribe("2", "subscription { namespaces { name } }");
      JsonNode list = ws.next();
      while (list != null && !list.path("id").asText().equals("2")) {
        list = ws.next(); // the refused tap's "complete"
      }
      assertThat(list.at("/payload/data/namespaces").toString()).contains("other").doesNotContain("smm-demo");
    }
  }

  @Test
  void theClusterAdminSeesEverything() throws Exception {
    assertThat(namespaces(query(root, "{ services { namespace name } }").at("/data/services"))).contains("smm-demo", "other");
    assertThat(topologyNamespaces(root)).contains("smm-demo", "other");
    assertThat(namespaces(query(root, "{ istioResources { namespace name } }").at("/data/istioResources"))).contains("smm-demo", "other");
    JsonNode overview = query(root, "{ meshOverview { requestsPerSecond services { total } } }");
    assertThat(overview.path("errors").isMissingNode()).as("%s", overview).isTrue();
    assertThat(overview.at("/data/meshOverview/services/total").asInt()).isGreaterThanOrEqualTo(2);
    try (ApiClient.Subscriptions ws = http.subscriptions()) {
      assertThat(ws.init(root).path("type").asText()).isEqualTo("connection_ack");
      ws.subscribe("1", "subscription { tap(filter: {kind: \"ns\", namespace: \"smm-demo\"}) { entries { request { path } } } }");
      JsonNode first = ws.messages.poll(1, TimeUnit.SECONDS);
      assertThat(first == null ? "" : first.path("type").asText()).as("subscribed, nothing refused: %s", first).isIn("", "next");
      assertThat(first == null ? "" : first.toString()).doesNotContain("errors");
    }
  }
}
