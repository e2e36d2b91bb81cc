package io.smm.backend.istio;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.smm.api.crd.IstioCrds;
import io.smm.api.crd.IstioCrds.IstioKind;
import io.smm.api.crd.SmmCrds;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The kinds users list, edit and validate through the Istio resources API. */
public final class IstioConfigKinds {

  public static final List<IstioKind> ALL = List.of(
      IstioCrds.VIRTUAL_SERVICE, IstioCrds.DESTINATION_RULE, byName("Gateway"), byName("ServiceEntry"), byName("Sidecar"),
      byName("PeerAuthentication"), byName("AuthorizationPolicy"),
      of(SmmCrds.ISTIO_MESH_GATEWAY));

  private IstioConfigKinds() {}

  /** One of our own kinds (IstioMeshGateway, IstioControlPlane) in the same shape as Istio's. */
  public static IstioKind of(SmmCrds.Kind k) {
    return new IstioKind(k.group(), k.version(), k.kind(), k.plural(), k.shortNames());
  }

  private static IstioKind byName(String kind) {
    return IstioCrds.ALL.stream().filter(k -> k.kind().equals(kind)).findFirst().orElseThrow();
  }

  /** By kind name, plural or short name, any case ("vs", "VirtualService", "virtualservices"). */
  public static Optional<IstioKind> find(String name) {
    String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
    return ALL.stream().filter(k -> k.kind().toLowerCase(Locale.ROOT).equals(n) || k.plural().equals(n) || k.shortNames().contains(n))
        .findFirst();
  }

  /** Addresses a kind by its plural, so no discovery call is needed and a missing CRD is a plain 404. */
  public static ResourceDefinitionContext context(IstioKind k) {
    return new ResourceDefinitionContext.Builder().withGroup(k.group()).withVersion(k.version())
        .withKind(k.kind()).withPlural(k.plural()).withNamespaced(true).build();
  }

  /** By the exact kind name only, as a resource's {@code kind:} field must be written. */
  public static Optional<IstioKind> byKind(String kind) {
    return ALL.stream().filter(k -> k.kind().equals(kind)).findFirst();
  }

  public static IstioKind require(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException("unknown kind \"" + name + "\"; one of "
        + String.join(", ", ALL.stream().map(IstioKind::kind).toList())));
  }
}
