package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smm.api.Durations;
import io.smm.operator.istio.SidecarInjection;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** `smm sidecar-proxy auto-inject on|off <namespace> [--controlplane]`, `egress recommend` (seed). */
@Command(name = "sidecar-proxy", mixinStandardHelpOptions = true, description = "Sidecar proxy settings.",
    subcommands = {SidecarProxyCommand.AutoInject.class, SidecarProxyCommand.Egress.class})
class SidecarProxyCommand {

  @ParentCommand
  Smm parent;

  @Command(name = "auto-inject", mixinStandardHelpOptions = true,
      description = "Turn automatic sidecar injection on or off for a namespace (istio.io/rev=<controlplane>.<namespace>).")
  static class AutoInject implements Runnable {
    @ParentCommand
    SidecarProxyCommand sidecar;

    @Parameters(index = "0", description = "on or off")
    String state;

    @Parameters(index = "1", description = "namespace")
    String namespace;

    @Option(names = "--controlplane", defaultValue = "cp-v115x.istio-system",
        description = "Control plane whose sidecars to inject, name[.namespace] (default: ${DEFAULT-VALUE}).")
    String controlPlane;

    @Override
    public void run() {
      KubeOptions.Connection kube = sidecar.parent.kube.connect();
      try {
        switch (state) {
          case "on" -> {
            String revision = SidecarInjection.enable(kube.client(), namespace, controlPlane);
            System.out.println("auto sidecar injection successfully set to namespace " + namespace + " (istio.io/rev=" + revision + ")");
          }
          case "off" -> {
            SidecarInjection.disable(kube.client(), namespace);
            System.out.println("auto sidecar injection removed from namespace " + namespace);
          }
          default -> throw new CliException("unknown state '" + state + "': use on or off", 1);
        }
        System.out.println("Existing pods keep their proxy until restarted (kubectl rollout restart deployment -n " + namespace + ").");
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage(), 1);
      } finally {
        kube.client().close();
      }
    }
  }

  @Command(name = "egress", mixinStandardHelpOptions = true, description = "Outbound traffic restrictions (Sidecar resources).",
      subcommands = Egress.Recommend.class)
  static class Egress {
    @ParentCommand
    SidecarProxyCommand sidecar;

    /** The seed's table, then (with --apply) the save through the backend's validated path. */
    @Command(name = "recommend", mixinStandardHelpOptions = true,
        description = "Recommend (and with --apply, save) a Sidecar allowing only what the workload or namespace called.")
    static class Recommend implements Runnable {
      @ParentCommand
      Egress egress;

      static final String QUERY = "query($ns: String!, $w: String, $window: Int) { sidecarEgressRecommendation(namespace: $ns, "
          + "workload: $w, windowSeconds: $window) { name selector { key value } hosts yaml replacesExisting } }";
      static final String APPLY = "mutation($y: String!) { applyIstioResource(yaml: $y) { applied created "
          + "issues { checkId severity message } } }";

      @Parameters(index = "0", description = "namespace")
      String namespace;

      @Option(names = "--workload", description = "Only this workload (Deployment or StatefulSet name).")
      String workload;

      @Option(names = "--apply", description = "Save the recommended Sidecar.")
      boolean apply;

      @Option(names = "--window", defaultValue = "24h", description = "How far back to look at traffic (e.g. 1h, 24h; default ${DEFAULT-VALUE}).")
      String window;

      @Option(names = "--url", description = "The SMM backend (default: the running sandbox's dashboard, else http://127.0.0.1:50500).")
      URI url;

      @Override
      public void run() {
        long seconds;
        try {
          seconds = Durations.parse(window).toSeconds();
        } catch (IllegalArgumentException e) {
          throw new CliException("--window must be a duration such as 1h or 24h, not " + window, 2);
        }
        BackendClient backend = new BackendClient(url, egress.sidecar.parent.kube);
        var variables = new ObjectMapper().createObjectNode().put("ns", namespace).put("w", workload)
            .put("window", seconds);
        JsonNode r = backend.query(QUERY, variables).path("sidecarEgressRecommendation");
        System.out.println("Recommended sidecar egress rules for " + (workload == null ? "namespace " + namespace : namespace + "/" + workload));
        System.out.println();
        List<String> selector = new ArrayList<>();
        r.path("selector").forEach(l -> selector.add(l.path("key").asText() + "=\"" + l.path("value").asText() + "\""));
        List<String> hosts = new ArrayList<>();
        r.path("hosts").forEach(h -> hosts.add(h.asText()));
        int rows = Math.max(selector.size(), hosts.size());
        String format = "%-22s %-18s %-60s %-5s %-5s %s%n";
        System.out.printf(format, "Sidecar", "Selector", "Hosts", "Bind", "Port", "Capture Mode");
        for (int i = 0; i < rows; i++) {
          System.out.printf(format, i == 0 ? r.path("name").asText() : "", i < selector.size() ? selector.get(i) : "",
              i < hosts.size() ? hosts.get(i) : "", i == 0 ? "-" : "", "", "");
        }
        if (!apply) {
          return;
        }
        JsonNode saved = backend.query(APPLY, new ObjectMapper().createObjectNode()
            .put("y", r.path("yaml").asText())).path("applyIstioResource");
        if (!saved.path("applied").asBoolean()) {
          StringBuilder why = new StringBuilder();
          saved.path("issues").forEach(i -> why.append("\n  ").append(i.path("severity").asText()).append(": ")
              .append(i.path("message").asText()).append(" [").append(i.path("checkId").asText()).append(']'));
          throw new CliException("not applied: the Sidecar has validation errors:" + why, 1);
        }
        System.out.println();
        System.out.println("✓ Sidecar " + namespace + "/" + r.path("name").asText() + (saved.path("created").asBoolean() ? " created" : " updated"));
      }
    }
  }
}
