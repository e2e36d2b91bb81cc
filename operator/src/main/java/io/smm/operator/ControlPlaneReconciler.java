package io.smm.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.smm.api.controlplane.ControlPlaneInput;
import io.smm.api.controlplane.ControlPlaneSupport;
import io.fabric8.kubernetes.api.model.Secret;
import io.smm.operator.components.RegistryAccessComponent;
import io.smm.operator.resources.OwnershipLabels;
import java.util.Set;
import io.smm.api.crd.SmmCrds;
import io.smm.api.schema.InvalidResourceException;
import io.smm.api.schema.SchemaValidator;
import io.smm.operator.components.Component;
import io.smm.operator.components.ControlPlaneConfig;
import io.smm.operator.components.ControlPlaneDefaults;
import io.smm.operator.istio.IstioControlPlaneReconciler;
import io.smm.operator.istio.PeerControlPlanes;
import io.smm.operator.istio.MeshGatewayReconciler;
import io.smm.operator.istio.render.IstioRendering;
import io.smm.operator.resources.ApplyOutcome;
import io.smm.operator.resources.DesiredResource;
import io.smm.operator.resources.ResourceApplier;
import io.smm.operator.resources.ResourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one reconcile flow behind `smm install`, `smm reconcile` and the operator, as a chain of
 * named steps (Strimzi's KafkaReconciler): {@link #validate} once → the components' present
 * resources in order (the CRDs are the first component) → their absent ones in reverse order →
 * the Istio control planes → the ControlPlane's status. Writes nothing when the cluster already
 * matches.
 *
 * <p>Who reconciles IstioControlPlanes and IstioMeshGateways: with {@link IstioOwnership#INLINE}
 * (the CLI, and `smm sandbox up`, where no operator runs) this reconcile does, and waits for them;
 * with {@link IstioOwnership#CONTROLLERS} (`smm operator`) their own controllers do, watch-driven,
 * and this reconcile only reads the control plane's status. Removal is the same in both: what
 * was made from them is removed before they are deleted (the controllers' finalizers then find
 * nothing left).
 */
public class ControlPlaneReconciler {

  /** Who reconciles the IstioControlPlanes and IstioMeshGateways the components create. */
  public enum IstioOwnership { INLINE, CONTROLLERS }

  private final KubernetesClient client;
  private final List<Component> components;
  private final ResourceApplier applier;
  private final IstioControlPlaneReconciler istio;
  private final MeshGatewayReconciler gateways;
  private final IstioOwnership istioOwnership;
  private final Component.Operands operands;

  public ControlPlaneReconciler(KubernetesClient client, List<Component> components) {
    this(client, components, IstioOwnership.INLINE);
  }

  public ControlPlaneReconciler(KubernetesClient client, List<Component> components, IstioOwnership istioOwnership) {
    this.client = client;
    this.components = components;
    this.istioOwnership = istioOwnership;
    this.applier = new ResourceApplier(client);
    var rendering = new IstioRendering();
    this.istio = new IstioControlPlaneReconciler(client, applier, rendering);
    this.gateways = new MeshGatewayReconciler(client, applier, rendering);
    this.operands = new Component.Operands() {
      @Override
      public void removeControlPlane(String namespace, String name) {
        istio.removeByName(namespace, name);
      }

      @Override
      public void removeMeshGateway(String namespace, String name) {
        gateways.remove(namespace, name);
      }
    };
  }

  /**
   * Step 1, before anything is written: the spec checked against the ControlPlane schema, and the
   * effective configuration (defaults under it).
   *
   * @throws InvalidResourceException when the spec is invalid
   */
  public ControlPlaneConfig validate(String name, JsonNode userSpec) {
    List<SchemaValidator.Violation> problems = ControlPlaneInput.validateSpec(userSpec == null ? missing() : userSpec);
    if (!problems.isEmpty()) {
      throw new InvalidResourceException("ControlPlane " + name, problems);
    }
    return ControlPlaneDefaults.effective(name, userSpec);
  }

  /**
   * @param istioWait how long to wait for the IstioControlPlane to become Available (zero: do not wait)
   * @throws InvalidResourceException before any write when the spec is invalid
   */
  public ReconcileReport reconcile(String name, JsonNode userSpec, ReconcileProgress progress, Duration istioWait) {
    return reconcile(name, validate(name, userSpec), progress, istioWait);
  }

  /** The steps after {@link #validate}. */
  public ReconcileReport reconcile(String name, ControlPlaneConfig validated, ReconcileProgress progress, Duration istioWait) {
    Instant start = Instant.now();
    List<String> warnings = new ArrayList<>(ControlPlaneSupport.notes(validated.spec()));
    ControlPlaneConfig config = validated.withPullSecrets(pullSecrets(validated, warnings), pullSecretCopies())
        .withActiveGateways(validated.passive() ? activeGateways(validated) : List.of());
    Run run = new Run(config);
    applyPresent(run, progress);
    if (run.failedComponent == null) {
      removeAbsent(run);
    }
    String istioStatus = run.failedComponent == null ? istioControlPlanes(config, istioWait) : null;
    ReconcileReport report = new ReconcileReport(results(run, progress), istioStatus, Duration.between(start, Instant.now()),
        warnings);
    writeStatus(name, report);
    return report;
  }

  /**
   * The image pull secrets registryAccess.pullSecrets names, read where the user keeps them (each
   * entry's namespace, else registryAccess.namespace); a missing one is left out, its copies are
   * not made and a warning says so (the pods still name it: it works once the user creates it).
   */
  private Map<String, Secret> pullSecrets(ControlPlaneConfig config, List<String> warnings) {
    Map<String, Secret> found = new LinkedHashMap<>();
    if (!config.enabled("registryAccess")) {
      return found;
    }
    String defaultNamespace = config.text("registryAccess.namespace", "smm-registry-access");
    config.at("registryAccess.pullSecrets").forEach(ref -> {
      String name = ref.path("name").asText("");
      String namespace = ref.path("namespace").asText(defaultNamespace);
      if (!name.isEmpty()) {
        Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
        if (secret != null) {
          found.put(name, secret);
        } else {
          warnings.add(".spec.registryAccess.pullSecrets: Secret " + namespace + "/" + name + " not found; it is not copied"
              + " to the product's namespaces until it exists");
        }
      }
    });
    return found;
  }

  /** The names of the pull secret copies made before (wherever they are), so that unwanted ones are removed. */
  /** A passive cluster's view of the active one: the meshexpansion gateway addresses of its ACTIVE peer control planes. */
  private List<String> activeGateways(ControlPlaneConfig config) {
    try {
      return PeerControlPlanes.activeGatewayAddresses(client, config.istioNamespace(), config.istioName());
    } catch (KubernetesClientException e) {
      return List.of(); // not readable yet: the collectors' Services get no endpoints until the next pass
    }
  }

  private Set<String> pullSecretCopies() {
    Set<String> names = new java.util.TreeSet<>();
    client.secrets().inAnyNamespace().withLabel(OwnershipLabels.COMPONENT, RegistryAccessComponent.NAME).list().getItems()
        .forEach(s -> names.add(s.getMetadata().getName()));
    return names;
  }

  /** One reconcile's desired resources per component, what was written, and the component that failed first. */
  private final class Run {
    final ControlPlaneConfig config;
    final Map<String, List<DesiredResource>> desired = new LinkedHashMap<>();
    final Map<String, Counts> counts = new LinkedHashMap<>();
    String failedComponent;
    String failure;

    Run(ControlPlaneConfig config) {
      this.config = config;
      for (Component c : components) {
        desired.put(c.name(), c.desired(config));
        counts.put(c.name(), new Counts());
      }
    }

    void failed(Component c, RuntimeException e) {
      failedComponent = c.name();
      failure = describe(e);
    }
  }

  /** What should exist, component by component in order; stops at the first failure. */
  private void applyPresent(Run run, ReconcileProgress progress) {
    for (Component c : components) {
      progress.started(c.name());
      try {
        for (DesiredResource r : run.desired.get(c.name())) {
          if (r.present()) {
            run.counts.get(c.name()).add(applier.apply(r, c.name(), run.config.owner()));
          }
        }
      } catch (RuntimeException e) {
        run.failed(c, e);
        return;
      }
    }
  }

  /** What should not exist, newest component first, so namespaces go last. */
  private void removeAbsent(Run run) {
    List<Component> reversed = new ArrayList<>(components);
    Collections.reverse(reversed);
    for (Component c : reversed) {
      try {
        List<DesiredResource> absent = new ArrayList<>(run.desired.get(c.name()).stream().filter(r -> !r.present()).toList());
        Collections.reverse(absent);
        for (DesiredResource r : absent) {
          c.removeOperands(r, operands);
          run.counts.get(c.name()).add(applier.apply(r, c.name(), run.config.owner()));
        }
      } catch (RuntimeException e) {
        run.failed(c, e);
        return;
      }
    }
  }

  /** Each component's result, reported to {@code progress} up to the one that failed. */
  private List<ComponentResult> results(Run run, ReconcileProgress progress) {
    List<ComponentResult> results = new ArrayList<>();
    boolean reached = true;
    for (Component c : components) {
      Counts n = run.counts.get(c.name());
      boolean anyPresent = run.desired.get(c.name()).stream().anyMatch(DesiredResource::present);
      String status;
      String message = null;
      if (c.name().equals(run.failedComponent)) {
        status = ComponentResult.FAILED;
        message = run.failure;
        reached = false;
      } else if (!reached) {
        status = ComponentResult.FAILED;
        message = "not reconciled: " + run.failedComponent + " failed first";
      } else {
        status = anyPresent ? ComponentResult.AVAILABLE : ComponentResult.REMOVED;
      }
      ComponentResult r = new ComponentResult(c.name(), status, n.get(ApplyOutcome.CREATED), n.get(ApplyOutcome.UPDATED),
          n.get(ApplyOutcome.DELETED), n.get(ApplyOutcome.UNCHANGED), message);
      results.add(r);
      if (reached || c.name().equals(run.failedComponent)) {
        progress.finished(r);
      }
    }
    return results;
  }

  /** Removes everything the product created for this ControlPlane; CRDs and user objects stay. */
  public ReconcileReport uninstall(String name, JsonNode userSpec, ReconcileProgress progress) {
    Instant start = Instant.now();
    ControlPlaneConfig config = ControlPlaneDefaults.effective(name, userSpec);
    List<Component> reversed = new ArrayList<>(components);
    Collections.reverse(reversed);
    List<ComponentResult> results = new ArrayList<>();
    for (Component c : reversed) {
      if (c.keptOnUninstall()) {
        continue;
      }
      progress.started(c.name());
      Counts n = new Counts();
      String message = null;
      try {
        List<DesiredResource> all = new ArrayList<>(c.desired(config));
        Collections.reverse(all);
        for (DesiredResource r : all) {
          DesiredResource gone = DesiredResource.absent(r.object());
          c.removeOperands(gone, operands);
          n.add(applier.apply(gone, c.name(), config.owner()));
        }
      } catch (RuntimeException e) {
        message = describe(e);
      }
      ComponentResult r = new ComponentResult(c.name(), message == null ? ComponentResult.REMOVED : ComponentResult.FAILED,
          0, 0, n.get(ApplyOutcome.DELETED), 0, message);
      results.add(r);
      progress.finished(r);
    }
    return new ReconcileReport(results, null, Duration.between(start, Instant.now()));
  }

  /**
   * The Istio operator part. INLINE: every IstioControlPlane (the ControlPlane's own and canaries
   * users added beside it) gets its istiod and every IstioMeshGateway its Envoy Deployment; waits
   * up to {@code wait} for all to be Available. CONTROLLERS: their controllers do that; the status
   * is read. Returns the status of the ControlPlane's own control plane (null when Istio is disabled).
   */
  private String istioControlPlanes(ControlPlaneConfig config, Duration wait) {
    if (istioOwnership == IstioOwnership.CONTROLLERS) {
      if (!config.enabled("meshManager.istio")) {
        return null;
      }
      String status = istio.status(config.istioNamespace(), config.istioName());
      return status == null ? IstioControlPlaneReconciler.RECONCILING : status; // its controller has not reported yet
    }
    Instant deadline = Instant.now().plus(wait);
    while (true) {
      String own = null;
      boolean allAvailable = true;
      for (IstioControlPlaneReconciler.Reconciled r : istio.reconcileAll()) {
        allAvailable &= IstioControlPlaneReconciler.AVAILABLE.equals(r.status());
        if (r.icp().getMetadata().getName().equals(config.istioName()) && r.icp().getMetadata().getNamespace().equals(config.istioNamespace())
            && config.enabled("meshManager.istio")) {
          own = r.status();
        }
      }
      allAvailable &= gateways.reconcileAll();
      if (allAvailable || !Instant.now().isBefore(deadline)) {
        return own;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return own;
      }
    }
  }

  /** Marks the ControlPlane Failed with the validation message; nothing else is touched. */
  public void reportInvalid(String name, String message) {
    var controlPlanes = client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind());
    GenericKubernetesResource cp = controlPlanes.withName(name).get();
    if (cp == null) {
      return;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> previous = (Map<String, Object>) cp.getAdditionalProperties().get("status");
    Map<String, Object> next = new LinkedHashMap<>(previous == null ? Map.of() : previous);
    next.put("status", "Failed");
    next.put("message", message);
    ResourceStatus.writeIfChanged(cp, next, r -> controlPlanes.resource(r).updateStatus());
  }

  @SuppressWarnings("unchecked")
  private void writeStatus(String name, ReconcileReport report) {
    var controlPlanes = client.genericKubernetesResources(SmmCrds.CONTROL_PLANE.apiVersion(), SmmCrds.CONTROL_PLANE.kind());
    GenericKubernetesResource cp;
    try {
      cp = controlPlanes.withName(name).get();
    } catch (KubernetesClientException e) {
      return; // the CRD itself may be missing when the CRDs component failed
    }
    if (cp == null) {
      return;
    }
    Map<String, Object> components = new LinkedHashMap<>();
    report.components().forEach(c -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("status", c.status());
      if (c.message() != null) {
        entry.put("message", c.message());
      }
      components.put(c.component(), entry);
    });
    Map<String, Object> next = new LinkedHashMap<>();
    next.put("status", report.succeeded() ? "Succeeded" : "Failed");
    next.put("message", report.succeeded() ? "all components reconciled"
        : report.components().stream().filter(c -> ComponentResult.FAILED.equals(c.status())).findFirst()
            .map(c -> c.component() + ": " + c.message()).orElse(""));
    next.put("components", components);
    if (report.istioStatus() != null) {
      next.put("istioControlPlane", report.istioStatus());
    }
    if (!report.warnings().isEmpty()) {
      next.put("warnings", report.warnings());
    }
    ResourceStatus.writeIfChanged(cp, next, r -> controlPlanes.resource(r).updateStatus());
  }

  private static String describe(RuntimeException e) {
    String m = e instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null
        ? k.getStatus().getMessage() : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }

  private static JsonNode missing() {
    return MissingNode.getInstance();
  }

  private static final class Counts {
    private final EnumMap<ApplyOutcome, Integer> n = new EnumMap<>(ApplyOutcome.class);

    void add(ApplyOutcome o) {
      n.merge(o, 1, Integer::sum);
    }

    int get(ApplyOutcome o) {
      return n.getOrDefault(o, 0);
    }
  }
}
