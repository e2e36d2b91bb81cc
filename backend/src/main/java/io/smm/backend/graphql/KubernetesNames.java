package io.smm.backend.graphql;

import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationFieldFetchParameters;
import graphql.schema.DataFetcher;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Names from the API become parts of Kubernetes URLs (pods/NAME:PORT/proxy, logs, gets): every
 * argument that names a namespace, pod, workload, service, container or resource is checked as
 * Kubernetes checks such names — a DNS-1123 label (namespaces, containers, services) or subdomain
 * (the rest) — before any resolver runs, so "../secrets" or "a/b" never reaches a path.
 */
final class KubernetesNames extends SimplePerformantInstrumentation {

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern SUBDOMAIN = Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** Argument name -> whether it is a label (else a subdomain). */
  private static final Map<String, Boolean> NAMES = Map.of("namespace", true, "namespaces", true, "container", true, "service", true,
      "name", false, "pod", false, "workload", false);

  @Override
  public DataFetcher<?> instrumentDataFetcher(DataFetcher<?> dataFetcher, InstrumentationFieldFetchParameters parameters,
      InstrumentationState state) {
    if (parameters.getExecutionStepInfo().getFieldDefinition().getArguments().stream().noneMatch(a -> NAMES.containsKey(a.getName()))) {
      return dataFetcher;
    }
    return env -> {
      env.getArguments().forEach((argument, value) -> {
        Boolean label = NAMES.get(argument);
        if (label != null) {
          check(argument, value, label);
        }
      });
      return dataFetcher.get(env);
    };
  }

  private static void check(String argument, Object value, boolean label) {
    if (value instanceof List<?> list) {
      list.forEach(v -> check(argument, v, label));
    } else if (value instanceof String name && !(label ? LABEL : SUBDOMAIN).matcher(name).matches()) {
      throw new IllegalArgumentException(argument + " must be a Kubernetes name (" + (label ? "DNS-1123 label" : "DNS-1123 subdomain")
          + ": lowercase letters, digits, '-'" + (label ? "" : " and '.'") + "), not \"" + name + "\"");
    }
  }
}
