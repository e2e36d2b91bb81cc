package io.smm.backend.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.backend.http.ServerOptions;
import io.smm.backend.http.SmmServer;
import io.smm.sandbox.kube.ClusterSeed;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.IstioFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a VM's agent gets for a WorkloadGroup from the backend, against the RBAC sandbox API server:
 * the files istioctl's workload entry configure would write, only for the token of the group's
 * service account, and a clear refusal otherwise.
 */
class VmBootstrapServiceTest {

  static EmbeddedApiServer api;
  static KubernetesClient admin;
  static VmBootstrapService service;
  static String defaultToken;
  static String otherToken;

  @BeforeAll
  static void cluster() {
    api = EmbeddedApiServer.startWithRbac(0);
    admin = api.newClient();
    ClusterSeed.apply(admin);
    IstioFixtures.istioCrds(admin);
    IstioFixtures.controlPlane(admin, Map.of("version", "1.15.3", "meshID", "mesh1", "clusterID", "primary", "networkName", "network1"));
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-demo")
        .addToLabels("istio.io/rev", "cp-v115x.istio-system").endMetadata().build()).create();
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("plain").endMetadata().build()).create();
    admin.configMaps().inNamespace("istio-system").resource(new ConfigMapBuilder().withNewMetadata().withName("istio-cp-v115x.istio-system")
        .addToLabels("istio", "meshconfig").addToLabels("istio.io/rev", "cp-v115x.istio-system").endMetadata()
        .addToData("mesh", """
            defaultConfig:
              envoyAccessLogService:
                address: smm-als.smm-system.svc.cluster.local:50600
              meshId: mesh1
              proxyMetadata:
                ISTIO_META_ALS_ENABLED: "true"
              tracing:
                sampling: 1.0
                zipkin:
                  address: smm-zipkin.smm-system.svc.cluster.local:59411
            trustDomain: cluster.local
            """).build()).create();
    admin.configMaps().inNamespace("smm-demo").resource(new ConfigMapBuilder().withNewMetadata().withName("istio-ca-root-cert").endMetadata()
        .addToData("root-cert.pem", "-----BEGIN CERTIFICATE-----\nROOT\n-----END CERTIFICATE-----\n").build()).create();
    admin.services().inNamespace("istio-system").resource(new ServiceBuilder().withNewMetadata().withName("istio-meshexpansion-cp-v115x")
        .endMetadata().withNewSpec().withType("LoadBalancer").addNewPort().withName("tls-istiod").withPort(15012).endPort().endSpec()
        .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("203.0.113.7").endIngress().endLoadBalancer().endStatus().build())
        .create();
    admin.genericKubernetesResources("networking.istio.io/v1beta1", "WorkloadGroup").inNamespace("smm-demo").resource(
        new GenericKubernetesResourceBuilder().withApiVersion("networking.istio.io/v1beta1").withKind("WorkloadGroup")
            .withNewMetadata().withName("analytics-v0").withNamespace("smm-demo").endMetadata()
            .addToAdditionalProperties("spec", Map.of(
                "metadata", Map.of("labels", Map.of("app", "analytics", "version", "v0")),
                "probe", Map.of("httpGet", Map.of("path", "/", "host", "127.0.0.1", "port", 8080, "scheme", "HTTP")),
                "template", Map.of("network", "vm-network-1", "ports", Map.of("http", 8080, "grpc", 8082, "tcp", 8083),
                    "serviceAccount", "default"))).build()).create();
    defaultToken = token("smm-demo", "default");
    admin.serviceAccounts().inNamespace("smm-demo").resource(new ServiceAccountBuilder().withNewMetadata().withName("other")
        .endMetadata().build()).create();
    otherToken = token("smm-demo", "other");
    service = new VmBootstrapService(admin);
  }

  /** Kubernetes 1.24+: the seed's way, a token Secret made by hand for the account. */
  static String token(String namespace, String account) {
    var secret = admin.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(account + "-vm-token")
        .addToAnnotations("kubernetes.io/service-account.name", account).endMetadata()
        .withType("kubernetes.io/service-account-token").build()).create();
    return new String(Base64.getDecoder().decode(secret.getData().get("token")));
  }

  @AfterAll
  static void stop() {
    admin.close();
    api.close();
  }

  @Test
  void theGroupsServiceAccountGetsWhatIstioctlWouldWrite() throws Exception {
    VmBootstrap b = service.bootstrap("smm-demo", "analytics-v0", defaultToken);

    assertThat(b.revision()).isEqualTo("cp-v115x.istio-system");
    assertThat(b.istioVersion()).isEqualTo("1.15.3");
    assertThat(b.network()).isEqualTo("vm-network-1");
    assertThat(b.clusterId()).isEqualTo("primary");
    assertThat(b.discoveryAddress()).isEqualTo("istiod-cp-v115x.istio-system.svc:15012");
    assertThat(b.gatewayAddresses()).containsExactly("203.0.113.7");
    assertThat(b.files()).containsOnlyKeys(VmBootstrap.FILE_NAMES);
    // What the VM's Envoy resolves itself (istiod, the access log and span collectors) is at the meshexpansion gateway.
    assertThat(b.files().get("hosts")).isEqualTo("203.0.113.7 istiod-cp-v115x.istio-system.svc\n"
        + "203.0.113.7 smm-als.smm-system.svc.cluster.local\n203.0.113.7 smm-zipkin.smm-system.svc.cluster.local\n");
    assertThat(b.files().get("root-cert.pem")).contains("ROOT");
    assertThat(b.files().get("cluster.env")).contains("ISTIO_META_AUTO_REGISTER_GROUP=analytics-v0\n", "ISTIO_META_NETWORK=vm-network-1\n",
        "ISTIO_NAMESPACE=smm-demo\n",
        "SERVICE_ACCOUNT=default\n", "CANONICAL_SERVICE=analytics\n", "CANONICAL_REVISION=v0\n", "ISTIO_LOCAL_EXCLUDE_PORTS=22,15090,15021,15020\n",
        "ISTIO_META_ALS_ENABLED=true\n");
    // the group's ports in name order (grpc, http, tcp), as pilot-agent captures them
    assertThat(b.files().get("cluster.env")).contains("ISTIO_INBOUND_PORTS=8082,8080,8083\n");
    JsonNode mesh = new ObjectMapper(new YAMLFactory()).readTree(b.files().get("mesh.yaml")).path("defaultConfig");
    assertThat(mesh.path("discoveryAddress").asText()).isEqualTo("istiod-cp-v115x.istio-system.svc:15012");
    assertThat(mesh.at("/readinessProbe/httpGet/port").asInt()).isEqualTo(8080);
    assertThat(mesh.at("/tracing/sampling").asDouble()).isEqualTo(1.0); // the mesh's own proxy defaults are kept
    JsonNode labels = Serialization.jsonMapper().readTree(mesh.at("/proxyMetadata/ISTIO_METAJSON_LABELS").asText());
    assertThat(labels.path("app").asText()).isEqualTo("analytics");
    assertThat(labels.path("service.istio.io/canonical-revision").asText()).isEqualTo("v0");
  }

  @Test
  void refusalsSayWhatIsWrong() {
    assertThatThrownBy(() -> service.bootstrap("smm-demo", "analytics-v0", "not-a-token"))
        .isInstanceOfSatisfying(VmBootstrapException.class, e -> assertThat(e.status()).isEqualTo(401))
        .hasMessageContaining("bearer token rejected");
    assertThatThrownBy(() -> service.bootstrap("smm-demo", "analytics-v0", otherToken))
        .isInstanceOfSatisfying(VmBootstrapException.class, e -> assertThat(e.status()).isEqualTo(403))
        .hasMessageContaining("system:serviceaccount:smm-demo:other").hasMessageContaining("runs as service account default");
    assertThatThrownBy(() -> service.bootstrap("smm-demo", "analytics-v9", defaultToken))
        .isInstanceOfSatisfying(VmBootstrapException.class, e -> assertThat(e.status()).isEqualTo(404))
        .hasMessage("WorkloadGroup smm-demo/analytics-v9 not found");
  }

  @Test
  void theRouteNeedsNoSessionButAToken() throws Exception {
    try (SmmServer server = new SmmServer(admin, "primary", URI.create("http://127.0.0.1:9"))) {
      int port = server.start(new ServerOptions("127.0.0.1", 0, ServerOptions.NO_ALS));
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + VmRoutes.PATH + "/smm-demo/analytics-v0"));
      HttpResponse<String> none = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.body()).contains("no bearer token");
      HttpResponse<String> ok = http.send(request.header("Authorization", "Bearer " + defaultToken).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ok.statusCode()).isEqualTo(200);
      JsonNode body = Serialization.jsonMapper().readTree(ok.body());
      assertThat(body.path("workloadGroup").asText()).isEqualTo("analytics-v0");
      assertThat(body.at("/files/hosts").asText()).startsWith("203.0.113.7 ");

      // The installer names the dashboard as the VM reached it; the jar is served only from a distribution.
      HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + AgentDownloads.SCRIPT)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(script.statusCode()).isEqualTo(200);
      assertThat(script.body()).startsWith("#!/usr/bin/env bash").contains("base='http://127.0.0.1:" + port + "'")
          .contains("systemctl enable smm-agent").doesNotContain("@BASE_URL@");
      HttpResponse<String> jar = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + AgentDownloads.JAR)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(jar.statusCode()).isEqualTo(404);
      assertThat(jar.body()).contains("development build");
    }
  }
}
