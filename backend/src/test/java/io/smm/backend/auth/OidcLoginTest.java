package io.smm.backend.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.api.crd.SmmCrds;
import io.smm.backend.ApiClient;
import io.smm.backend.http.ServerOptions;
import io.smm.backend.http.SmmServer;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.oidc.TestOidcProvider;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's OIDC login round trip against a provider run in the test: the ControlPlane's
 * spec.smm.auth.oidc (the seed's Dex example: email as user name, groups claim, "oidc:" prefixes)
 * turns jane into oidc:jane@example.org in group oidc:mesh-viewers, and RBAC bound to that group
 * decides what she sees.
 */
class OidcLoginTest {

  EmbeddedApiServer api;
  KubernetesClient admin;
  TestOidcProvider provider;
  SmmServer server;
  String base;
  ApiClient http;
  final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeEach
  void start() {
    provider = new TestOidcProvider("smm-app", "s3cret");
    api = EmbeddedApiServer.startWithRbac(0);
    admin = api.newClient();
    for (String ns : List.of("smm-system", "smm-demo")) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    }
    admin.services().inNamespace("smm-demo").resource(new ServiceBuilder().withNewMetadata().withName("catalog").endMetadata()
        .withNewSpec().addNewPort().withPort(80).endPort().endSpec().build()).create();
    admin.apiextensions().v1().customResourceDefinitions().resource(SmmCrds.crd(SmmCrds.CONTROL_PLANE)).create();
    admin.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind()).resource(
        new GenericKubernetesResourceBuilder().withApiVersion(SmmCrds.CONTROL_PLANE.apiVersion()).withKind("ControlPlane")
            .withNewMetadata().withName("smm").endMetadata()
            .addToAdditionalProperties("spec", Map.of("smm", Map.of("auth", Map.of("oidc", Map.of("enabled", true,
                "client", Map.of("id", "smm-app", "issuerURL", provider.issuer(), "secret", "s3cret"),
                "username", Map.of("claim", "email", "prefix", "oidc:"), "groups", Map.of("claim", "groups", "prefix", "oidc:"))))))
            .build()).create();
    admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("service-viewer").endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("services", "pods").withVerbs("get", "list").build()).build())
        .create();
    admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("mesh-viewers").endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "service-viewer")
        .withSubjects(new SubjectBuilder().withKind("Group").withName("oidc:mesh-viewers").withApiGroup("rbac.authorization.k8s.io")
            .build()).build()).create();
    server = new SmmServer(admin, "c1", URI.create("http://127.0.0.1:1/"));
    base = "http://127.0.0.1:" + server.start(new ServerOptions("127.0.0.1", 0, 0));
    http = new ApiClient(base);
  }

  @AfterEach
  void stop() {
    server.close();
    admin.close();
    api.close();
    provider.close();
  }

  HttpResponse<String> get(String url) throws Exception {
    return browser.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** What a browser does from "Log in with OIDC" until it is back on the dashboard; returns the last Location. */
  String loginThroughTheProvider() throws Exception {
    HttpResponse<String> toProvider = get(base + "/api/auth/oidc/login");
    assertThat(toProvider.statusCode()).isEqualTo(302);
    String authorize = toProvider.headers().firstValue("Location").orElseThrow();
    assertThat(authorize).startsWith(provider.issuer() + "/auth?").contains("code_challenge_method=S256").contains("nonce=")
        .contains("redirect_uri=" + URLEncoder.encode(base + "/auth/callback", StandardCharsets.UTF_8));
    HttpResponse<String> back = get(authorize);
    assertThat(back.statusCode()).isEqualTo(302);
    HttpResponse<String> callback = get(back.headers().firstValue("Location").orElseThrow());
    return callback.statusCode() + " " + callback.headers().firstValue("Location").orElse(callback.body());
  }

  @Test
  void anOidcUserBecomesOidcEmailWithPrefixedGroupsAndRbacDecides() throws Exception {
    JsonNode config = new ObjectMapper().readTree(get(base + "/api/auth/config").body());
    assertThat(config.path("oidc").asBoolean()).isTrue();
    provider.loginAs(new TestOidcProvider.User("CiQ1", "jane@example.org", List.of("mesh-viewers")));
    String landing = loginThroughTheProvider();
    assertThat(landing).startsWith("302 /#/login?token=");
    String loginToken = landing.substring(landing.indexOf("token=") + 6);

    ApiClient.Answer session = http.redeem(loginToken);
    assertThat(session.status()).isEqualTo(200);
    String jane = session.body().path("sessionToken").asText();
    JsonNode me = http.graphql(jane, "{ me { username groups } }").body().at("/data/me");
    assertThat(me.path("username").asText()).isEqualTo("oidc:jane@example.org");
    assertThat(me.path("groups").toString()).isEqualTo("[\"oidc:mesh-viewers\"]");
    assertThat(http.graphql(jane, "{ services { name } }").body().at("/data/services/0/name").asText()).isEqualTo("catalog");
    assertThat(http.graphql(jane, "mutation { deleteIstioResource(kind: \"VirtualService\", namespace: \"smm-demo\", name: \"x\") }")
        .body().at("/errors/0/extensions/code").asText()).isEqualTo("FORBIDDEN");
    assertThat(http.redeem(loginToken).status()).as("the login token works once").isEqualTo(401);

    provider.loginAs(new TestOidcProvider.User("CiQ2", "joe@example.org", List.of("contractors")));
    String joeToken = loginThroughTheProvider();
    String joe = http.redeem(joeToken.substring(joeToken.indexOf("token=") + 6)).body().path("sessionToken").asText();
    assertThat(http.graphql(joe, "{ services { name } }").body().at("/data/services").toString()).isEqualTo("[]");
    assertThat(http.graphql(joe, "{ services(namespaces: [\"smm-demo\"]) { name } }").body().at("/errors/0/extensions/code").asText())
        .isEqualTo("FORBIDDEN");
  }

  @Test
  void behindTheExposedDashboardsGatewayTheCallbackIsHttpsAndTheOlderCallbackPathStillWorks() throws Exception {
    HttpResponse<String> viaGateway = browser.send(HttpRequest.newBuilder(URI.create(base + "/api/auth/oidc/login"))
        .header("X-Forwarded-Proto", "https").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(viaGateway.headers().firstValue("Location").orElseThrow())
        .contains("redirect_uri=" + URLEncoder.encode(base.replace("http:", "https:") + "/auth/callback", StandardCharsets.UTF_8));

    provider.loginAs(new TestOidcProvider.User("CiQ1", "jane@example.org", List.of("mesh-viewers")));
    String authorize = get(base + "/api/auth/oidc/login").headers().firstValue("Location").orElseThrow();
    String callback = get(authorize).headers().firstValue("Location").orElseThrow();
    assertThat(callback).startsWith(base + "/auth/callback?");
    HttpResponse<String> legacy = get(callback.replace("/auth/callback?", "/api/auth/oidc/callback?"));
    assertThat(legacy.headers().firstValue("Location").orElseThrow()).startsWith("/#/login?token=");
  }

  @Test
  void aForgedStateAWrongAudienceOrAReplayedCodeIsRefused() throws Exception {
    provider.loginAs(new TestOidcProvider.User("CiQ1", "jane@example.org", List.of("mesh-viewers")));
    String authorize = get(base + "/api/auth/oidc/login").headers().firstValue("Location").orElseThrow();
    String callback = get(authorize).headers().firstValue("Location").orElseThrow();

    // Failures go back to the login window with the reason, never with a token.
    HttpResponse<String> forged = get(callback.replaceAll("state=[^&]+", "state=guessed"));
    assertThat(forged.headers().firstValue("Location").orElseThrow()).startsWith("/#/login?error=OIDC_FAILED");
    assertThat(get(callback).headers().firstValue("Location").orElseThrow()).as("the real state still works once")
        .startsWith("/#/login?token=");
    assertThat(get(callback).headers().firstValue("Location").orElseThrow()).as("a replayed callback does not")
        .startsWith("/#/login?error=OIDC_FAILED");

    provider.issueForAudience("another-app");
    String landing = loginThroughTheProvider();
    assertThat(landing).startsWith("302 /#/login?error=OIDC_FAILED").contains("aud+claim+rejected").doesNotContain("token=");
  }
}
