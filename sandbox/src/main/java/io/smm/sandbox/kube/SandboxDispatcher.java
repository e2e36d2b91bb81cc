package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscoveryBuilder;
import io.fabric8.kubernetes.api.model.ServerAddressByClientCIDRBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionList;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.smm.sandbox.kube.storage.ClusterStore;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts what kube-apiserver answers but fabric8's CRUD mock does not in front of it: discovery
 * (/api, /apis, /api/v1, /apis/group/version, /version) for built-in kinds and every CRD created,
 * and the /scale subresource of Deployments, StatefulSets and ReplicaSets. Everything else is the
 * CRUD store's.
 */
final class SandboxDispatcher extends Dispatcher {

  static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final Pattern GROUP_VERSION = Pattern.compile("/apis/([^/]+)/([^/]+)/?");
  private static final Pattern SCALE = Pattern.compile(
      "(/apis/apps/v1/namespaces/[^/]+/(deployments|statefulsets|replicasets)/[^/]+)/scale");
  private static final Pattern OPENAPI_GROUP_VERSION = Pattern.compile("/openapi/v3/(?:api|apis/([^/]+))/([^/]+)");
  private final CrdVersions versions;
  private static final String CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
  private static final Pattern DRY_RUN = Pattern.compile("[?&]dryRun=");
  private static final Pattern POD_LOG = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)/log");
  private static final Pattern POD_PROXY = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/:]+)(?::(\\d+))?/proxy(/.*)?");

  private final ClusterStore store;
  /** Authentication and RBAC; null when the server authorizes everything (kube-apiserver's AlwaysAllow). */
  private final AccessControl access;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong failAtWrite = new AtomicLong(-1);
  private final VersionInfo version;
  private final String serverAddress;
  private volatile PodLogs podLogs = (namespace, pod, container, tail) -> Optional.empty();
  private volatile PodProxy podProxy = (namespace, pod, port, path) -> Optional.empty();
  private final NamespaceLifecycle namespaces;
  private final SidecarInjectionWebhook injection;
  private final SchemaAdmission schemas;

  SandboxDispatcher(ClusterStore store, VersionInfo version, String serverAddress, AccessControl access) {
    this.store = store;
    this.namespaces = new NamespaceLifecycle(store, this::allResources);
    this.injection = new SidecarInjectionWebhook(path -> stored(store, path));
    this.schemas = new SchemaAdmission(path -> stored(store, path));
    this.versions = new CrdVersions(name -> {
      JsonNode crd = stored(store, CRD_PATH + "/" + name);
      return crd == null ? null : Serialization.jsonMapper().convertValue(crd, CustomResourceDefinition.class);
    });
    this.access = access;
    this.version = version;
    this.serverAddress = serverAddress;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    try {
      String path = request.getPath();
      if (request.method() != HttpMethod.GET && path.startsWith(CRD_PATH)) {
        versions.forget();
      }
      CrdVersions.Conversion conversion = versions.of(bare(path));
      MockResponse response = conversion == null ? route(request) : conversion.fromStorage(route(conversion.toStorage(request)));
      if (request.method() != HttpMethod.GET) {
        store.sync(); // durable before it is acknowledged, as etcd commits before kube-apiserver answers
      }
      return response;
    } catch (RuntimeException e) {
      // The mock answers nothing when a handler throws; a client would hang until its timeout.
      return status(HttpURLConnection.HTTP_INTERNAL_ERROR, "InternalError",
          "sandbox API server failed on " + request.getMethod() + " " + request.getPath() + ": " + e.getMessage());
    }
  }

  /** The request's path without its query. */
  private static String bare(String path) {
    return path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
  }

  void podLogs(PodLogs source) {
    this.podLogs = source;
  }

  void podProxy(PodProxy target) {
    this.podProxy = target;
  }

  /** All requests answered so far. */
  long requests() {
    return requests.get();
  }

  /** Write requests (POST, PUT, PATCH, DELETE) answered so far. */
  long writes() {
    return writes.get();
  }

  /** Makes the {@code n}-th write from now on (1-based) fail with 500, once: for fault-injection tests. */
  void failWrite(long n) {
    failAtWrite.set(writes.get() + n);
  }

  private MockResponse route(RecordedRequest request) {
    requests.incrementAndGet();
    Identity who = null;
    if (access != null) {
      AccessControl.Outcome outcome = access.identify(request.getHeader("Authorization"), request.getHeader("Impersonate-User"),
          request.getHeaders().headers("Impersonate-Group") == null ? List.of() : request.getHeaders().headers("Impersonate-Group"));
      if (outcome.refused()) {
        return status(outcome.status(), outcome.reason(), outcome.message());
      }
      who = outcome.identity();
      RequestAttributes attributes = RequestAttributes.of(request.getMethod(), request.getPath());
      if (!access.authorize(who, attributes).allowed()) {
        return status(HttpURLConnection.HTTP_FORBIDDEN, "Forbidden", AccessControl.forbidden(who, attributes));
      }
    }
    if (request.method() != HttpMethod.GET) {
      long count = writes.incrementAndGet();
      if (failAtWrite.compareAndSet(count, -1)) {
        return status(HttpURLConnection.HTTP_INTERNAL_ERROR, "InternalError", "injected fault on write #" + count);
      }
    }
    String contentType = request.getHeader("Content-Type");
    if (contentType != null && contentType.contains("protobuf")) {
      // Only JSON bodies are understood; client-go retries a 415 in JSON.
      return status(415, "UnsupportedMediaType", "the sandbox API server accepts JSON request bodies only, not " + contentType);
    }
    String path = request.getPath();
    String bare = bare(path);
    Matcher scale = SCALE.matcher(bare);
    if (scale.matches()) {
      return scale(request, scale.group(1));
    }
    if (request.method() == HttpMethod.POST && access != null && (bare.equals("/apis/authentication.k8s.io/v1/tokenreviews")
        || bare.equals("/apis/authorization.k8s.io/v1/subjectaccessreviews")
        || bare.equals("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
        || bare.equals("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews") && !who.groups().contains("system:masters"))) {
      return review(request, bare, who);
    }
    if (request.method() == HttpMethod.POST && bare.startsWith("/apis/authorization.k8s.io/v1/selfsubject")) {
      return selfSubjectReview(request, bare);
    }
    boolean dryRun = request.method() != HttpMethod.GET && DRY_RUN.matcher(path).find();
    if (request.method() == HttpMethod.PATCH && contentType != null && contentType.startsWith("application/strategic-merge-patch+json")) {
      return patch(request, bare, dryRun, StrategicMergePatch::apply);
    }
    if (request.method() == HttpMethod.PATCH && contentType != null && contentType.startsWith("application/merge-patch+json")) {
      // RFC 7386 here too: the store's own merge patch left a list as it was (kubectl apply of a changed
      // VirtualService route list answered "configured" and changed nothing but the annotation).
      return patch(request, bare, dryRun, JsonMergePatch::apply);
    }
    Matcher log = POD_LOG.matcher(bare);
    if (request.method() == HttpMethod.GET && log.matches()) {
      return podLog(request, log.group(1), log.group(2));
    }
    Matcher proxy = POD_PROXY.matcher(bare);
    if (request.method() == HttpMethod.GET && proxy.matches()) {
      return podProxy(request, proxy.group(1), proxy.group(2), proxy.group(3), proxy.group(4));
    }
    if (request.method() == HttpMethod.GET) {
      MockResponse discovery = discovery(bare);
      if (discovery != null) {
        return discovery;
      }
      String accept = request.getHeader("Accept");
      if (accept != null && accept.contains("as=Table") && !path.contains("watch=")) {
        return asTable(store.dispatch(request), bare);
      }
    }
    MockResponse refused = namespaces.refuseCreate(request, bare);
    if (refused != null) {
      return refused;
    }
    if (request.method() == HttpMethod.POST && !bare.startsWith("/apis/authorization.k8s.io/") && !bare.startsWith("/apis/authentication.k8s.io/")) {
      request = admitted(request, bare);
    }
    if ((request.method() == HttpMethod.POST || request.method() == HttpMethod.PUT) && SecretStringData.applies(bare)) {
      request = SecretStringData.merged(request);
    }
    if (request.method() == HttpMethod.POST && !dryRun) {
      // The sandbox's certificate is self-signed anew on every start: no CA to hand out (its kubeconfig skips verification).
      request = ServiceAccountTokens.filled(request, bare, null);
    }
    Matcher namespace = NamespaceLifecycle.NAMESPACE.matcher(bare);
    if (request.method() == HttpMethod.DELETE && namespace.matches() && !dryRun) {
      return namespaces.delete(request, namespace.group(1));
    }
    if (request.method() == HttpMethod.PUT) {
      MockResponse conflict = staleResourceVersion(request, bare);
      if (conflict != null) {
        return conflict;
      }
    }
    MockResponse invalid = invalid(request, bare, contentType);
    if (invalid != null) {
      return invalid;
    }
    return dryRun ? dryRunAnswer(request, bare) : store.dispatch(request);
  }

  /**
   * ?dryRun=All: everything a write goes through (authorization, admission, validation, conflicts)
   * and the answer it would get, but nothing is stored, as kube-apiserver does for
   * `kubectl apply --dry-run=server` and validation that must match a real save.
   */
  private MockResponse dryRunAnswer(RecordedRequest request, String path) {
    if (request.method() == HttpMethod.POST) {
      JsonNode body = Serialization.unmarshal(new String(request.getBody().getBytes(), StandardCharsets.UTF_8), JsonNode.class);
      String name = body == null ? "" : body.at("/metadata/name").asText("");
      if (!name.isEmpty() && stored(store, path + "/" + name) != null) {
        String plural = path.substring(path.lastIndexOf('/') + 1);
        return status(HttpURLConnection.HTTP_CONFLICT, "AlreadyExists", plural + " \"" + name + "\" already exists");
      }
      return new MockResponse().setResponseCode(HttpURLConnection.HTTP_CREATED).setHeader("Content-Type", "application/json")
          .setBody(new String(request.getBody().getBytes(), StandardCharsets.UTF_8));
    }
    JsonNode current = stored(store, objectPath(path));
    if (current == null) {
      String name = objectPath(path).substring(objectPath(path).lastIndexOf('/') + 1);
      return status(HttpURLConnection.HTTP_NOT_FOUND, "NotFound", "\"" + name + "\" not found");
    }
    String answer = request.method() == HttpMethod.PUT ? new String(request.getBody().getBytes(), StandardCharsets.UTF_8)
        : Serialization.asJson(current);
    return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setHeader("Content-Type", "application/json").setBody(answer);
  }

  /**
   * kube-apiserver validates the object a create, update or patch would store; the sandbox does the
   * same before its store sees the request (a patch is applied to a copy first).
   */
  private MockResponse invalid(RecordedRequest request, String path, String contentType) {
    if (request.method() != HttpMethod.POST && request.method() != HttpMethod.PUT && request.method() != HttpMethod.PATCH) {
      return null;
    }
    JsonNode candidate;
    try {
      JsonNode body = SchemaAdmission.parse(request.getBody().getBytes());
      if (request.method() != HttpMethod.PATCH) {
        candidate = body;
      } else {
        JsonNode current = stored(store, objectPath(path));
        if (current == null) {
          return null; // the store answers 404
        }
        candidate = contentType != null && contentType.startsWith("application/json-patch+json")
            ? JsonPatch.apply(body, current) : JsonMergePatch.apply(current, body);
      }
    } catch (RuntimeException e) {
      return null; // a body that does not parse or apply is the store's to refuse
    }
    if (request.method() != HttpMethod.POST && ClaimUpdateRules.isClaimWrite(path)) {
      JsonNode current = stored(store, objectPath(path));
      if (current != null) {
        var refused = ClaimUpdateRules.validate(current, candidate);
        if (!refused.isEmpty()) {
          return SchemaAdmission.invalid(candidate, refused);
        }
      }
    }
    return schemas.refuse(candidate);
  }

  private static final Pattern POD_CREATE = Pattern.compile("/api/v1/namespaces/[^/]+/pods");
  private static final String NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";

  /**
   * What kube-apiserver does to a new object before storing it: a name from metadata.generateName
   * (plus five random characters) when it has none, and for pods the mutating webhooks (Istio's
   * sidecar injection). Bodies it cannot read are passed on for the store to answer.
   */
  private RecordedRequest admitted(RecordedRequest request, String path) {
    ObjectNode object;
    try {
      object = (ObjectNode) Serialization.jsonMapper().readTree(request.getBody().getBytes());
    } catch (IOException | RuntimeException e) {
      return request;
    }
    boolean changed = false;
    JsonNode metadata = object.path("metadata");
    if (metadata.isObject() && metadata.path("name").asText("").isEmpty() && !metadata.path("generateName").asText("").isEmpty()) {
      StringBuilder name = new StringBuilder(metadata.path("generateName").asText());
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < 5; i++) {
        name.append(NAME_CHARS.charAt(random.nextInt(NAME_CHARS.length())));
      }
      ((ObjectNode) metadata).put("name", name.toString());
      changed = true;
    }
    if (POD_CREATE.matcher(path).matches() && metadata.isObject() && object.path("spec").path("containers").isArray()) {
      String namespace = metadata.path("namespace").asText(path.split("/")[4]);
      changed |= injection.inject(object, namespace);
    }
    if (!changed) {
      return request;
    }
    return new RecordedRequest(request.getHttpVersion(), request.method(), request.getPath(), request.getHeaders(),
        new Buffer(Serialization.asJson(object).getBytes(StandardCharsets.UTF_8)));
  }

  /** The object a request addresses, without a /status subresource. */
  private static String objectPath(String path) {
    return path.endsWith("/status") ? path.substring(0, path.length() - "/status".length()) : path;
  }

  /** What the store holds at an API path (an object or a list), or null when it answers other than 200. */
  static JsonNode stored(KubernetesCrudDispatcher store, String path) {
    MockResponse response = store.handleGet(path);
    return response.code() == HttpURLConnection.HTTP_OK
        ? Serialization.unmarshal(new String(response.getBody().getBytes(), StandardCharsets.UTF_8), JsonNode.class) : null;
  }

  /**
   * kube-apiserver's optimistic concurrency, which the mock lacks: a PUT carrying a
   * resourceVersion other than the stored one is a 409 Conflict and changes nothing.
   */
  private MockResponse staleResourceVersion(RecordedRequest request, String bare) {
    JsonNode body;
    try {
      body = Serialization.jsonMapper().readTree(request.getBody().getBytes());
    } catch (IOException | RuntimeException e) {
      return null; // the store answers bodies it cannot read
    }
    String sent = body == null ? "" : body.path("metadata").path("resourceVersion").asText("");
    if (sent.isEmpty()) {
      return null;
    }
    String objectPath = objectPath(bare);
    JsonNode stored = stored(store, objectPath);
    if (stored == null) {
      return null;
    }
    String now = stored.path("metadata").path("resourceVersion").asText("");
    if (now.equals(sent)) {
      return null;
    }
    String[] parts = objectPath.split("/");
    String resource = parts.length >= 2 ? parts[parts.length - 2] : "object";
    String group = objectPath.startsWith("/apis/") && parts.length > 2 ? "." + parts[2] : "";
    return status(HttpURLConnection.HTTP_CONFLICT, "Conflict", "Operation cannot be fulfilled on " + resource + group + " \""
        + parts[parts.length - 1] + "\": the object has been modified; please apply your changes to the latest version and try again");
  }

  /**
   * kubectl logs: the pod must exist and the container be one of its own (named, unless the pod
   * has only one), as kube-apiserver checks; the lines come from the kubelet (none for pods
   * nothing runs), cut to limitBytes.
   */
  private MockResponse podLog(RecordedRequest request, String namespace, String pod) {
    JsonNode stored = stored(store, "/api/v1/namespaces/" + namespace + "/pods/" + pod);
    if (stored == null) {
      return status(HttpURLConnection.HTTP_NOT_FOUND, "NotFound", "pods \"" + pod + "\" not found");
    }
    String query = request.getPath().contains("?") ? request.getPath().substring(request.getPath().indexOf('?') + 1) : "";
    String container = null;
    Integer tail = null;
    Integer limitBytes = null;
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      if (key.equals("container")) {
        container = value;
      } else if (key.equals("tailLines")) {
        tail = Integer.valueOf(value);
      } else if (key.equals("limitBytes")) {
        limitBytes = Integer.valueOf(value);
      }
    }
    List<String> containers = new ArrayList<>();
    stored.at("/spec/containers").forEach(c -> containers.add(c.path("name").asText()));
    if (container == null || container.isEmpty()) {
      if (containers.size() != 1) {
        return status(HttpURLConnection.HTTP_BAD_REQUEST, "BadRequest", "a container name must be specified for pod " + pod
            + ", choose one of: " + containers);
      }
      container = containers.get(0);
    } else if (!containers.contains(container)) {
      return status(HttpURLConnection.HTTP_BAD_REQUEST, "BadRequest", "container " + container + " is not valid for pod " + pod);
    }
    String text = podLogs.read(namespace, pod, container, tail).orElse("");
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (limitBytes != null && bytes.length > limitBytes) {
      text = new String(bytes, 0, limitBytes, StandardCharsets.UTF_8);
    }
    return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setHeader("Content-Type", "text/plain").setBody(text);
  }

  /**
   * GET pods/NAME[:PORT]/proxy/PATH, as kube-apiserver proxies to the pod (its first container port
   * when none is named): 404 for a pod that does not exist, 503 when nothing answers on the port.
   */
  private MockResponse podProxy(RecordedRequest request, String namespace, String pod, String port, String path) {
    JsonNode stored = stored(store, "/api/v1/namespaces/" + namespace + "/pods/" + pod);
    if (stored == null) {
      return status(HttpURLConnection.HTTP_NOT_FOUND, "NotFound", "pods \"" + pod + "\" not found");
    }
    int target = port != null ? Integer.parseInt(port) : stored.at("/spec/containers/0/ports/0/containerPort").asInt(80);
    String query = request.getPath().contains("?") ? request.getPath().substring(request.getPath().indexOf('?')) : "";
    return podProxy.get(namespace, pod, target, (path == null ? "/" : path) + query)
        .map(a -> new MockResponse().setResponseCode(a.status()).setHeader("Content-Type", a.contentType()).setBody(new Buffer(a.body())))
        .orElseGet(() -> status(HttpURLConnection.HTTP_UNAVAILABLE, "ServiceUnavailable", "error trying to reach service: dial tcp "
            + stored.at("/status/podIP").asText("") + ":" + target + ": connect: connection refused"));
  }

  private MockResponse discovery(String path) {
    switch (path) {
      case "/version":
        return json(version);
      case "/api":
      case "/api/":
        return json(new APIVersionsBuilder().withVersions("v1")
            .withServerAddressByClientCIDRs(new ServerAddressByClientCIDRBuilder()
                .withClientCIDR("0.0.0.0/0").withServerAddress(serverAddress).build())
            .build());
      case "/apis":
      case "/apis/":
        return json(groupList());
      case "/api/v1":
      case "/api/v1/":
        return json(resourceList("", "v1"));
      case "/openapi/v3":
        return json(OpenApiDocuments.root(allResources()));
      case "/openapi/v2":
        // Clients that find v3 do not ask; schemas are not served either way.
        return status(HttpURLConnection.HTTP_NOT_FOUND, "NotFound", "the sandbox API server serves OpenAPI v3 path documents only");
      default:
        break;
    }
    Matcher openApi = OPENAPI_GROUP_VERSION.matcher(path);
    if (openApi.matches()) {
      String group = openApi.group(1) == null ? "" : openApi.group(1);
      return json(OpenApiDocuments.groupVersion(group, openApi.group(2), allResources()));
    }
    Matcher gv = GROUP_VERSION.matcher(path);
    if (gv.matches()) {
      String group = gv.group(1);
      String version = gv.group(2);
      boolean known = allResources().stream().anyMatch(r -> r.group().equals(group) && r.version().equals(version));
      return known ? json(resourceList(group, version))
          : status(HttpURLConnection.HTTP_NOT_FOUND, "NotFound", "the server could not find the requested resource");
    }
    return null;
  }

  private Object groupList() {
    // group -> versions, built-in first, in a stable order
    Map<String, Set<String>> groups = new LinkedHashMap<>();
    for (BuiltInResources.Resource r : allResources()) {
      if (!r.group().isEmpty()) {
        groups.computeIfAbsent(r.group(), g -> new LinkedHashSet<>()).add(r.version());
      }
    }
    APIGroupListBuilder list = new APIGroupListBuilder();
    groups.forEach((group, versions) -> {
      APIGroupBuilder g = new APIGroupBuilder().withName(group);
      versions.forEach(v -> g.addToVersions(new GroupVersionForDiscoveryBuilder().withGroupVersion(group + "/" + v).withVersion(v).build()));
      String preferred = versions.iterator().next();
      g.withPreferredVersion(new GroupVersionForDiscoveryBuilder().withGroupVersion(group + "/" + preferred).withVersion(preferred).build());
      list.addToGroups(g.build());
    });
    return list.build();
  }

  private Object resourceList(String group, String version) {
    APIResourceListBuilder list = new APIResourceListBuilder().withGroupVersion(group.isEmpty() ? version : group + "/" + version);
    for (BuiltInResources.Resource r : allResources()) {
      if (r.group().equals(group) && r.version().equals(version)) {
        list.addToResources(new APIResourceBuilder().withName(r.plural()).withKind(r.kind())
            .withSingularName(r.kind().toLowerCase()).withNamespaced(r.namespaced())
            .withShortNames(r.shortNames()).withVerbs(VERBS).build());
        list.addToResources(new APIResourceBuilder().withName(r.plural() + "/status").withKind(r.kind())
            .withSingularName("").withNamespaced(r.namespaced()).withVerbs("get", "patch", "update").build());
      }
    }
    return list.build();
  }

  private List<BuiltInResources.Resource> allResources() {
    List<BuiltInResources.Resource> all = new ArrayList<>(BuiltInResources.ALL);
    all.addAll(customResources());
    return all;
  }

  /** Served versions of every CRD in the store; read on each discovery call, so new CRDs show at once. */
  private List<BuiltInResources.Resource> customResources() {
    MockResponse response = store.handleGet(CRD_PATH);
    if (response.code() != HttpURLConnection.HTTP_OK) {
      return List.of();
    }
    CustomResourceDefinitionList crds = Serialization.unmarshal(
        new String(response.getBody().getBytes(), StandardCharsets.UTF_8), CustomResourceDefinitionList.class);
    List<BuiltInResources.Resource> result = new ArrayList<>();
    for (CustomResourceDefinition crd : crds.getItems()) {
      var spec = crd.getSpec();
      List<String> shortNames = spec.getNames().getShortNames() == null ? List.of() : spec.getNames().getShortNames();
      for (CustomResourceDefinitionVersion v : spec.getVersions()) {
        if (Boolean.FALSE.equals(v.getServed())) {
          continue;
        }
        result.add(new BuiltInResources.Resource(spec.getGroup(), v.getName(), spec.getNames().getPlural(),
            spec.getNames().getKind(), "Namespaced".equals(spec.getScope()), shortNames));
      }
    }
    return result;
  }

  /** The autoscaling/v1 Scale view of a workload, read and written through its spec.replicas. */
  private MockResponse scale(RecordedRequest request, String objectPath) {
    if (request.method() != HttpMethod.GET) {
      Integer replicas = requestedReplicas(request);
      if (replicas == null || replicas < 0) {
        return status(422, "Invalid", "spec.replicas must be a non-negative integer");
      }
      MockResponse patched = write(store, HttpMethod.PATCH, objectPath, "application/merge-patch+json",
          "{\"spec\":{\"replicas\":" + replicas + "}}");
      if (patched.code() / 100 != 2) {
        return patched;
      }
    }
    MockResponse current = store.handleGet(objectPath);
    if (current.code() != HttpURLConnection.HTTP_OK) {
      return current;
    }
    JsonNode object = Serialization.unmarshal(new String(current.getBody().getBytes(), StandardCharsets.UTF_8), JsonNode.class);
    ObjectNode scale = Serialization.jsonMapper().createObjectNode();
    scale.put("apiVersion", "autoscaling/v1").put("kind", "Scale");
    ObjectNode metadata = scale.putObject("metadata");
    metadata.set("name", object.path("metadata").path("name"));
    metadata.set("namespace", object.path("metadata").path("namespace"));
    metadata.set("resourceVersion", object.path("metadata").path("resourceVersion"));
    metadata.set("uid", object.path("metadata").path("uid"));
    scale.putObject("spec").put("replicas", object.path("spec").path("replicas").asInt(1));
    scale.putObject("status").put("replicas", object.path("status").path("replicas").asInt(0));
    return json(scale);
  }

  /** TokenReview, SubjectAccessReview and (with RBAC) SelfSubjectAccessReview, answered by {@link AccessControl}. */
  private MockResponse review(RecordedRequest request, String path, Identity who) {
    ObjectNode review;
    try {
      review = (ObjectNode) Serialization.jsonMapper().readTree(request.getBody().getBytes());
    } catch (IOException | ClassCastException e) {
      return status(HttpURLConnection.HTTP_BAD_REQUEST, "BadRequest", "the review is not a JSON object");
    }
    if (path.endsWith("tokenreviews")) {
      access.tokenReview(review);
    } else if (path.endsWith("selfsubjectrulesreviews")) {
      // Listing every rule of a user is not implemented; say so, as the API does when it cannot.
      ObjectNode status = review.putObject("status");
      status.putArray("resourceRules");
      status.putArray("nonResourceRules");
      status.put("incomplete", true).put("evaluationError", "the sandbox API server does not list rules; ask with SelfSubjectAccessReview");
    } else {
      access.accessReview(review, path.endsWith("selfsubjectaccessreviews") ? who : null);
    }
    return new MockResponse().setResponseCode(HttpURLConnection.HTTP_CREATED).setHeader("Content-Type", "application/json")
        .setBody(Serialization.asJson(review));
  }

  /**
   * Without RBAC the sandbox authenticates nobody and authorizes everything (documented): self-reviews say so,
   * as kube-apiserver would for cluster-admin. Clients such as Java Operator SDK ask before starting.
   */
  private MockResponse selfSubjectReview(RecordedRequest request, String path) {
    ObjectNode review;
    try {
      review = (ObjectNode) Serialization.jsonMapper().readTree(request.getBody().getBytes());
    } catch (IOException | ClassCastException e) {
      return status(HttpURLConnection.HTTP_BAD_REQUEST, "BadRequest", "the review is not a JSON object");
    }
    ObjectNode status = review.putObject("status");
    if (path.endsWith("selfsubjectrulesreviews")) {
      ObjectNode rule = status.putArray("resourceRules").addObject();
      rule.putArray("verbs").add("*");
      rule.putArray("apiGroups").add("*");
      rule.putArray("resources").add("*");
      ObjectNode nonResource = status.putArray("nonResourceRules").addObject();
      nonResource.putArray("verbs").add("*");
      nonResource.putArray("nonResourceURLs").add("*");
      status.put("incomplete", false);
    } else if (path.endsWith("selfsubjectaccessreviews")) {
      status.put("allowed", true).put("reason", "the sandbox API server authorizes every request");
    } else {
      return status(HttpURLConnection.HTTP_NOT_FOUND, "NotFound", "the server could not find the requested resource");
    }
    return new MockResponse().setResponseCode(HttpURLConnection.HTTP_CREATED).setHeader("Content-Type", "application/json")
        .setBody(Serialization.asJson(review));
  }

  private static final Pattern RESOURCE_PATH = Pattern.compile(
      "/(?:api/v1|apis/([^/]+)/[^/]+)(?:/namespaces/[^/]+)?/([^/]+)(?:/[^/]+)?");

  /** kubectl get: the stored list or object as a server-side Table. */
  private MockResponse asTable(MockResponse response, String path) {
    Matcher m = RESOURCE_PATH.matcher(path);
    if (response.code() != HttpURLConnection.HTTP_OK || !m.matches()) {
      return response;
    }
    String group = m.group(1) == null ? "" : m.group(1);
    String plural = m.group(2);
    List<TablePrinter.PrinterColumn> crdColumns = null;
    if (!group.isEmpty() && BuiltInResources.ALL.stream().noneMatch(r -> r.group().equals(group))) {
      crdColumns = printerColumns(group, plural);
    }
    JsonNode body = Serialization.unmarshal(new String(response.getBody().getBytes(), StandardCharsets.UTF_8), JsonNode.class);
    return json(TablePrinter.table(body, plural, crdColumns, Instant.now()));
  }

  private List<TablePrinter.PrinterColumn> printerColumns(String group, String plural) {
    MockResponse crd = store.handleGet(CRD_PATH + "/" + plural + "." + group);
    if (crd.code() != HttpURLConnection.HTTP_OK) {
      return List.of();
    }
    CustomResourceDefinition def = Serialization.unmarshal(new String(crd.getBody().getBytes(), StandardCharsets.UTF_8),
        CustomResourceDefinition.class);
    List<TablePrinter.PrinterColumn> columns = new ArrayList<>();
    def.getSpec().getVersions().stream().filter(v -> Boolean.TRUE.equals(v.getStorage())).findFirst()
        .ifPresent(v -> v.getAdditionalPrinterColumns().forEach(c ->
            columns.add(new TablePrinter.PrinterColumn(c.getName(), c.getType(), c.getJsonPath()))));
    return columns;
  }

  /** Computes the patched object here (strategic or JSON merge patch) and stores it with an update that keeps the optimistic-lock check. */
  private MockResponse patch(RecordedRequest request, String path, boolean dryRun, BinaryOperator<JsonNode> patcher) {
    String objectPath = objectPath(path);
    MockResponse current = store.handleGet(objectPath);
    if (current.code() != HttpURLConnection.HTTP_OK) {
      return current;
    }
    JsonNode patch;
    try {
      patch = Serialization.jsonMapper().readTree(request.getBody().getBytes());
    } catch (IOException e) {
      return status(HttpURLConnection.HTTP_BAD_REQUEST, "BadRequest", "the patch is not JSON: " + e.getMessage());
    }
    JsonNode object = Serialization.unmarshal(new String(current.getBody().getBytes(), StandardCharsets.UTF_8), JsonNode.class);
    JsonNode patched = patcher.apply(object, patch);
    MockResponse invalid = schemas.refuse(Serialization.jsonMapper().valueToTree(patched));
    if (invalid != null) {
      return invalid;
    }
    if (dryRun) {
      return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK).setHeader("Content-Type", "application/json")
          .setBody(Serialization.asJson(patched));
    }
    return write(store, HttpMethod.PUT, path, "application/json", Serialization.asJson(patched));
  }

  /** A write of our own straight to the store (no authorization or admission): {@code body} null for none. */
  static MockResponse write(KubernetesCrudDispatcher store, HttpMethod method, String path, String contentType, String body) {
    return store.dispatch(new RecordedRequest("HTTP/1.1", method, path, Headers.builder().add("Content-Type", contentType).build(),
        new Buffer(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8))));
  }

  private static Integer requestedReplicas(RecordedRequest request) {
    JsonNode body = Serialization.unmarshal(new String(request.getBody().getBytes(), StandardCharsets.UTF_8), JsonNode.class);
    if (body == null) {
      return null;
    }
    if (body.isArray()) { // JSON patch
      for (JsonNode op : body) {
        if ("/spec/replicas".equals(op.path("path").asText()) && op.path("value").canConvertToInt()) {
          return op.path("value").asInt();
        }
      }
      return null;
    }
    JsonNode replicas = body.path("spec").path("replicas");
    return replicas.canConvertToInt() ? replicas.asInt() : null;
  }

  private static MockResponse json(Object body) {
    return new MockResponse().setResponseCode(HttpURLConnection.HTTP_OK)
        .setHeader("Content-Type", "application/json").setBody(Serialization.asJson(body));
  }

  static MockResponse status(int code, String reason, String message) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
        .setBody(Serialization.asJson(new StatusBuilder().withStatus("Failure").withCode(code)
            .withReason(reason).withMessage(message).build()));
  }
}
