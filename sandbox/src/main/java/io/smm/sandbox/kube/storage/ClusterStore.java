package io.smm.sandbox.kube.storage;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sandbox API server's objects: fabric8's CRUD store, optionally kept on disk through a
 * {@link StoreLog} so that a restarted sandbox resumes the cluster it had (etcd's role). Every
 * change the store applies passes {@link #processEvent}, which logs the object's new state first;
 * the API server calls {@link #sync} before it answers a write.
 */
public final class ClusterStore extends KubernetesCrudDispatcher implements AutoCloseable {

  private final StoreLog log;

  private ClusterStore(StoreLog log) {
    ObjectUids.randomize();
    this.log = log;
  }

  /** A store that lives as long as the process, as the sandbox's tests want. */
  public static ClusterStore inMemory() {
    return new ClusterStore(null);
  }

  /** A store kept in {@code dir}, starting with what an earlier store there held. */
  public static ClusterStore durable(Path dir) {
    return durable(dir, StoreLog.DEFAULT_COMPACT_AFTER);
  }

  static ClusterStore durable(Path dir, long compactAfter) {
    StoreLog log = StoreLog.open(dir, compactAfter);
    ClusterStore store = new ClusterStore(log);
    store.restore(log.objects());
    return store;
  }

  /** Objects restored when the store was opened (0 for a new or in-memory one). */
  public int restored() {
    return log == null ? 0 : log.objects().size();
  }

  private void restore(Map<String, StoreLog.Entry> objects) {
    // Definitions first: the store learns a custom resource's plural and scope from its CRD.
    List<StoreLog.Entry> ordered = new ArrayList<>();
    objects.forEach((id, e) -> {
      if (id.startsWith("apiextensions.k8s.io/CustomResourceDefinition/")) {
        ordered.add(e);
      }
    });
    objects.forEach((id, e) -> {
      if (!id.startsWith("apiextensions.k8s.io/CustomResourceDefinition/")) {
        ordered.add(e);
      }
    });
    long newestVersion = 0;
    for (StoreLog.Entry e : ordered) {
      GenericKubernetesResource resource = Serialization.unmarshal(e.json(), GenericKubernetesResource.class);
      super.processEvent(e.path(), getKey(e.path()), null, resource, e.json());
      newestVersion = Math.max(newestVersion, resourceVersion(resource));
    }
    // Clients compare resource versions (informers, optimistic concurrency): new writes must
    // continue after the newest restored one, as etcd's revision does.
    while (requestResourceVersion() < newestVersion) {
      // advance
    }
  }

  @Override
  public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
      GenericKubernetesResource resource, String newState) {
    // Called with the store's write lock held: the log's order is the store's order.
    if (log != null) {
      if (newState != null) {
        log.put(id(resource != null ? resource : Serialization.unmarshal(newState, GenericKubernetesResource.class)), path, newState);
      } else {
        String existing = oldAttributes == null ? null : map.get(oldAttributes);
        if (existing != null) {
          log.delete(id(Serialization.unmarshal(existing, GenericKubernetesResource.class)));
        }
      }
    }
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
  }

  /** Makes every change applied so far durable; a no-op in memory. */
  public void sync() {
    if (log != null) {
      log.sync();
    }
  }

  @Override
  public void close() {
    if (log != null) {
      log.close();
    }
  }

  /** An object's identity across versions of its API: group, kind, namespace, name. */
  static String id(GenericKubernetesResource r) {
    String apiVersion = r.getApiVersion() == null ? "" : r.getApiVersion();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String namespace = r.getMetadata().getNamespace() == null ? "" : r.getMetadata().getNamespace();
    return group + "/" + r.getKind() + "/" + namespace + "/" + r.getMetadata().getName();
  }

  private static long resourceVersion(GenericKubernetesResource r) {
    try {
      return Long.parseLong(r.getMetadata().getResourceVersion());
    } catch (NumberFormatException | NullPointerException e) {
      return 0;
    }
  }
}
