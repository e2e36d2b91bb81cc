package io.smm.backend.validation;

/**
 * The messages of Istio's configuration analyzers ({@code istioctl analyze}) that our checks
 * report, with Istio's code, name and level (istio/istio pkg/config/analysis/msg/messages.yaml).
 * Users search for these codes and match them in CI rules, so they are copied exactly.
 */
public enum IstioMessage {
  DEPRECATED("IST0002", "Deprecated", Severity.WARNING),
  REFERENCED_RESOURCE_NOT_FOUND("IST0101", "ReferencedResourceNotFound", Severity.ERROR),
  NAMESPACE_NOT_INJECTED("IST0102", "NamespaceNotInjected", Severity.INFO),
  POD_MISSING_PROXY("IST0103", "PodMissingProxy", Severity.WARNING),
  CONFLICTING_MESH_GATEWAY_VIRTUAL_SERVICE_HOSTS("IST0109", "ConflictingMeshGatewayVirtualServiceHosts", Severity.ERROR),
  CONFLICTING_SIDECAR_WORKLOAD_SELECTORS("IST0110", "ConflictingSidecarWorkloadSelectors", Severity.ERROR),
  MULTIPLE_SIDECARS_WITHOUT_WORKLOAD_SELECTORS("IST0111", "MultipleSidecarsWithoutWorkloadSelectors", Severity.ERROR),
  VIRTUAL_SERVICE_DESTINATION_PORT_SELECTOR_REQUIRED("IST0112", "VirtualServiceDestinationPortSelectorRequired", Severity.ERROR),
  DEPLOYMENT_ASSOCIATED_TO_MULTIPLE_SERVICES("IST0116", "DeploymentAssociatedToMultipleServices", Severity.WARNING),
  PORT_NAME_IS_NOT_UNDER_NAMING_CONVENTION("IST0118", "PortNameIsNotUnderNamingConvention", Severity.INFO),
  NAMESPACE_MULTIPLE_INJECTION_LABELS("IST0123", "NamespaceMultipleInjectionLabels", Severity.WARNING),
  UNKNOWN_MESH_NETWORKS_SERVICE_REGISTRY("IST0126", "UnknownMeshNetworksServiceRegistry", Severity.ERROR),
  NO_MATCHING_WORKLOADS_FOUND("IST0127", "NoMatchingWorkloadsFound", Severity.WARNING),
  NO_SERVER_CERTIFICATE_VERIFICATION_DESTINATION_LEVEL("IST0128", "NoServerCertificateVerificationDestinationLevel", Severity.WARNING),
  NO_SERVER_CERTIFICATE_VERIFICATION_PORT_LEVEL("IST0129", "NoServerCertificateVerificationPortLevel", Severity.WARNING),
  VIRTUAL_SERVICE_UNREACHABLE_RULE("IST0130", "VirtualServiceUnreachableRule", Severity.WARNING),
  VIRTUAL_SERVICE_INEFFECTIVE_MATCH("IST0131", "VirtualServiceIneffectiveMatch", Severity.INFO),
  VIRTUAL_SERVICE_HOST_NOT_FOUND_IN_GATEWAY("IST0132", "VirtualServiceHostNotFoundInGateway", Severity.WARNING),
  SERVICE_ENTRY_ADDRESSES_REQUIRED("IST0134", "ServiceEntryAddressesRequired", Severity.WARNING),
  DEPLOYMENT_CONFLICTING_PORTS("IST0137", "DeploymentConflictingPorts", Severity.WARNING),
  GATEWAY_DUPLICATE_CERTIFICATE("IST0138", "GatewayDuplicateCertificate", Severity.WARNING),
  INVALID_WEBHOOK("IST0139", "InvalidWebhook", Severity.ERROR),
  INGRESS_ROUTE_RULES_NOT_AFFECTED("IST0140", "IngressRouteRulesNotAffected", Severity.WARNING),
  INVALID_APPLICATION_UID("IST0144", "InvalidApplicationUID", Severity.WARNING),
  CONFLICTING_GATEWAYS("IST0145", "ConflictingGateways", Severity.ERROR),
  IMAGE_AUTO_WITHOUT_INJECTION_WARNING("IST0146", "ImageAutoWithoutInjectionWarning", Severity.WARNING),
  IMAGE_AUTO_WITHOUT_INJECTION_ERROR("IST0147", "ImageAutoWithoutInjectionError", Severity.ERROR),
  NAMESPACE_INJECTION_ENABLED_BY_DEFAULT("IST0148", "NamespaceInjectionEnabledByDefault", Severity.INFO),
  JWT_CLAIM_BASED_ROUTING_WITHOUT_REQUEST_AUTHN("IST0149", "JwtClaimBasedRoutingWithoutRequestAuthN", Severity.ERROR),
  EXTERNAL_NAME_SERVICE_TYPE_INVALID_PORT_NAME("IST0150", "ExternalNameServiceTypeInvalidPortName", Severity.WARNING),
  ENVOY_FILTER_USES_RELATIVE_OPERATION("IST0151", "EnvoyFilterUsesRelativeOperation", Severity.WARNING),
  ENVOY_FILTER_USES_REPLACE_OPERATION_INCORRECTLY("IST0152", "EnvoyFilterUsesReplaceOperationIncorrectly", Severity.ERROR),
  ENVOY_FILTER_USES_ADD_OPERATION_INCORRECTLY("IST0153", "EnvoyFilterUsesAddOperationIncorrectly", Severity.ERROR),
  ENVOY_FILTER_USES_REMOVE_OPERATION_INCORRECTLY("IST0154", "EnvoyFilterUsesRemoveOperationIncorrectly", Severity.ERROR),
  ENVOY_FILTER_USES_RELATIVE_OPERATION_WITH_PROXY_VERSION("IST0155", "EnvoyFilterUsesRelativeOperationWithProxyVersion", Severity.WARNING),
  INVALID_TELEMETRY_PROVIDER("IST0157", "InvalidTelemetryProvider", Severity.WARNING),
  PODS_ISTIO_PROXY_IMAGE_MISMATCH_IN_NAMESPACE("IST0158", "PodsIstioProxyImageMismatchInNamespace", Severity.WARNING),
  CONFLICTING_TELEMETRY_WORKLOAD_SELECTORS("IST0159", "ConflictingTelemetryWorkloadSelectors", Severity.ERROR),
  MULTIPLE_TELEMETRIES_WITHOUT_WORKLOAD_SELECTORS("IST0160", "MultipleTelemetriesWithoutWorkloadSelectors", Severity.ERROR),
  INVALID_GATEWAY_CREDENTIAL("IST0161", "InvalidGatewayCredential", Severity.ERROR),
  GATEWAY_PORT_NOT_DEFINED_ON_SERVICE("IST0162", "GatewayPortNotDefinedOnService", Severity.WARNING),
  REFERENCED_INTERNAL_GATEWAY("IST0165", "ReferencedInternalGateway", Severity.WARNING),
  INEFFECTIVE_POLICY("IST0167", "IneffectivePolicy", Severity.WARNING),
  NEGATIVE_CONDITION_STATUS("IST0171", "NegativeConditionStatus", Severity.WARNING),
  DESTINATION_RULE_SUBSET_NOT_SELECT_PODS("IST0173", "DestinationRuleSubsetNotSelectPods", Severity.ERROR),
  UNKNOWN_DESTINATION_RULE_HOST("IST0174", "UnknownDestinationRuleHost", Severity.WARNING),
  CONFLICTING_SERVICE_ENTRY_PROTOCOL("IST0177", "ConflictingServiceEntryProtocol", Severity.WARNING);

  private final String code;
  private final String messageName;
  private final Severity level;

  IstioMessage(String code, String messageName, Severity level) {
    this.code = code;
    this.messageName = messageName;
    this.level = level;
  }

  /** "IST0101". */
  public String code() {
    return code;
  }

  /** "ReferencedResourceNotFound". */
  public String messageName() {
    return messageName;
  }

  /** The level Istio reports the message with. */
  public Severity level() {
    return level;
  }
}
