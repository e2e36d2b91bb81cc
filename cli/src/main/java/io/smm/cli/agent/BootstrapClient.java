package io.smm.cli.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smm.backend.vm.VmBootstrap;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Fetches the VM's mesh configuration from the exposed dashboard, authenticated by the WorkloadGroup's service account token. */
public final class BootstrapClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** @throws AgentException saying which: unreachable dashboard, rejected token, unknown group, or what the backend refused */
  public VmBootstrap fetch(AgentConfig config) {
    String base = config.dashboardUrl().replaceAll("/+$", "");
    URI uri = URI.create(base + "/api/vm/v1/workloadgroups/" + enc(config.workloadGroup().namespace()) + "/"
        + enc(config.workloadGroup().name()));
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + config.bearerToken()).header("Accept", "application/json").GET().build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new AgentException("dashboard " + base + " is unreachable (connection refused)");
    } catch (HttpTimeoutException e) {
      throw new AgentException("dashboard " + base + " did not answer in time");
    } catch (IOException e) {
      throw new AgentException("dashboard " + base + " is unreachable: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException("interrupted while fetching the mesh configuration");
    }
    String reason = reason(response.body());
    return switch (response.statusCode()) {
      case 200 -> parse(response.body());
      case 401 -> throw new AgentException("the bearer token was rejected (wrong or expired?): " + reason);
      case 403 -> throw new AgentException("the bearer token may not join this workload group: " + reason);
      case 404 -> throw new AgentException(reason.isEmpty() ? "dashboard " + base + " serves no VM configuration (404)" : reason);
      default -> throw new AgentException("dashboard answered " + response.statusCode() + (reason.isEmpty() ? "" : ": " + reason));
    };
  }

  /** The answer, whole: every file pilot-agent needs is in it, or nothing of it is used. */
  private static VmBootstrap parse(String body) {
    VmBootstrap b;
    try {
      b = JSON.readValue(body, VmBootstrap.class);
    } catch (IOException e) {
      throw new AgentException("the dashboard's answer is not a VM configuration: " + e.getMessage());
    }
    for (String name : VmBootstrap.FILE_NAMES) {
      if (b.files() == null || b.files().get(name) == null) {
        throw new AgentException("the dashboard's answer has no " + name + ": is it a Service Mesh Manager backend?");
      }
    }
    return b;
  }

  private static String reason(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n == null ? "" : n.path("error").asText("");
    } catch (IOException e) {
      return "";
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
