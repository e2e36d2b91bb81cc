package io.smm.backend.vm;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * What a VM needs to join the mesh as a member of a WorkloadGroup, as {@code istioctl x workload
 * entry configure --autoregister} writes it: {@code cluster.env} (the sidecar's environment),
 * {@code mesh.yaml} (its proxy config: discovery address, metadata, the group's probe),
 * {@code root-cert.pem} (the mesh's trust root) and {@code hosts} (istiod's name at the
 * meshexpansion gateway's address), plus the facts the agent reports and follows.
 *
 * @param revision the control plane the group's namespace belongs to (istio.io/rev, e.g. cp-v115x.istio-system)
 * @param istioVersion the Istio version of that control plane, the sidecar package the VM installs
 * @param discoveryAddress where the VM's pilot-agent reaches istiod (name:15012, resolved through {@code hosts})
 * @param gatewayAddresses the meshexpansion gateway's external addresses (they may change; the agent follows)
 * @param files file name to content, exactly as written on the VM
 */
@JsonIgnoreProperties(ignoreUnknown = true) // smm-agent reads it: a newer backend may say more
public record VmBootstrap(String namespace, String workloadGroup, String serviceAccount, String network, String clusterId,
    String revision, String istioVersion, String discoveryAddress, List<String> gatewayAddresses, Map<String, String> files) {

  public static final List<String> FILE_NAMES = List.of("cluster.env", "mesh.yaml", "root-cert.pem", "hosts");

  /** One of the files; {@link IllegalStateException} when the answer lacks it (not a Service Mesh Manager backend?). */
  public String file(String name) {
    String content = files == null ? null : files.get(name);
    if (content == null) {
      throw new IllegalStateException("the dashboard's answer has no " + name + ": is it a Service Mesh Manager backend?");
    }
    return content;
  }

  /** A cluster.env value as a POSIX shell word: bare when safe, else in single quotes (pilot-agent's cluster.env is sourced by a shell). */
  public static String shellQuote(String value) {
    if (!value.isEmpty() && value.matches("[A-Za-z0-9_@%+=:,./-]+")) {
      return value;
    }
    return "'" + value.replace("'", "'\"'\"'") + "'";
  }
}
