package io.smm.backend.cluster;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.smm.backend.graphql.LatestValuePublisher;
import java.util.Comparator;
import java.util.List;

/** Keeps the namespace list current from a watch (informer) and publishes it to subscribers. */
public class NamespaceFeed implements AutoCloseable {

  private final LatestValuePublisher<List<NamespaceInfo>> publisher = new LatestValuePublisher<>();
  private final SharedIndexInformer<Namespace> informer;

  public NamespaceFeed(KubernetesClient client) {
    informer = client.namespaces().runnableInformer(0);
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Namespace obj) {
        republish();
      }

      @Override
      public void onUpdate(Namespace oldObj, Namespace newObj) {
        republish();
      }

      @Override
      public void onDelete(Namespace obj, boolean deletedFinalStateUnknown) {
        republish();
      }
    });
    // start() does not block: an unreachable API server is retried in the background.
    informer.start();
  }

  private void republish() {
    publisher.publish(informer.getStore().list().stream()
        .map(NamespaceInfo::of)
        .sorted(Comparator.comparing(NamespaceInfo::name))
        .toList());
  }

  public LatestValuePublisher<List<NamespaceInfo>> publisher() {
    return publisher;
  }

  @Override
  public void close() {
    informer.close();
  }
}
