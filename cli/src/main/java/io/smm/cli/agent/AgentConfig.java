package io.smm.cli.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * smm-agent's configuration, the {@code /etc/smm/agent.yaml} of seed 2.9.4.1: which dashboard to
 * fetch the mesh configuration from, which WorkloadGroup the VM joins, the service account token
 * it authenticates with, the address the mesh reaches it at, and labels of its own. Unknown keys
 * are refused, so a typo is not silently ignored.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AgentConfig(
    @JsonProperty("dashboardURL") String dashboardUrl,
    @JsonProperty("workloadGroup") WorkloadGroupRef workloadGroup,
    @JsonProperty("bearerToken") String bearerToken,
    @JsonProperty("nodeIP") String nodeIp,
    @JsonProperty("additionalLabels") Map<String, String> additionalLabels) {

  public record WorkloadGroupRef(String namespace, String name) {}

  public static final AgentConfig EMPTY = new AgentConfig(null, null, null, null, Map.of());
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public AgentConfig {
    additionalLabels = additionalLabels == null ? Map.of() : Map.copyOf(new TreeMap<>(additionalLabels));
  }

  /** The file's configuration; {@link #EMPTY} when there is none yet. */
  public static AgentConfig load(Path file) {
    if (!Files.exists(file)) {
      return EMPTY;
    }
    try {
      AgentConfig c = YAML.readValue(file.toFile(), AgentConfig.class);
      return c == null ? EMPTY : c;
    } catch (JsonProcessingException e) {
      throw new AgentException(file + " is not a valid smm-agent configuration: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    } catch (IOException e) {
      throw new AgentException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Written whole to a temporary file first, then moved over: a crash never leaves half a file (it holds a token: owner-only). */
  public void save(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, YAML.writeValueAsString(this));
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: nothing to restrict
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new AgentException("cannot write " + file + ": " + e.getMessage());
    }
  }

  public AgentConfig withDashboardUrl(String url) {
    return new AgentConfig(url, workloadGroup, bearerToken, nodeIp, additionalLabels);
  }

  public AgentConfig withWorkloadGroup(String namespace, String name) {
    return new AgentConfig(dashboardUrl, new WorkloadGroupRef(namespace, name), bearerToken, nodeIp, additionalLabels);
  }

  public AgentConfig withBearerToken(String token) {
    return new AgentConfig(dashboardUrl, workloadGroup, token, nodeIp, additionalLabels);
  }

  public AgentConfig withNodeIp(String ip) {
    return new AgentConfig(dashboardUrl, workloadGroup, bearerToken, ip, additionalLabels);
  }

  public AgentConfig withLabels(Map<String, String> labels) {
    return new AgentConfig(dashboardUrl, workloadGroup, bearerToken, nodeIp, labels);
  }

  /**
   * With the node IP set, or else the address of this machine's interface that routes to the
   * dashboard (asked of the kernel: a connected UDP socket sends nothing). The seed's agent asks
   * ifconfig.me for the public address; the interface address is what the mesh reaches when the
   * VM and the clusters share a network, and it never sends anything to a third party.
   */
  public AgentConfig withDetectedNodeIp() {
    if (nodeIp != null || dashboardUrl == null || !validUrl(dashboardUrl)) {
      return this;
    }
    URI u = URI.create(dashboardUrl);
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket()) {
      probe.connect(InetAddress.getByName(u.getHost()), u.getPort() > 0 ? u.getPort() : 80);
      InetAddress local = probe.getLocalAddress();
      return local == null || local.isAnyLocalAddress() ? this : withNodeIp(local.getHostAddress());
    } catch (IOException e) {
      return this;
    }
  }

  /** What keeps this configuration from being used, one line each; empty when it can be. */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    if (dashboardUrl == null || dashboardUrl.isBlank()) {
      out.add("no dashboard URL: run 'smm-agent set dashboard-url <url>'");
    } else if (!validUrl(dashboardUrl)) {
      out.add("dashboard URL " + dashboardUrl + " is not an http(s) URL");
    }
    if (workloadGroup == null) {
      out.add("no workload group: run 'smm-agent set workload-group <namespace> <name>'");
    }
    if (bearerToken == null || bearerToken.isBlank()) {
      out.add("no bearer token: run 'smm-agent set bearer-token <token>'");
    }
    if (nodeIp != null && !validIp(nodeIp)) {
      out.add("node IP " + nodeIp + " is not an IP address");
    }
    return out;
  }

  static boolean validUrl(String url) {
    try {
      URI u = URI.create(url);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A literal IPv4 or IPv6 address (never a name: resolving one would ask DNS). */
  static boolean validIp(String ip) {
    if (!ip.matches("[0-9.]+|[0-9a-fA-F:]+") || !ip.contains(".") && !ip.contains(":")) {
      return false;
    }
    try {
      InetAddress.getByName(ip);
      return ip.contains(":") || ip.split("\\.").length == 4;
    } catch (IOException e) {
      return false;
    }
  }
}
