package io.smm.backend.istio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smm.api.crd.SmmCrds;
import io.smm.sandbox.kube.EmbeddedApiServer;
import io.smm.sandbox.testing.IstioFixtures;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Saving Istio resources against an API server: what is refused, where, and that nothing is lost. */
class IstioConfigServiceTest {

  EmbeddedApiServer api;
  KubernetesClient client;
  IstioConfigService service;

  static final String VS = """
      apiVersion: networking.istio.io/v1beta1
      kind: VirtualService
      metadata:
        name: payments
        namespace: smm-demo
      spec:
        hosts:
        - payments
        http:
        - route:
          - destination:
              host: %s
      """;

  @BeforeEach
  void start() {
    api = EmbeddedApiServer.start(0);
    client = api.newClient();
    IstioFixtures.istioCrds(client);
    client.apiextensions().v1().customResourceDefinitions().resource(SmmCrds.crd(SmmCrds.ISTIO_MESH_GATEWAY)).create();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-demo").endMetadata().build()).create();
    client.services().inNamespace("smm-demo").resource(new ServiceBuilder().withNewMetadata().withName("payments").endMetadata()
        .withNewSpec().addToSelector("app", "payments").addNewPort().withName("http").withPort(8080).endPort().endSpec().build()).create();
    service = new IstioConfigService(client, () -> "master");
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  @Test
  void createsListsUpdatesAndDeletes() {
    ApplyResult created = service.apply(VS.formatted("payments"), false);
    assertThat(created.applied()).isTrue();
    assertThat(created.created()).isTrue();
    assertThat(service.list("smm-demo", null)).extracting(IstioResource::kind, IstioResource::name)
        .containsExactly(Tuple.tuple("VirtualService", "payments"));

    IstioResource loaded = service.get("vs", "smm-demo", "payments");
    String edited = loaded.yaml().replace("host: payments", "host: payments.smm-demo.svc.cluster.local");
    assertThat(edited).contains("resourceVersion");
    ApplyResult updated = service.apply(edited, false);
    assertThat(updated.applied()).isTrue();
    assertThat(updated.created()).isFalse();
    assertThat(service.get("VirtualService", "smm-demo", "payments").yaml()).contains("payments.smm-demo.svc.cluster.local");

    assertThat(service.delete("virtualservices", "smm-demo", "payments")).isTrue();
    assertThat(service.delete("virtualservices", "smm-demo", "payments")).isFalse();
    assertThat(service.list(null, "VirtualService")).isEmpty();
  }

  @Test
  void aStaleResourceVersionIsAConflictAndTheNewerChangeStays() {
    service.apply(VS.formatted("payments"), false);
    IstioResource first = service.get("vs", "smm-demo", "payments");
    service.apply(first.yaml().replace("- payments\n", "- payments\n  gateways:\n  - mesh\n"), false);

    String stale = first.yaml().replace("host: payments", "host: payments.smm-demo.svc.cluster.local");
    assertThatThrownBy(() -> service.apply(stale, false)).isInstanceOf(ResourceConflictException.class)
        .hasMessageContaining("was changed since you loaded it").hasMessageContaining("nothing was written");
    assertThat(service.get("vs", "smm-demo", "payments").yaml()).contains("mesh").doesNotContain("payments.smm-demo.svc.cluster.local");

    assertThatThrownBy(() -> service.apply(VS.formatted("payments"), false)).isInstanceOf(ResourceConflictException.class)
        .hasMessageContaining("already exists");

    // Validation says what the save would meet, through the same write as a server-side dry run.
    assertThat(service.validate(stale).issues()).filteredOn(Issue::blocking).singleElement().satisfies(i -> {
      assertThat(i.checkId()).isEqualTo("api/refused");
      assertThat(i.message()).contains("was changed since you loaded it");
    });
    assertThat(service.validate(VS.formatted("payments")).issues()).filteredOn(Issue::blocking)
        .extracting(Issue::message).singleElement().asString().contains("already exists");
    long versionBefore = Long.parseLong(service.get("vs", "smm-demo", "payments").resourceVersion());
    String another = VS.formatted("payments").replace("name: payments", "name: payments-canary");
    assertThat(service.validate(another).issues()).filteredOn(Issue::blocking).isEmpty();
    assertThat(service.get("vs", "smm-demo", "payments-canary")).as("a dry run writes nothing").isNull();
    assertThat(Long.parseLong(service.get("vs", "smm-demo", "payments").resourceVersion())).isEqualTo(versionBefore);
  }

  @Test
  void syntaxAndSchemaProblemsHaveLinesAndBlockSaving() {
    ResourceValidation syntax = service.validate("kind: VirtualService\nspec:\n  hosts: [payments\n");
    assertThat(syntax.blocked()).as("%s", syntax.issues()).isTrue();
    assertThat(syntax.issues()).singleElement().satisfies(i -> {
      assertThat(i.checkId()).isEqualTo("yaml/syntax");
      assertThat(i.line()).isGreaterThanOrEqualTo(3);
    });

    String typo = VS.formatted("payments").replace("- route:", "- rout:");
    ResourceValidation schema = service.validate(typo);
    assertThat(schema.blocked()).isTrue();
    assertThat(schema.issues()).anySatisfy(i -> {
      assertThat(i.path()).isEqualTo("spec.http[0].rout");
      assertThat(i.message()).contains("unknown field").contains("did you mean \"route\"");
      assertThat(i.line()).isEqualTo(10);
      assertThat(i.column()).isEqualTo(5);
    });
    String badEnum = """
        apiVersion: security.istio.io/v1beta1
        kind: PeerAuthentication
        metadata: {name: default, namespace: smm-demo}
        spec:
          mtls:
            mode: STRICTLY
        """;
    assertThat(service.validate(badEnum).issues()).anySatisfy(i -> {
      assertThat(i.message()).contains("must be one of UNSET, DISABLE, PERMISSIVE, STRICT");
      assertThat(i.line()).isEqualTo(6);
    });
    assertThatThrownBy(() -> service.apply(typo, true)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 10");
    assertThatThrownBy(() -> service.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: smm-demo}\nspec: {}\n", true))
        .hasMessageContaining("kind \"ConfigMap\" cannot be edited here");
    assertThat(service.list(null, null)).isEmpty();
  }

  @Test
  void meshErrorsNeedForceAndAreReportedAsOverridden() {
    String bad = VS.formatted("paymnets");
    ResourceValidation validation = service.validate(bad);
    assertThat(validation.blocked()).isFalse();
    assertThat(validation.issues()).singleElement().satisfies(i -> {
      assertThat(i.checkId()).isEqualTo("virtualservice/destination/host-not-found");
      assertThat(i.path()).isEqualTo("spec.http[0].route[0].destination.host");
      assertThat(i.line()).isEqualTo(12);
    });
    ApplyResult refused = service.apply(bad, false);
    assertThat(refused.applied()).isFalse();
    assertThat(service.list(null, null)).isEmpty();

    ApplyResult forced = service.apply(bad, true);
    assertThat(forced.applied()).isTrue();
    assertThat(forced.overridden()).extracting(Issue::checkId).containsExactly("virtualservice/destination/host-not-found");
  }

  @Test
  void aNamespaceTheUserCannotWriteIsAClearErrorAndNothingIsWritten() {
    try (EmbeddedApiServer rbacApi = EmbeddedApiServer.startWithRbac(0); KubernetesClient admin = rbacApi.newClient()) {
      IstioFixtures.istioCrds(admin);
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-demo").endMetadata().build()).create();
      admin.services().inNamespace("smm-demo").resource(new ServiceBuilder().withNewMetadata().withName("payments").endMetadata()
          .withNewSpec().addNewPort().withName("http").withPort(8080).endPort().endSpec().build()).create();
      // A viewer: may read everything (so validation sees the cluster), write nothing.
      admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata()
          .withName("viewer").endMetadata().withRules(new PolicyRuleBuilder().withApiGroups("*")
              .withResources("*").withVerbs("get", "list", "watch").build()).build()).create();
      admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
          .withName("viewer").endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "viewer")
          .withSubjects(new SubjectBuilder().withKind("User").withName("viewer").build()).build())
          .create();
      rbacApi.tokens().add("viewer-token", "viewer");
      try (KubernetesClient viewer = rbacApi.newClient("viewer-token")) {
        IstioConfigService asViewer = new IstioConfigService(viewer, () -> "master");
        assertThatThrownBy(() -> asViewer.apply(VS.formatted("payments"), false))
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
              assertThat(e.getCode()).isEqualTo(403);
              assertThat(e.getStatus().getMessage()).contains("User \"viewer\" cannot create resource \"virtualservices\" in API group "
                  + "\"networking.istio.io\" in the namespace \"smm-demo\"");
            });
        assertThat(asViewer.validate(VS.formatted("payments")).issues()).filteredOn(Issue::blocking)
            .extracting(Issue::message).singleElement().asString()
            .as("validation tells the viewer the save would be refused, as apply does")
            .contains("cannot create resource \"virtualservices\"");
        assertThat(new IstioConfigService(admin, () -> "master").list(null, null)).isEmpty();
      }
    }
  }

  @Test
  void everyTemplateRendersToAResourceWithoutBlockingIssues() {
    assertThat(IstioTemplates.ALL).hasSizeGreaterThanOrEqualTo(25);
    for (IstioTemplate t : IstioTemplates.ALL) {
      ResourceValidation v = service.validate(t.render(Map.of()));
      assertThat(v.blocked()).as("%s: %s", t.id(), v.issues()).isFalse();
      assertThat(v.kind()).isEqualTo(t.kind());
    }
    String rendered = IstioTemplates.require("virtualservice/fault-abort").render(Map.of("host", "*.example.com", "percentage", "100"));
    assertThat(rendered).contains("- \"*.example.com\"").contains("value: 100");
    assertThatThrownBy(() -> IstioTemplates.require("virtualservice/timeout").render(Map.of("timeuot", "1s")))
        .hasMessageContaining("has no parameter \"timeuot\"");
  }
}
