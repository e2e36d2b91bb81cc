package io.smm.backend.cluster;

import io.fabric8.kubernetes.api.model.Event;

/** A Kubernetes Event as `kubectl describe` lists it: type, reason, age, source, message, how often. */
public record EventInfo(String type, String reason, String message, int count, String firstSeen, String lastSeen, String source,
    String objectKind, String objectName) {

  static EventInfo of(Event e) {
    String last = e.getLastTimestamp() != null ? e.getLastTimestamp()
        : e.getEventTime() != null ? e.getEventTime().getTime() : e.getMetadata().getCreationTimestamp();
    String source = e.getSource() != null && e.getSource().getComponent() != null ? e.getSource().getComponent()
        : e.getReportingComponent() == null ? "" : e.getReportingComponent();
    return new EventInfo(e.getType() == null ? "Normal" : e.getType(), e.getReason() == null ? "" : e.getReason(),
        e.getMessage() == null ? "" : e.getMessage(), e.getCount() == null ? 1 : e.getCount(),
        e.getFirstTimestamp() != null ? e.getFirstTimestamp() : last, last, source,
        e.getInvolvedObject() == null ? "" : e.getInvolvedObject().getKind(),
        e.getInvolvedObject() == null ? "" : e.getInvolvedObject().getName());
  }
}
