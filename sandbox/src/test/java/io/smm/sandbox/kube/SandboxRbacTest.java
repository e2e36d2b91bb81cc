package io.smm.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The sandbox API server with RBAC against what Kubernetes documents (Using RBAC Authorization,
 * Authenticating, User impersonation): Roles and ClusterRoles, RoleBindings and
 * ClusterRoleBindings, User/Group/ServiceAccount subjects, resourceNames, subresources,
 * non-resource URLs, 401/403, impersonation, TokenReview and SubjectAccessReview.
 */
class SandboxRbacTest {

  static EmbeddedApiServer api;
  static KubernetesClient admin;
  static KubernetesClient alice;
  static KubernetesClient bob;
  static KubernetesClient robot;

  @BeforeAll
  static void start() {
    api = EmbeddedApiServer.startWithRbac(0);
    admin = api.newClient();
    api.tokens().add("alice-token", "alice", "shop-readers");
    api.tokens().add("bob-token", "bob");
    api.tokens().add("robot-token", Identity.serviceAccount("shop", "robot"));
    alice = api.newClient("alice-token");
    bob = api.newClient("bob-token");
    robot = api.newClient("robot-token");
    for (String ns : List.of("shop", "other")) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
      admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("settings").endMetadata()
          .addToData("k", "v").build()).create();
      admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("secret-ish").endMetadata()
          .build()).create();
    }
    // Group shop-readers may read config maps in shop (Role + RoleBinding).
    admin.rbac().roles().inNamespace("shop").resource(new RoleBuilder().withNewMetadata().withName("reader").endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps", "pods", "pods/log").withVerbs("get", "list", "watch")
            .build()).build()).create();
    admin.rbac().roleBindings().inNamespace("shop").resource(new RoleBindingBuilder().withNewMetadata().withName("readers").endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", "reader")
        .withSubjects(new SubjectBuilder().withKind("Group").withName("shop-readers").build()).build()).create();
    // A ClusterRole bound by a RoleBinding grants only in that namespace; resourceNames restrict to one object.
    admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("settings-editor").endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps").withResourceNames("settings")
            .withVerbs("get", "update", "patch").build()).build()).create();
    admin.rbac().roleBindings().inNamespace("other").resource(new RoleBindingBuilder().withNewMetadata().withName("bob-settings")
        .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "settings-editor")
        .withSubjects(new SubjectBuilder().withKind("User").withName("bob").build()).build()).create();
    // A service account may list namespaces cluster-wide, and impersonate alice only.
    admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("ns-lister-impersonator").endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("namespaces").withVerbs("list").build(),
            new PolicyRuleBuilder().withApiGroups("").withResources("users").withResourceNames("alice").withVerbs("impersonate").build(),
            new PolicyRuleBuilder().withApiGroups("").withResources("groups").withResourceNames("shop-readers").withVerbs("impersonate").build())
        .build()).create();
    admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("robot").endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "ns-lister-impersonator")
        .withSubjects(new SubjectBuilder().withKind("ServiceAccount").withName("robot").withNamespace("shop").build()).build()).create();
  }

  @AfterAll
  static void stop() {
    for (KubernetesClient c : List.of(admin, alice, bob, robot)) {
      c.close();
    }
    api.close();
  }

  static void forbidden(Executable call, String message) {
    assertThatThrownBy(call::execute).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
      assertThat(e.getCode()).isEqualTo(403);
      assertThat(e.getStatus().getMessage()).isEqualTo(message);
    });
  }

  @Test
  void aRoleBindingGrantsItsRoleInItsNamespaceOnly() {
    assertThat(alice.configMaps().inNamespace("shop").list().getItems()).hasSize(2);
    assertThat(alice.configMaps().inNamespace("shop").withName("settings").get().getData()).containsEntry("k", "v");
    forbidden(() -> alice.configMaps().inNamespace("other").list(),
        "configmaps is forbidden: User \"alice\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"other\"");
    forbidden(() -> alice.configMaps().inNamespace("shop").resource(new ConfigMapBuilder().withNewMetadata().withName("new").endMetadata()
        .build()).create(),
        "configmaps is forbidden: User \"alice\" cannot create resource \"configmaps\" in API group \"\" in the namespace \"shop\"");
    forbidden(() -> alice.namespaces().list(),
        "namespaces is forbidden: User \"alice\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope");
    assertThat(admin.configMaps().inNamespace("shop").withName("new").get()).as("nothing written").isNull();
  }

  @Test
  void resourceNamesLimitAClusterRoleBoundInOneNamespace() {
    var settings = bob.configMaps().inNamespace("other").withName("settings").get();
    settings.getData().put("k", "changed by bob");
    bob.configMaps().inNamespace("other").resource(settings).update();
    assertThat(admin.configMaps().inNamespace("other").withName("settings").get().getData()).containsEntry("k", "changed by bob");
    forbidden(() -> bob.configMaps().inNamespace("other").withName("secret-ish").get(),
        "configmaps \"secret-ish\" is forbidden: User \"bob\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"other\"");
    forbidden(() -> bob.configMaps().inNamespace("other").list(),
        "configmaps is forbidden: User \"bob\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"other\"");
    forbidden(() -> bob.configMaps().inNamespace("shop").withName("settings").get(),
        "configmaps \"settings\" is forbidden: User \"bob\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"shop\"");
  }

  /** An aggregated ClusterRole grants the rules of the ClusterRoles its selectors match, as the aggregation controller makes it. */
  @Test
  void anAggregatedClusterRoleGrantsWhatItsSelectedRolesGrant() {
    api.tokens().add("carol-token", "carol");
    KubernetesClient carol = api.newClient("carol-token");
    admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("aggregate").endMetadata()
        .withNewAggregationRule().addNewClusterRoleSelector().addToMatchLabels("example.com/aggregate-to", "aggregate")
        .endClusterRoleSelector().endAggregationRule().build()).create();
    admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata().withName("carol-aggregate").endMetadata()
        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "aggregate")
        .withSubjects(new SubjectBuilder().withKind("User").withName("carol").build()).build()).create();
    forbidden(() -> carol.configMaps().inNamespace("shop").withName("secret-ish").get(), "configmaps \"secret-ish\" is forbidden: User "
        + "\"carol\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"shop\"");
    admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("part")
        .addToLabels("example.com/aggregate-to", "aggregate").endMetadata()
        .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps").withVerbs("get").build()).build()).create();
    assertThat(carol.configMaps().inNamespace("shop").withName("secret-ish").get()).isNotNull();
    carol.close();
  }

  /** The token controller's part: a service-account-token Secret gets a token that is that account to the API server. */
  @Test
  void aServiceAccountTokenSecretIsFilledWithATokenForThatAccount() {
    admin.secrets().inNamespace("shop").resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
        .withName("robot-token").addToAnnotations("kubernetes.io/service-account.name", "robot").endMetadata()
        .withType("kubernetes.io/service-account-token").build()).create();
    var filled = admin.secrets().inNamespace("shop").withName("robot-token").get().getData();
    assertThat(filled).containsKeys("token", "namespace");
    String token = new String(java.util.Base64.getDecoder().decode(filled.get("token")), java.nio.charset.StandardCharsets.UTF_8);
    try (KubernetesClient asRobot = api.newClient(token)) {
      assertThat(asRobot.namespaces().list().getItems()).isNotEmpty();
      forbidden(() -> asRobot.configMaps().inNamespace("shop").list(), "configmaps is forbidden: User \"system:serviceaccount:shop:robot\" "
          + "cannot list resource \"configmaps\" in API group \"\" in the namespace \"shop\"");
    }
    // Other Secrets are stored as written.
    admin.secrets().inNamespace("shop").resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
        .withName("plain").addToAnnotations("kubernetes.io/service-account.name", "robot").endMetadata().withType("Opaque").build()).create();
    assertThat(admin.secrets().inNamespace("shop").withName("plain").get().getData()).isNullOrEmpty();
  }

  /** As kube-apiserver's signed service-account tokens: valid after a restart while their Secret exists, not after it is deleted. */
  @Test
  void aStoredServiceAccountTokenStillAuthenticatesAfterARestartUntilItsSecretGoes(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    String token;
    int port;
    try (EmbeddedApiServer first = EmbeddedApiServer.startWithRbac(0, io.smm.sandbox.kube.storage.ClusterStore.durable(dir));
        KubernetesClient root = first.newClient()) {
      port = first.port();
      root.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
      root.secrets().inNamespace("shop").resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
          .withName("reader-token").addToAnnotations("kubernetes.io/service-account.name", "reader").endMetadata()
          .withType("kubernetes.io/service-account-token").build()).create();
      token = new String(java.util.Base64.getDecoder().decode(root.secrets().inNamespace("shop").withName("reader-token").get()
          .getData().get("token")), java.nio.charset.StandardCharsets.UTF_8);
    }
    try (EmbeddedApiServer again = EmbeddedApiServer.startWithRbac(port, io.smm.sandbox.kube.storage.ClusterStore.durable(dir));
        KubernetesClient root = again.newClient(); KubernetesClient reader = again.newClient(token)) {
      forbidden(() -> reader.configMaps().inNamespace("shop").list(), "configmaps is forbidden: User \"system:serviceaccount:shop:reader\" "
          + "cannot list resource \"configmaps\" in API group \"\" in the namespace \"shop\"");
      root.secrets().inNamespace("shop").withName("reader-token").delete();
      assertThatThrownBy(() -> reader.configMaps().inNamespace("shop").list())
          .isInstanceOfSatisfying(io.fabric8.kubernetes.client.KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
    }
  }

  @Test
  void serviceAccountsAreSubjectsAndClusterRoleBindingsGrantEverywhere() {
    assertThat(robot.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName()).contains("shop", "other");
    forbidden(() -> robot.configMaps().inNamespace("shop").list(), "configmaps is forbidden: User \"system:serviceaccount:shop:robot\" "
        + "cannot list resource \"configmaps\" in API group \"\" in the namespace \"shop\"");
  }

  @Test
  void impersonationNeedsTheImpersonateVerbForTheUserAndEachGroup() {
    Config asAlice = Config.fromKubeconfig(null, Kubeconfig.yaml(api.url()), null);
    asAlice.setOauthToken("robot-token");
    asAlice.setImpersonateUsername("alice");
    asAlice.setImpersonateGroups("shop-readers");
    try (KubernetesClient c = new KubernetesClientBuilder().withConfig(asAlice).build()) {
      assertThat(c.configMaps().inNamespace("shop").list().getItems()).hasSize(2);
      forbidden(() -> c.namespaces().list(),
          "namespaces is forbidden: User \"alice\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope");
    }
    Config asBob = Config.fromKubeconfig(null, Kubeconfig.yaml(api.url()), null);
    asBob.setOauthToken("robot-token");
    asBob.setImpersonateUsername("bob");
    try (KubernetesClient c = new KubernetesClientBuilder().withConfig(asBob).build()) {
      forbidden(() -> c.configMaps().inNamespace("other").withName("settings").get(), "users \"bob\" is forbidden: User "
          + "\"system:serviceaccount:shop:robot\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope");
    }
    Config adminAsBob = Config.fromKubeconfig(null, Kubeconfig.yaml(api.url()), null);
    adminAsBob.setImpersonateUsername("bob");
    try (KubernetesClient c = new KubernetesClientBuilder().withConfig(adminAsBob).build()) {
      assertThat(c.configMaps().inNamespace("other").withName("settings").get()).isNotNull();
      forbidden(() -> c.namespaces().list(),
          "namespaces is forbidden: User \"bob\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope");
    }
  }

  @Test
  void badTokensAre401AndAnonymousUsersSeeOnlyPublicInfo() throws Exception {
    try (KubernetesClient forged = api.newClient("forged-token")) {
      assertThatThrownBy(() -> forged.configMaps().inNamespace("shop").list())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
    }
    // The RBAC server speaks TLS with a certificate it makes itself (the kubeconfig skips verification).
    SSLContext tls = SSLContext.getInstance("TLS");
    // Extended, so the JDK does not add its own host name check around it (the certificate names no 127.0.0.1).
    tls.init(null, new TrustManager[] {new X509ExtendedTrustManager() {
      public void checkClientTrusted(X509Certificate[] c, String a) {}

      public void checkServerTrusted(X509Certificate[] c, String a) {}

      public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}

      public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}

      public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

      public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
    assertThat(api.url()).startsWith("https://");
    assertThat(http.send(HttpRequest.newBuilder(URI.create(api.url() + "/version")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);
    HttpResponse<String> pods = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/namespaces/shop/configmaps")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(pods.statusCode()).isEqualTo(403);
    assertThat(pods.body()).contains("User \\\"system:anonymous\\\" cannot list resource \\\"configmaps\\\"");
    assertThat(http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/v1")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).as("discovery is for authenticated users").isEqualTo(403);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/v1")).header("Authorization", "Bearer bob-token").build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
  }

  @Test
  void tokenReviewsAndSubjectAccessReviewsAnswerForOtherUsers() {
    var review = admin.authentication().v1().tokenReviews().create(new TokenReviewBuilder().withNewSpec().withToken("alice-token")
        .endSpec().build());
    assertThat(review.getStatus().getAuthenticated()).isTrue();
    assertThat(review.getStatus().getUser().getUsername()).isEqualTo("alice");
    assertThat(review.getStatus().getUser().getGroups()).containsExactly("shop-readers", "system:authenticated");
    assertThat(admin.authentication().v1().tokenReviews().create(new TokenReviewBuilder().withNewSpec().withToken("nope").endSpec()
        .build()).getStatus().getAuthenticated()).isFalse();

    var allowed = admin.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder().withNewSpec()
        .withUser("alice").withGroups("shop-readers").withNewResourceAttributes().withNamespace("shop").withVerb("get").withResource("pods")
        .endResourceAttributes().endSpec().build());
    assertThat(allowed.getStatus().getAllowed()).isTrue();
    assertThat(allowed.getStatus().getReason()).contains("RoleBinding \"readers/shop\"");
    var denied = admin.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder().withNewSpec()
        .withUser("alice").withGroups("shop-readers").withNewResourceAttributes().withNamespace("other").withVerb("get").withResource("pods")
        .endResourceAttributes().endSpec().build());
    assertThat(denied.getStatus().getAllowed()).isFalse();
    // Alice may not ask about others: creating a SubjectAccessReview needs its own permission.
    assertThatThrownBy(() -> alice.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder().withNewSpec()
        .withUser("bob").withNewResourceAttributes().withVerb("get").withResource("pods").endResourceAttributes().endSpec().build()))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
  }

  @Test
  void requestAttributesFollowKubernetesRequestInfo() {
    assertThat(RequestAttributes.of("GET", "/api/v1/namespaces/shop/pods?watch=true&resourceVersion=5"))
        .isEqualTo(new RequestAttributes("watch", "", "pods", "", "shop", "", null));
    assertThat(RequestAttributes.of("GET", "/api/v1/namespaces/shop/pods/p1/log"))
        .isEqualTo(new RequestAttributes("get", "", "pods", "log", "shop", "p1", null));
    assertThat(RequestAttributes.of("DELETE", "/apis/apps/v1/namespaces/shop/deployments"))
        .isEqualTo(new RequestAttributes("deletecollection", "apps", "deployments", "", "shop", "", null));
    assertThat(RequestAttributes.of("GET", "/api/v1/namespaces/shop"))
        .isEqualTo(new RequestAttributes("get", "", "namespaces", "", "shop", "shop", null));
    assertThat(RequestAttributes.of("GET", "/apis/apps/v1").isResourceRequest()).isFalse();
  }
}
