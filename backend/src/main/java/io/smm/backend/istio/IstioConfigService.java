package io.smm.backend.istio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.smm.api.crd.IstioCrds.IstioKind;
import io.smm.api.istio.IstioConfigSchemas;
import io.smm.api.schema.SchemaValidator;
import io.smm.backend.auth.Caller;
import io.smm.backend.validation.Finding;
import io.smm.backend.validation.KubeObject;
import io.smm.backend.validation.MeshAnalyzer;
import io.smm.backend.validation.MeshConfig;
import io.smm.backend.validation.MeshSnapshots;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Istio resources as plain Kubernetes objects: list, get, validate, create/update and delete.
 * Nothing is kept between calls, so hand-written YAML and the UI edit the same thing. A save
 * checks the resource first (YAML, kind, schema, then the mesh checks in the context of the
 * cluster) and writes nothing when it is refused; an update carries the resourceVersion the user
 * loaded, so a change made meanwhile by someone else is a conflict, not silently overwritten.
 */
public final class IstioConfigService {

  private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Set<String> TOP_LEVEL = Set.of("apiVersion", "kind", "metadata", "spec", "status");
  /** API versions Istio serves for its kinds; written as the CRD's storage version. */
  private static final Set<String> SERVED_VERSIONS = Set.of("v1alpha3", "v1beta1", "v1", "v1alpha1");

  private final KubernetesClient client;
  private final Supplier<String> cluster;
  private final KubernetesClient meshReader;
  /** The dashboard user this service acts for; null when the client acts as itself. */
  private final Caller caller;
  private final MeshAnalyzer analyzer = new MeshAnalyzer();

  public IstioConfigService(KubernetesClient client, Supplier<String> cluster) {
    this.client = client;
    this.cluster = cluster;
    this.meshReader = client;
    this.caller = null;
  }

  /**
   * For one caller: resources are read and written with their impersonating client, so RBAC
   * decides; the mesh checks a save runs read the whole mesh with {@code meshReader} (a host
   * defined elsewhere, a reused certificate), but only after the caller has shown they may read
   * (validate) or write (save) in the resource's namespace, since the findings would tell what is
   * there.
   */
  public IstioConfigService(Caller caller, Supplier<String> cluster, KubernetesClient meshReader) {
    this.client = caller.client();
    this.cluster = cluster;
    this.meshReader = meshReader;
    this.caller = caller.anonymous() ? null : caller;
  }

