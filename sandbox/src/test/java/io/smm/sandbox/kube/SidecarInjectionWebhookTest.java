package io.smm.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.smm.sandbox.testing.DemoWorkloads;
import io.smm.sandbox.testing.SimulatedMesh;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pod admission as kube-apiserver does it with Istio's injection webhook registered: bare pods are injected too; generateName names. */
class SidecarInjectionWebhookTest {

  SimulatedMesh mesh;

  @BeforeEach
  void start() {
    mesh = new SimulatedMesh();
  }

  @AfterEach
  void stop() {
    mesh.close();
  }

  Pod create(String namespace, String generateName, boolean optOut) {
    PodBuilder pod = new PodBuilder().withNewMetadata().withGenerateName(generateName).addToLabels("app", "load").endMetadata()
        .withNewSpec().addNewContainer().withName("load").withImage("busybox").endContainer().endSpec();
    if (optOut) {
      pod.editMetadata().addToAnnotations("sidecar.istio.io/inject", "false").endMetadata();
    }
    return mesh.client.pods().inNamespace(namespace).resource(pod.build()).create();
  }

  @Test
  void aBarePodInAnInjectedNamespaceGetsTheSidecarAndAGeneratedName() {
    DemoWorkloads.namespace(mesh.client, "shop", true);
    DemoWorkloads.namespace(mesh.client, "plain", false);
    Pod injected = create("shop", "smm-load-", false);
    assertThat(injected.getMetadata().getName()).matches("smm-load-[bcdfghjklmnpqrstvwxz2456789]{5}");
    assertThat(injected.getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("load", "istio-proxy");
    assertThat(injected.getMetadata().getLabels()).containsEntry("security.istio.io/tlsMode", "istio");
    assertThat(injected.getMetadata().getAnnotations().get("sidecar.istio.io/status")).contains("\"revision\":\"cp-v115x.istio-system\"");
    assertThat(injected.getSpec().getInitContainers()).extracting(c -> c.getName()).containsExactly("istio-init");
    assertThat(create("shop", "opted-out-", true).getSpec().getContainers()).hasSize(1);
    assertThat(create("plain", "plain-", false).getSpec().getContainers()).hasSize(1);
    // The object-selector webhook: a pod labelled with a revision is injected in a namespace without one.
    Pod labelled = mesh.client.pods().inNamespace("plain").resource(new PodBuilder().withNewMetadata().withGenerateName("rev-")
        .addToLabels("istio.io/rev", "cp-v115x.istio-system").endMetadata()
        .withNewSpec().addNewContainer().withName("load").withImage("busybox").endContainer().endSpec().build()).create();
    assertThat(labelled.getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("load", "istio-proxy");
  }
}
