package io.smm.cli.agent;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smm.backend.vm.VmBootstrap;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One pass of smm-agent over the VM, as a chain of named steps (seed 2.9.4.1 "smm-agent
 * reconcile"): fetch the WorkloadGroup's mesh configuration, write Istio's VM files, install the
 * istio-sidecar package of the control plane's Istio version, make sure Istio runs, and (for the
 * one-off command) that smm-agent itself runs as a service. Nothing is written before the
 * configuration has been fetched whole: a rejected token or unknown group leaves the VM as it was.
 * A new Istio version is installed but a running Istio is not restarted: that interrupts traffic,
 * the user chooses when (seed 2.9.4.3).
 */
public final class HostReconciler {

  /** Where pilot-agent reads what it needs on a VM (Istio's VM layout). */
  static final String CLUSTER_ENV = "/var/lib/istio/envoy/cluster.env";
  static final String MESH_CONFIG = "/etc/istio/config/mesh";
  static final String ROOT_CERT = "/etc/certs/root-cert.pem";
  static final String TOKEN = "/var/run/secrets/tokens/istio-token";
  static final String HOSTS = "/etc/hosts";
  static final String ISTIO_SERVICE = "istio";
  static final String AGENT_SERVICE = "smm-agent";
  static final String SIDECAR_PACKAGE = "istio-sidecar";
  private static final String HOSTS_BEGIN = "# BEGIN smm-agent: mesh addresses";
  private static final String HOSTS_END = "# END smm-agent";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final VmHost host;
  private final BootstrapClient client;
  private final PrintStream out;

  public HostReconciler(VmHost host, BootstrapClient client, PrintStream out) {
    this.host = host;
    this.client = client;
    this.out = out;
  }

  /** What a pass did. */
  public record Outcome(boolean changed, boolean istioRestartNeeded, VmBootstrap bootstrap) {}

  /**
   * @param ensureAgentService the one-off command: also start smm-agent's own service (the service
   *     itself does not), and say what was fetched even when nothing changes (the service only
   *     reports changes, or its log would repeat every pass)
   */
  public Outcome reconcile(AgentConfig config, boolean ensureAgentService) {
    List<String> problems = config.problems();
    if (!problems.isEmpty()) {
      throw new AgentException("configuration is invalid: " + String.join("; ", problems));
    }
    VmBootstrap bootstrap = step("fetch-config", () -> client.fetch(config));
    if (ensureAgentService) {
      say("fetch-config", "mesh configuration fetched workloadGroup=" + bootstrap.namespace() + "/" + bootstrap.workloadGroup()
          + ", revision=" + bootstrap.revision() + ", network=" + bootstrap.network() + ", gateways=" + bootstrap.gatewayAddresses());
    }
    boolean changed = false;
    for (var file : files(config, bootstrap).entrySet()) {
      boolean secret = file.getKey().equals(TOKEN);
      if (!host.readFile(file.getKey()).orElse("").equals(file.getValue())) {
        step("write-istio-config", () -> host.writeFile(file.getKey(), file.getValue(), secret));
        say("write-istio-config", "file written path=" + file.getKey());
        changed = true;
      }
    }
    String version = bootstrap.istioVersion();
    String installed = host.installedVersion(SIDECAR_PACKAGE).orElse(null);
    boolean restartNeeded = false;
    if (!version.equals(installed)) {
      URI source = packageSource(version, host.packager());
      say("install-pilot-agent", "downloading and installing OS package component=pilot-agent, version=" + version + ", source=" + source);
      step("install-pilot-agent", () -> host.install(SIDECAR_PACKAGE, version, source));
      changed = true;
      restartNeeded = installed != null && host.active(ISTIO_SERVICE);
      if (restartNeeded) {
        say("install-pilot-agent", "Istio " + version + " installed; the running Istio " + installed
            + " keeps serving until you restart it (systemctl stop istio)");
      }
    }
    if (!host.active(ISTIO_SERVICE)) {
      say("systemd-ensure-istio-running", "starting service args=[" + ISTIO_SERVICE + "]");
      step("systemd-ensure-istio-running", () -> host.start(ISTIO_SERVICE));
      changed = true;
    }
    if (ensureAgentService && !host.active(AGENT_SERVICE)) {
      say("systemd-ensure-smm-agent-running", "starting service args=[" + AGENT_SERVICE + "]");
      step("systemd-ensure-smm-agent-running", () -> host.start(AGENT_SERVICE));
      changed = true;
    }
    return new Outcome(changed, restartNeeded, bootstrap);
  }

