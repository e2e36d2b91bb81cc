package io.smm.backend.mesh;

import java.util.List;

/**
 * One Istio control plane as the Mesh page's drill-down shows it (seed 2.5.2): basic settings, its
 * istiod pods, the proxies it manages with their xDS sync status as istiod reports it
 * (istioctl proxy-status' SYNCED / STALE / NOT SENT), the trust bundle, and proxy metrics over time.
 *
 * @param proxyStatusError why the sync status could not be read from istiod (null when it was)
 * @param errors the parts Prometheus could not answer
 */
public record ControlPlaneDetail(String name, String namespace, String revision, String version, String trustDomain, String rootNamespace,
    List<IstiodPod> pods, List<ProxySync> proxies, String proxyStatusError, List<Certificate> trustBundle, List<Line> proxyVersions,
    List<Line> rejectedUpdates, List<String> errors) {

  /** An istiod pod: phase, readiness, restarts, node and IP, as kubectl get pods -o wide shows them. */
  public record IstiodPod(String name, String phase, boolean ready, int restarts, String node, String ip, String startTime) {}

  /**
   * A proxy of this control plane: its pod, Istio version and per xDS type SYNCED, STALE (sent, not
   * acknowledged), NOT SENT, or NOT CONNECTED when istiod does not know it.
   */
  public record ProxySync(String pod, String namespace, String istioVersion, String cds, String lds, String eds, String rds) {}

  /** A certificate of the trust bundle (root-cert.pem of ConfigMap istio-ca-root-cert). */
  public record Certificate(String subject, String issuer, String notBefore, String notAfter, String sha256, boolean ca) {}

  /** A named series of (RFC 3339 time, value) points. */
  public record Line(String name, List<TimeValue> points) {}

  public record TimeValue(String time, Double value) {}
}