  /** Resources of one kind (all editable kinds when null) in one namespace (all when null). */
  public List<IstioResource> list(String namespace, String kind) {
    List<IstioKind> kinds = kind == null || kind.isBlank() ? IstioConfigKinds.ALL : List.of(IstioConfigKinds.require(kind));
    List<IstioResource> out = new ArrayList<>();
    for (IstioKind k : kinds) {
      try {
        var op = ops(k);
        List<GenericKubernetesResource> items = namespace == null || namespace.isBlank() ? op.inAnyNamespace().list().getItems()
            : op.inNamespace(namespace).list().getItems();
        items.forEach(r -> out.add(resource(k, r)));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e; // 404: the kind's CRD is not installed, so there are none
        }
      }
    }
    out.sort(Comparator.comparing(IstioResource::namespace).thenComparing(IstioResource::kind).thenComparing(IstioResource::name));
    return out;
  }

  public IstioResource get(String kind, String namespace, String name) {
    IstioKind k = IstioConfigKinds.require(kind);
    GenericKubernetesResource r = ops(k).inNamespace(namespace).withName(name).get();
    return r == null ? null : resource(k, r);
  }

  /**
   * Validates without writing: YAML, kind, schema and the mesh checks with this resource in place,
   * then the save itself as a server-side dry run, so that what the API server would refuse
   * (its validation and admission webhooks, RBAC, a name already taken, a stale resourceVersion)
   * is reported here as it would be by {@link #apply}: one code path for both.
   */
  public ResourceValidation validate(String yaml) {
    Checked checked = check(yaml);
    ResourceValidation validation = checked.validation();
    if (validation.blocked()) {
      return validation;
    }
    try {
      save(checked.doc().root().deepCopy(), true);
      return validation;
    } catch (ResourceConflictException | KubernetesClientException e) {
      String message = e instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null
          ? k.getStatus().getMessage() : e.getMessage();
      List<Issue> issues = new ArrayList<>(validation.issues());
      issues.add(new Issue("api/refused", "error", "", "the API server would refuse this save: " + message, 1, 1, true, null));
      return new ResourceValidation(validation.kind(), validation.namespace(), validation.name(), issues);
    }
  }

  /** A validation and the document it read (null when the YAML could not be read). */
  private record Checked(YamlDocument doc, ResourceValidation validation) {}

  private Checked check(String yaml) {
    return check(yaml, false);
  }

  /** @param forWrite a save: the user must be allowed to write the resource before the mesh checks run for them */
  private Checked check(String yaml, boolean forWrite) {
    YamlDocument doc;
    try {
      doc = YamlDocument.parse(yaml);
    } catch (YamlDocument.SyntaxException e) {
      YamlDocument.Position at = e.position() == null ? new YamlDocument.Position(1, 1) : e.position();
      return new Checked(null, new ResourceValidation("", "", "", List.of(new Issue("yaml/syntax", "error", "", e.reason(), at.line(),
          at.column(), true, null))));
    }
    ObjectNode root = doc.root();
    String kindName = root.path("kind").asText("");
    String namespace = root.path("metadata").path("namespace").asText("");
    String name = root.path("metadata").path("name").asText("");
    List<Issue> issues = new ArrayList<>(structure(doc));
    IstioKind kind = IstioConfigKinds.byKind(kindName).orElse(null);
    if (kind != null) {
      for (SchemaValidator.Violation v : SchemaValidator.validate(root.path("spec"), IstioConfigSchemas.BY_KIND.get(kind.kind()), ".spec")) {
        issues.add(issue("schema", "error", v.path().substring(1), v.path().substring(1) + ": " + v.message(), doc, true, null));
      }
    }
    if (issues.stream().noneMatch(Issue::blocking)) {
      if (caller != null && forWrite) {
        requireWrite(kind, namespace, name, root.path("metadata").path("resourceVersion").asText("").isEmpty() ? "create" : "update");
      } else if (caller != null) {
        caller.require(namespace);
      }
      for (Finding f : meshFindings(root)) {
        issues.add(issue(f.checkId(), f.severity().label(), f.path(), f.message(), doc, false,
            f.istio() == null ? null : f.istio().code()));
      }
    }
    return new Checked(doc, new ResourceValidation(kindName, namespace, name, issues));
  }

  /**
   * Asks the API server (as the client's user) whether the save would be allowed, so a refused
   * user gets kube-apiserver's 403 naming verb and resource before the mesh checks would tell them
   * anything about the namespace. An API server that does not answer reviews leaves the
   * decision to the write itself.
   */
  private void requireWrite(IstioKind kind, String namespace, String name, String verb) {
    String user = caller.identity().username();
    SelfSubjectAccessReview answer;
    try {
      answer = client.authorization().v1().selfSubjectAccessReview().create(
          new SelfSubjectAccessReviewBuilder().withNewSpec()
              .withNewResourceAttributes().withGroup(kind.group()).withResource(kind.plural()).withVerb(verb)
              .withNamespace(namespace).withName(verb.equals("create") ? null : name).endResourceAttributes().endSpec().build());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return;
      }
      throw e;
    }
    if (answer.getStatus() != null && Boolean.FALSE.equals(answer.getStatus().getAllowed())) {
      throw new KubernetesClientException(new StatusBuilder().withCode(403).withReason("Forbidden")
          .withMessage(kind.plural() + "." + kind.group() + " \"" + name + "\" is forbidden: User \"" + user
              + "\" cannot " + verb + " resource \"" + kind.plural() + "\" in API group \"" + kind.group() + "\" in the namespace \""
              + namespace + "\"").build());
    }
  }

  private static List<Issue> structure(YamlDocument doc) {
    ObjectNode root = doc.root();
    List<Issue> out = new ArrayList<>();
    root.fieldNames().forEachRemaining(f -> {
      if (!TOP_LEVEL.contains(f)) {
        out.add(issue("resource/structure", "error", f, f + ": unknown field (a resource has apiVersion, kind, metadata and spec)", doc,
            true, null));
      }
    });
    String kindName = root.path("kind").asText("");
    IstioKind kind = IstioConfigKinds.byKind(kindName).orElse(null);
    if (kind == null) {
      out.add(issue("resource/structure", "error", "kind", kindName.isEmpty() ? "kind is required"
          : "kind \"" + kindName + "\" cannot be edited here; one of " + String.join(", ",
          IstioConfigKinds.ALL.stream().map(IstioKind::kind).toList()), doc, true, null));
    } else {
      String apiVersion = root.path("apiVersion").asText("");
      int slash = apiVersion.indexOf('/');
      if (slash < 0 || !apiVersion.substring(0, slash).equals(kind.group()) || !SERVED_VERSIONS.contains(apiVersion.substring(slash + 1))) {
        out.add(issue("resource/structure", "error", "apiVersion", "apiVersion \"" + apiVersion + "\" is not one of " + kind.kind()
            + "'s (" + kind.apiVersion() + ")", doc, true, null));
      }
    }
    JsonNode meta = root.path("metadata");
    String name = meta.path("name").asText("");
    if (name.isEmpty()) {
      out.add(issue("resource/structure", "error", "metadata.name", "metadata.name is required", doc, true, null));
    } else if (name.length() > 253 || !DNS_1123.matcher(name).matches()) {
      out.add(issue("resource/structure", "error", "metadata.name", "metadata.name \"" + name
          + "\" must be lower case letters, digits, '-' and '.' (RFC 1123)", doc, true, null));
    }
    if (meta.path("namespace").asText("").isEmpty()) {
      out.add(issue("resource/structure", "error", "metadata.namespace", "metadata.namespace is required", doc, true, null));
    }
    if (!root.has("spec") || !root.get("spec").isObject()) {
      out.add(issue("resource/structure", "error", "spec", "spec is required and must be a mapping", doc, true, null));
    }
    return out;
  }

  private static Issue issue(String checkId, String severity, String path, String message, YamlDocument doc, boolean blocking,
      String istioCode) {
    YamlDocument.Position at = doc.positionOf(path);
    return new Issue(checkId, severity, path, message, at.line(), at.column(), blocking, istioCode);
  }

  /** The mesh checks' findings about this resource, with it in place of the stored one. */
  private List<Finding> meshFindings(ObjectNode candidate) {
    KubeObject subject = KubeObject.of(candidate);
    MeshConfig mesh = MeshSnapshots.load(meshReader, cluster.get()).with(subject);
    return analyzer.analyze(mesh).stream().filter(f -> f.subject().sameAs(subject)).toList();
  }

  /**
   * Creates the resource (no metadata.resourceVersion) or updates it (the resourceVersion it was
   * loaded with). Refused with an exception, nothing written, when the YAML, kind or schema is
   * wrong; not written, with the findings, when mesh checks report errors and {@code force} is off.
   */
  public ApplyResult apply(String yaml, boolean force) {
    return apply(yaml, finding -> force);
  }

  /**
   * As {@link #apply(String, boolean)}, overriding only the mesh-check errors {@code mayOverride}
   * accepts (a caller that knows one finding is expected, e.g. a certificate's secret not issued
   * yet, overrides that one and no other).
   */
  public ApplyResult apply(String yaml, Predicate<Issue> mayOverride) {
    Checked checked = check(yaml, true);
    ResourceValidation validation = checked.validation();
    if (validation.blocked()) {
      List<Issue> blocking = validation.issues().stream().filter(Issue::blocking).toList();
      StringBuilder message = new StringBuilder("not saved: ");
      for (int i = 0; i < Math.min(3, blocking.size()); i++) {
        Issue b = blocking.get(i);
        message.append(i == 0 ? "" : "; ").append("line ").append(b.line()).append(": ").append(b.message());
      }
      if (blocking.size() > 3) {
        message.append(" (and ").append(blocking.size() - 3).append(" more)");
      }
      throw new IllegalArgumentException(message.toString());
    }
    List<Issue> errors = validation.overridableErrors();
    if (!errors.stream().allMatch(mayOverride)) {
      return new ApplyResult(false, false, null, validation.issues(), List.of());
    }
    ObjectNode root = checked.doc().root();
    boolean creating = root.path("metadata").path("resourceVersion").asText("").isBlank();
    return new ApplyResult(true, creating, save(root, false), validation.issues(), errors);
  }

  /**
   * Creates (no metadata.resourceVersion) or updates (the version it was loaded with) the checked
   * resource, or only asks the API server whether it would ({@code dryRun}); a conflict becomes a
   * {@link ResourceConflictException} that says what to do.
   */
  private IstioResource save(ObjectNode root, boolean dryRun) {
    IstioKind kind = IstioConfigKinds.require(root.path("kind").asText());
    root.put("apiVersion", kind.apiVersion());
    root.remove("status");
    GenericKubernetesResource r = Serialization.jsonMapper().convertValue(root, GenericKubernetesResource.class);
    String namespace = r.getMetadata().getNamespace();
    String name = r.getMetadata().getName();
    String loadedVersion = r.getMetadata().getResourceVersion();
    boolean creating = loadedVersion == null || loadedVersion.isBlank();
    Resource<GenericKubernetesResource> target = ops(kind).inNamespace(namespace).resource(r);
    try {
      if (dryRun) {
        return resource(kind, creating ? target.dryRun().create() : target.dryRun().update());
      }
      return resource(kind, creating ? target.create() : target.update());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        GenericKubernetesResource now = ops(kind).inNamespace(namespace).withName(name).get();
        throw new ResourceConflictException(creating
            ? kind.kind() + " " + namespace + "/" + name + " already exists: open it and edit it instead (nothing was written)"
            : kind.kind() + " " + namespace + "/" + name + " was changed since you loaded it (your resourceVersion " + loadedVersion
                + ", now " + (now == null ? "deleted" : now.getMetadata().getResourceVersion())
                + "): reload it and make your change again (nothing was written)");
      }
      if (e.getCode() == 404 && !creating) {
        throw new ResourceConflictException(kind.kind() + " " + namespace + "/" + name
            + " was deleted since you loaded it (nothing was written)");
      }
      throw e;
    }
  }

  /** Deletes one resource; false when it did not exist. */
  public boolean delete(String kind, String namespace, String name) {
    IstioKind k = IstioConfigKinds.require(kind);
    return !ops(k).inNamespace(namespace).withName(name).delete().isEmpty();
  }

  private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> ops(IstioKind k) {
    return client.genericKubernetesResources(IstioConfigKinds.context(k));
  }

  static IstioResource resource(IstioKind kind, GenericKubernetesResource r) {
    r.getMetadata().setManagedFields(null);
    ObjectNode body = Serialization.jsonMapper().valueToTree(r);
    JsonNode status = body.remove("status");
    String yaml = ResourceYaml.write(body);
    return new IstioResource(kind.kind(), r.getApiVersion(), r.getMetadata().getNamespace(), r.getMetadata().getName(),
        r.getMetadata().getResourceVersion(), r.getMetadata().getCreationTimestamp(), yaml, body.path("spec"),
        status == null ? NullNode.getInstance() : status);
  }
}
