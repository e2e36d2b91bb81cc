package io.smm.backend.egress;

import java.util.List;
import java.util.Map;

/**
 * A Sidecar that allows what a workload (or a namespace) was seen calling: {@code hosts} in the
 * Sidecar's {@code namespace/host} form, {@code yaml} ready to save (with the existing Sidecar's
 * resourceVersion when it replaces one).
 */
public record EgressRecommendation(String namespace, String workload, String name, Map<String, String> selector, List<String> hosts,
    String yaml, boolean replacesExisting) {}
