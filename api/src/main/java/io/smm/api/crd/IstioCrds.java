package io.smm.api.crd;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * Istio's own CRDs (networking and security), as the Istio operator part installs them, and the
 * few foreign kinds the product writes (PrometheusRule, cert-manager's Certificate/Issuer). Their
 * schemas are left open (x-kubernetes-preserve-unknown-fields): the product validates Istio
 * resources itself, with field paths, before it writes them.
 */
public final class IstioCrds {

  /** One Istio kind. */
  public record IstioKind(String group, String version, String kind, String plural, List<String> shortNames) {
    public String apiVersion() {
      return group + "/" + version;
    }
  }

  public static final IstioKind VIRTUAL_SERVICE = new IstioKind("networking.istio.io", "v1beta1", "VirtualService", "virtualservices", List.of("vs"));
  public static final IstioKind DESTINATION_RULE = new IstioKind("networking.istio.io", "v1beta1", "DestinationRule", "destinationrules", List.of("dr"));

  public static final List<IstioKind> ALL = List.of(
      VIRTUAL_SERVICE, DESTINATION_RULE,
      new IstioKind("networking.istio.io", "v1beta1", "Gateway", "gateways", List.of("gw")),
      new IstioKind("networking.istio.io", "v1beta1", "ServiceEntry", "serviceentries", List.of("se")),
      new IstioKind("networking.istio.io", "v1beta1", "Sidecar", "sidecars", List.of()),
      new IstioKind("networking.istio.io", "v1beta1", "WorkloadEntry", "workloadentries", List.of("we")),
      new IstioKind("networking.istio.io", "v1beta1", "WorkloadGroup", "workloadgroups", List.of("wg")),
      // istiod's telemetry filters (stats-filter-*, tcp-stats-filter-*) are rendered as v1alpha3, Istio's storage version.
      new IstioKind("networking.istio.io", "v1alpha3", "EnvoyFilter", "envoyfilters", List.of()),
      new IstioKind("security.istio.io", "v1beta1", "PeerAuthentication", "peerauthentications", List.of("pa")),
      new IstioKind("security.istio.io", "v1beta1", "AuthorizationPolicy", "authorizationpolicies", List.of()),
      new IstioKind("security.istio.io", "v1beta1", "RequestAuthentication", "requestauthentications", List.of("ra")));

  /** The prometheus-operator's PrometheusRule, where SLO rules go (installed when absent, like Istio's). */
  public static final IstioKind PROMETHEUS_RULE = new IstioKind("monitoring.coreos.com", "v1", "PrometheusRule", "prometheusrules",
      List.of("promrule"));

  /** cert-manager's Certificate and Issuer, for gateway TLS with Let's Encrypt (installed when absent, like Istio's). */
  public static final IstioKind CERTIFICATE = new IstioKind("cert-manager.io", "v1", "Certificate", "certificates", List.of("cert"));
  public static final IstioKind ISSUER = new IstioKind("cert-manager.io", "v1", "Issuer", "issuers", List.of());

  private IstioCrds() {}

  private static String partOf(IstioKind k) {
    return k.group().endsWith("istio.io") ? "istio" : k.group().equals("cert-manager.io") ? "cert-manager" : "prometheus-operator";
  }

  public static CustomResourceDefinition crd(IstioKind k) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(k.plural() + "." + k.group())
        .addToLabels("app.kubernetes.io/part-of", partOf(k)).endMetadata()
        .withNewSpec().withGroup(k.group()).withScope("Namespaced")
        .withNewNames().withKind(k.kind()).withPlural(k.plural()).withSingular(k.kind().toLowerCase()).withListKind(k.kind() + "List")
        .withShortNames(k.shortNames()).addToCategories(k.group().endsWith("istio.io") ? "istio-io" : partOf(k)).endNames()
        .withVersions(versions(k))
        .endSpec().build();
  }

  /**
   * The version the product reads and writes (stored), then the other versions Istio 1.15's own CRDs
   * serve for the kind: its networking kinds are v1alpha3 and v1beta1 alike (the seed writes
   * WorkloadGroups as v1alpha3, the istio-operator's charts render Gateways as v1alpha3), with no
   * conversion but the apiVersion.
   */
  static List<CustomResourceDefinitionVersion> versions(IstioKind k) {
    List<String> names = new ArrayList<>(List.of(k.version()));
    if (k.group().equals("networking.istio.io") && !k.version().equals("v1alpha3")) {
      names.add("v1alpha3");
    }
    return names.stream().map(v -> new CustomResourceDefinitionVersionBuilder().withName(v).withServed(true)
        .withStorage(v.equals(k.version()))
        .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema().endSchema().withNewSubresources().withNewStatus().endStatus().endSubresources().build()).toList();
  }
}
