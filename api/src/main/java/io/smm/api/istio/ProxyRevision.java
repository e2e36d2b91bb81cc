package io.smm.api.istio;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Istio revision whose proxy a pod runs. Istio's sidecar injector does not label injected
 * pods with istio.io/rev (only the gateway template does); it records the revision in the
 * {@code sidecar.istio.io/status} annotation ({@code "revision":"cp-v115x.istio-system"}). The
 * label wins when present (gateways, pods labelled for the object-selector webhook).
 */
public final class ProxyRevision {

  public static final String LABEL = "istio.io/rev";
  public static final String STATUS_ANNOTATION = "sidecar.istio.io/status";
  private static final Pattern REVISION = Pattern.compile("\"revision\"\\s*:\\s*\"([^\"]*)\"");

  private ProxyRevision() {}

  /** The revision, or null for a pod without an Istio proxy. */
  public static String of(Map<String, String> labels, Map<String, String> annotations) {
    String label = labels == null ? null : labels.get(LABEL);
    if (label != null && !label.isEmpty()) {
      return label;
    }
    String status = annotations == null ? null : annotations.get(STATUS_ANNOTATION);
    if (status == null) {
      return null;
    }
    Matcher m = REVISION.matcher(status);
    return m.find() ? m.group(1) : null;
  }
}
