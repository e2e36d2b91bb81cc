package io.smm.cli.agent;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * The backend's answer for a WorkloadGroup (GET /api/vm/v1/workloadgroups/{namespace}/{name}):
 * the files {@code istioctl x workload entry configure} would write, and what the agent follows
 * (the control plane's Istio version, the meshexpansion gateway's addresses).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MeshBootstrap(String namespace, String workloadGroup, String serviceAccount, String network, String clusterId,
    String revision, String istioVersion, String discoveryAddress, List<String> gatewayAddresses, Map<String, String> files) {

  public String file(String name) {
    String content = files == null ? null : files.get(name);
    if (content == null) {
      throw new AgentException("the dashboard's answer has no " + name + ": is it a Service Mesh Manager backend?");
    }
    return content;
  }
}
