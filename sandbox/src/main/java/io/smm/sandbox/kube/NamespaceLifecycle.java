package io.smm.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What kube-apiserver and the namespace controller do when a namespace is deleted, which the CRUD
 * mock does not: the namespace turns Terminating (deletionTimestamp, the {@code kubernetes}
 * finalizer, phase Terminating), new content is refused while it is, every namespaced object in it
 * of every served kind (built-in and custom) is deleted, and only then the namespace itself. Watchers
 * see the same sequence as on a real cluster. The sandbox finishes before answering the DELETE, which a
 * real cluster does not (it answers at once and cleans up within seconds); kinds the sandbox does not
 * announce in discovery are not swept.
 */
final class NamespaceLifecycle {

  static final Pattern NAMESPACE = Pattern.compile("/api/v1/namespaces/([^/]+)");
  private static final Pattern CREATE_IN_NAMESPACE = Pattern.compile("/(?:api/v1|apis/[^/]+/[^/]+)/namespaces/([^/]+)/([^/]+)");

  private static final String FINALIZER = "kubernetes";

  private final KubernetesCrudDispatcher store;
  private final Supplier<List<BuiltInResources.Resource>> resources;
  private final Set<String> terminating = ConcurrentHashMap.newKeySet();

  NamespaceLifecycle(KubernetesCrudDispatcher store, Supplier<List<BuiltInResources.Resource>> resources) {
    this.store = store;
    this.resources = resources;
  }

  /** kube-apiserver's NamespaceLifecycle admission: no new objects in a namespace being deleted; null when allowed. */
  MockResponse refuseCreate(RecordedRequest request, String path) {
    Matcher m = CREATE_IN_NAMESPACE.matcher(path);
    if (request.method() != HttpMethod.POST || !m.matches() || !terminating.contains(m.group(1))) {
      return null;
    }
    String name = "";
    try {
      JsonNode body = Serialization.jsonMapper().readTree(request.getBody().getBytes());
      name = body == null ? "" : body.path("metadata").path("name").asText("");
    } catch (IOException e) {
      // the name only decorates the message
    }
    return SandboxDispatcher.status(HttpURLConnection.HTTP_FORBIDDEN, "Forbidden", m.group(2) + " \"" + name
        + "\" is forbidden: unable to create new content in namespace " + m.group(1) + " because it is being terminated");
  }

  /** DELETE /api/v1/namespaces/NAME: Terminating, its content deleted, then the namespace; answers the namespace as last seen. */
  MockResponse delete(RecordedRequest request, String name) {
    String path = "/api/v1/namespaces/" + name;
    JsonNode current = SandboxDispatcher.stored(store, path);
    if (current == null || !terminating.add(name)) {
      return store.dispatch(request); // 404 as the store answers it, or a second delete of one already terminating
    }
    try {
      ObjectNode marked = (ObjectNode) current.deepCopy();
      ObjectNode metadata = (ObjectNode) marked.path("metadata");
      metadata.put("deletionTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      metadata.put("deletionGracePeriodSeconds", 0);
      // The namespace controller's finalizer lives in spec.finalizers; the store only keeps an
      // object marked for deletion while metadata.finalizers is not empty, so it is held there too.
      metadata.putArray("finalizers").add(FINALIZER);
      ObjectNode spec = marked.has("spec") ? (ObjectNode) marked.get("spec") : marked.putObject("spec");
      spec.putArray("finalizers").add(FINALIZER);
      ObjectNode status = marked.has("status") ? (ObjectNode) marked.get("status") : marked.putObject("status");
      status.put("phase", "Terminating");
      MockResponse terminating = write(HttpMethod.PUT, path, Serialization.asJson(marked));
      if (terminating.code() != HttpURLConnection.HTTP_OK) {
        return terminating;
      }
      for (BuiltInResources.Resource r : resources.get()) {
        if (r.namespaced()) {
          String prefix = r.group().isEmpty() ? "/api/" + r.version() : "/apis/" + r.group() + "/" + r.version();
          write(HttpMethod.DELETE, prefix + "/namespaces/" + name + "/" + r.plural(), null);
        }
      }
      // Empty: the finalizer is done, and the store deletes an object marked for deletion without finalizers.
      JsonNode last = SandboxDispatcher.stored(store, path);
      if (last != null) {
        ObjectNode done = (ObjectNode) last.deepCopy();
        ((ObjectNode) done.path("metadata")).putArray("finalizers");
        ((ObjectNode) done.path("spec")).putArray("finalizers");
        write(HttpMethod.PUT, path, Serialization.asJson(done));
      }
      return terminating;
    } finally {
      terminating.remove(name);
    }
  }

  private MockResponse write(HttpMethod method, String path, String body) {
    return SandboxDispatcher.write(store, method, path, "application/json", body);
  }
}
