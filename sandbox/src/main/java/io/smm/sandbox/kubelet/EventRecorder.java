package io.smm.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events as the controllers, the scheduler and the kubelet do (same reasons and
 * messages), so `kubectl describe`/`get events` and the dashboard's drill-down show a pod's
 * history. A repeat of the same event on the same object bumps its count, as the event
 * recorder's aggregation does. Best effort: a failed write is logged, never fails the caller.
 */
public final class EventRecorder {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final KubernetesClient client;
  private final String host;

  public EventRecorder(KubernetesClient client, String host) {
    this.client = client;
    this.host = host;
  }

  public void normal(HasMetadata about, String component, String reason, String message) {
    record(about, "Normal", component, reason, message);
  }

  public void warning(HasMetadata about, String component, String reason, String message) {
    record(about, "Warning", component, reason, message);
  }

  private void record(HasMetadata about, String type, String component, String reason, String message) {
    String namespace = about.getMetadata().getNamespace() == null ? "default" : about.getMetadata().getNamespace();
    String name = about.getMetadata().getName() + "." + Integer.toHexString((about.getMetadata().getUid() + reason + message).hashCode());
    String now = Instant.now().toString();
    try {
      var resource = client.v1().events().inNamespace(namespace).withName(name);
      Event existing = resource.get();
      if (existing != null) {
        resource.edit(e -> {
          e.setCount(e.getCount() == null ? 2 : e.getCount() + 1);
          e.setLastTimestamp(now);
          return e;
        });
        return;
      }
      client.v1().events().inNamespace(namespace).resource(new EventBuilder()
          .withNewMetadata().withName(name).withNamespace(namespace).withCreationTimestamp(now).endMetadata()
          .withNewInvolvedObject().withApiVersion(about.getApiVersion()).withKind(about.getKind())
          .withNamespace(about.getMetadata().getNamespace()).withName(about.getMetadata().getName())
          .withUid(about.getMetadata().getUid()).endInvolvedObject()
          .withType(type).withReason(reason).withMessage(message)
          .withNewSource().withComponent(component).withHost(component.equals("kubelet") ? host : null).endSource()
          .withReportingComponent(component).withReportingInstance(host)
          .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
          .build()).create();
    } catch (KubernetesClientException e) {
      LOG.debug("event {} {} not recorded: {}", reason, name, e.getMessage());
    }
  }
}
