package io.smm.backend.validation;

import java.util.Map;

/**
 * One failed check on one resource. {@code path} is the field in the resource's YAML
 * ("spec.http[0].route[1].destination.subset"); {@code context} the values that explain it, as
 * the seed's "Context:" block ({@code port: 9443}); {@code istio} the matching Istio analyzer
 * message, null when Istio has none.
 */
public record Finding(String checkId, Severity severity, KubeObject subject, String path, String message,
    String istioRevision, Map<String, String> context, IstioMessage istio) {}
