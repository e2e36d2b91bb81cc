package io.smm.operator.istio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.smm.operator.resources.OwnershipLabels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an IstioControlPlane becomes, per revision, as the Istio operator lays it out: istiod
 * Deployment, Service and ServiceAccount, the mesh ConfigMap, the sidecar injector webhook bound
 * to namespaces labelled istio.io/rev=&lt;name&gt;.&lt;namespace&gt;, and istiod's RBAC.
 */
public final class IstiodResources {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private IstiodResources() {}

  public static String revision(GenericKubernetesResource icp) {
    return icp.getMetadata().getName() + "." + icp.getMetadata().getNamespace();
  }

  public static String istiodName(GenericKubernetesResource icp) {
    return "istiod-" + icp.getMetadata().getName();
  }

  @SuppressWarnings("unchecked")
  public static List<HasMetadata> of(GenericKubernetesResource icp) {
    String name = icp.getMetadata().getName();
    String ns = icp.getMetadata().getNamespace();
    String istiod = istiodName(icp);
    String revision = revision(icp);
    Map<String, Object> spec = (Map<String, Object>) icp.getAdditionalProperties().getOrDefault("spec", Map.of());
    String version = String.valueOf(spec.getOrDefault("version", "1.15.3"));
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", "istiod");
    labels.put("istio", "pilot");
    labels.put("istio.io/rev", revision);
    labels.put(OwnershipLabels.MANAGED_BY, OwnershipLabels.MANAGED_BY_VALUE);
    labels.put(OwnershipLabels.COMPONENT, "istiod");
    Map<String, String> selector = Map.of("app", "istiod", "istio.io/rev", revision);
    String mesh;
    try {
      mesh = YAML.writeValueAsString(spec.getOrDefault("meshConfig", Map.of()));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    int replicas = 1;
    Object istiodSpec = spec.get("istiod");
    if (istiodSpec instanceof Map<?, ?> m && m.get("deployment") instanceof Map<?, ?> d && d.get("replicas") instanceof Map<?, ?> r
        && r.get("count") instanceof Number n) {
      replicas = n.intValue();
    }
    return List.of(
        new ServiceAccountBuilder().withNewMetadata().withName(istiod).withNamespace(ns).withLabels(labels).endMetadata().build(),
        new ConfigMapBuilder().withNewMetadata().withName("istio-" + name).withNamespace(ns).withLabels(labels).endMetadata()
            .addToData("mesh", mesh).build(),
        new DeploymentBuilder().withNewMetadata().withName(istiod).withNamespace(ns).withLabels(labels).endMetadata()
            .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(selector).endSelector()
            .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
            .withNewSpec().withServiceAccountName(istiod).addNewContainer().withName("discovery")
            .withImage("docker.io/istio/pilot:" + version)
            .addNewPort().withName("grpc-xds").withContainerPort(15010).endPort()
            .addNewPort().withName("https-dns").withContainerPort(15012).endPort()
            .addNewPort().withName("https-webhook").withContainerPort(15017).endPort()
            .addNewPort().withName("http-monitoring").withContainerPort(15014).endPort()
            .addNewEnv().withName("REVISION").withValue(revision).endEnv()
            .endContainer().endSpec().endTemplate().endSpec().build(),
        new ServiceBuilder().withNewMetadata().withName(istiod).withNamespace(ns).withLabels(labels).endMetadata()
            .withNewSpec().withSelector(selector).withPorts(
                port("grpc-xds", 15010, 15010), port("https-dns", 15012, 15012),
                port("https-webhook", 443, 15017), port("http-monitoring", 15014, 15014)).endSpec().build(),
        new MutatingWebhookConfigurationBuilder().withNewMetadata().withName("istio-sidecar-injector-" + name + "-" + ns)
            .withLabels(labels).endMetadata()
            .addNewWebhook().withName("rev.namespace.sidecar-injector.istio.io").withAdmissionReviewVersions("v1")
            .withSideEffects("None").withFailurePolicy("Fail")
            .withNewClientConfig().withNewService().withName(istiod).withNamespace(ns).withPath("/inject").withPort(443)
            .endService().endClientConfig()
            .withNewNamespaceSelector().addNewMatchExpression().withKey("istio.io/rev").withOperator("In")
            .withValues(revision).endMatchExpression().endNamespaceSelector()
            .addNewRule().withOperations("CREATE").withApiGroups("").withApiVersions("v1").withResources("pods").endRule()
            .endWebhook().build(),
        new ClusterRoleBuilder().withNewMetadata().withName("istiod-" + name + "-" + ns).withLabels(labels).endMetadata()
            .addNewRule().withApiGroups("", "networking.istio.io", "security.istio.io", "discovery.k8s.io")
            .withResources("*").withVerbs("get", "list", "watch").endRule().build(),
        new ClusterRoleBindingBuilder().withNewMetadata().withName("istiod-" + name + "-" + ns).withLabels(labels).endMetadata()
            .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("istiod-" + name + "-" + ns)
            .endRoleRef().addNewSubject().withKind("ServiceAccount").withName(istiod).withNamespace(ns).endSubject().build());
  }

  private static io.fabric8.kubernetes.api.model.ServicePort port(String name, int port, int target) {
    return new ServicePortBuilder().withName(name).withPort(port).withTargetPort(new IntOrString(target)).build();
  }
}