  /**
   * The files pilot-agent reads, with the VM's own settings added: its address for the mesh
   * (ISTIO_SVC_IP), extra labels merged into the group's, the token it presents to istiod, and
   * istiod's name at the meshexpansion gateway in a block of /etc/hosts the agent owns.
   */
  Map<String, String> files(AgentConfig config, VmBootstrap bootstrap) {
    Map<String, String> files = new TreeMap<>();
    StringBuilder env = new StringBuilder();
    for (String line : bootstrap.file("cluster.env").split("\n")) {
      if (line.startsWith("ISTIO_METAJSON_LABELS=") && !config.additionalLabels().isEmpty()) {
        String merged = mergedLabels(line.substring(line.indexOf('=') + 1), config.additionalLabels());
        line = "ISTIO_METAJSON_LABELS=" + VmBootstrap.shellQuote(merged);
      }
      if (!line.isBlank()) {
        env.append(line).append('\n');
      }
    }
    if (config.nodeIp() != null) {
      env.append("ISTIO_SVC_IP=").append(config.nodeIp()).append('\n');
    }
    files.put(CLUSTER_ENV, env.toString());
    files.put(MESH_CONFIG, bootstrap.file("mesh.yaml"));
    files.put(ROOT_CERT, bootstrap.file("root-cert.pem"));
    files.put(TOKEN, config.bearerToken());
    files.put(HOSTS, hosts(host.readFile(HOSTS).orElse(""), bootstrap.file("hosts")));
    return files;
  }

  /** /etc/hosts with the agent's block replaced (or added), everything else kept as the VM had it. */
  static String hosts(String current, String entries) {
    List<String> kept = new ArrayList<>();
    boolean inBlock = false;
    for (String line : current.split("\n", -1)) {
      if (line.equals(HOSTS_BEGIN)) {
        inBlock = true;
      } else if (line.equals(HOSTS_END)) {
        inBlock = false;
      } else if (!inBlock) {
        kept.add(line);
      }
    }
    while (!kept.isEmpty() && kept.get(kept.size() - 1).isEmpty()) {
      kept.remove(kept.size() - 1);
    }
    String head = kept.isEmpty() ? "" : String.join("\n", kept) + "\n";
    return head + HOSTS_BEGIN + "\n" + entries.strip() + "\n" + HOSTS_END + "\n";
  }

  private static String mergedLabels(String quoted, Map<String, String> extra) {
    String json = quoted.startsWith("'") && quoted.endsWith("'") ? quoted.substring(1, quoted.length() - 1).replace("'\"'\"'", "'") : quoted;
    try {
      Map<String, String> labels = new TreeMap<>(JSON.readValue(json, new TypeReference<Map<String, String>>() {}));
      labels.putAll(extra);
      return JSON.writeValueAsString(labels);
    } catch (IOException e) {
      throw new AgentException("the dashboard's ISTIO_METAJSON_LABELS is not a JSON object: " + e.getMessage());
    }
  }

  /** Istio's release packages for VMs (istio.io "Virtual Machine Installation"). */
  static URI packageSource(String version, String packager) {
    return URI.create("https://storage.googleapis.com/istio-release/releases/" + version + "/" + packager + "/istio-sidecar."
        + packager);
  }

  private void step(String name, Runnable action) {
    step(name, () -> {
      action.run();
      return null;
    });
  }

  private <T> T step(String name, Supplier<T> action) {
    try {
      return action.get();
    } catch (AgentException e) {
      throw new AgentException(name + " ❯ " + e.getMessage(), e);
    }
  }

  private void say(String step, String message) {
    out.println("✓ " + step + " ❯ " + message);
  }
}
