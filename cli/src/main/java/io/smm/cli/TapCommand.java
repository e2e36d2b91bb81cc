package io.smm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smm.backend.http.ServerOptions;
import io.smm.backend.tap.GrpcStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * `smm tap ns/<ns> | workload/<name> | pod/<name>`: the sidecars' access logs, live, filtered on
 * the server, as the seed's lines or one JSON object per line. Runs until Ctrl-C (or the backend
 * goes away), then prints how many entries were shown and how many were lost.
 */
@Command(name = "tap", mixinStandardHelpOptions = true, description = "Watch live access logs of a namespace, workload or pod.")
class TapCommand implements Runnable {

  @picocli.CommandLine.ParentCommand
  Smm parent;

  /** The tap subscription, the same document the dashboard sends (the backend jar's graphql/operations/tap.graphql). */
  static final String QUERY = classpathText("/graphql/operations/tap.graphql");

  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(index = "0", paramLabel = "TARGET", description = "ns/<namespace>, workload/<name> or pod/<name>.")
  String target;

  @Option(names = {"-n", "--ns"}, defaultValue = "default", description = "Namespace of a workload or pod target (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--method", description = "Only requests with this HTTP method.")
  String method;

  @Option(names = "--response-code", paramLabel = "MIN,MAX", description = "Only responses with a status in this range, e.g. 500,599"
      + " (a gRPC call that failed inside HTTP 200 counts as its status's HTTP equivalent: Internal 500, Unavailable 503, ...).")
  String responseCode;

  @Option(names = "--grpc-status", paramLabel = "STATUS[,STATUS]", description = "Only gRPC calls with one of these statuses: codes or names,"
      + " e.g. 13 or Internal,Unavailable.")
  String grpcStatus;

  @Option(names = "--direction", description = "inbound or outbound, from the reporting proxy's side.")
  String direction;

  @Option(names = "--destination", description = "Only requests whose destination (pod, workload or authority) contains this.")
  String destination;

  @Option(names = "--path", description = "Only requests whose path starts with this.")
  String pathPrefix;

  @Option(names = "--header", paramLabel = "NAME=VALUE", description = "Only requests with this header value (e.g. user-agent=fasthttp).")
  String header;

  @Option(names = "--protocol", description = "http, grpc or tcp.")
  String protocol;

  @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text (the seed's lines) or json (one object per line).")
  String output;

  @Option(names = "--url", description = "The SMM backend (default: the running sandbox's dashboard, else http://127.0.0.1:"
      + ServerOptions.DEFAULT_PORT + ").")
  URI url;

  @Override
  public void run() {
    if (!output.equals("text") && !output.equals("json")) {
      throw new CliException("--output must be text or json, not " + output, 2);
    }
    ObjectNode filter = filter();
    URI backend = url != null ? url : BackendClient.defaultUrl();
    Optional<String> session = new BackendClient(backend, parent.kube).session();
    URI endpoint = URI.create(backend.toString().replaceFirst("^http", "ws").replaceAll("/+$", "") + "/api/graphql");
    PrintStream out = System.out;
    AtomicLong shown = new AtomicLong();
    AtomicLong dropped = new AtomicLong();
    AtomicLong matched = new AtomicLong();
    GraphqlWsClient client;
    try {
      client = GraphqlWsClient.subscribe(endpoint, session, QUERY, JSON.createObjectNode().set("filter", filter), data -> {
        JsonNode batch = data.path("tap");
        for (JsonNode e : batch.path("entries")) {
          out.println(output.equals("json") ? e.toString() : TapLine.of(e));
          shown.incrementAndGet();
        }
        out.flush();
        dropped.set(batch.path("dropped").asLong());
        matched.set(batch.path("matched").asLong());
      });
    } catch (CompletionException e) {
      throw new CliException("cannot reach the SMM backend at " + backend + ": " + Smm.oneLine(KubeOptions.rootMessage(e))
          + " (start it with `smm sandbox up` or pass --url)", 1);
    }
    System.err.println("✓ start tapping " + target + (target.startsWith("ns/") ? "" : " in " + namespace));
    AtomicBoolean stopping = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.set(true);
      client.close();
      summary(shown.get(), matched.get(), dropped.get());
    }, "smm-tap-shutdown"));
    try {
      client.done.join();
    } catch (CompletionException e) {
      if (stopping.get()) {
        return; // stopped by Ctrl-C; the hook prints the summary
      }
      throw new CliException("tap ended: " + Smm.oneLine(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), 1);
    }
  }

  private static void summary(long shown, long matched, long dropped) {
    System.err.println("✓ " + shown + " entries shown" + (dropped > 0 ? ", " + dropped + " of " + matched
        + " dropped because this tap did not keep up" : ""));
  }

  /** The server-side filter; what cannot work is refused here, before connecting. */
  ObjectNode filter() {
    int slash = target.indexOf('/');
    if (slash <= 0 || slash == target.length() - 1) {
      throw new CliException("TARGET must be ns/<namespace>, workload/<name> or pod/<name>, not " + target, 2);
    }
    String kind = target.substring(0, slash);
    String name = target.substring(slash + 1);
    ObjectNode f = JSON.createObjectNode();
    boolean ns = kind.equals("ns") || kind.equals("namespace");
    f.put("kind", kind).put("namespace", ns ? name : namespace);
    if (!ns) {
      f.put("name", name);
    }
    if (responseCode != null) {
      String[] range = responseCode.split(",");
      try {
        f.put("minResponseCode", Integer.parseInt(range[0].trim()))
            .put("maxResponseCode", Integer.parseInt((range.length > 1 ? range[1] : range[0]).trim()));
      } catch (NumberFormatException e) {
        throw new CliException("--response-code must be MIN,MAX (e.g. 500,599), not " + responseCode, 2);
      }
    }
    putIf(f, "method", method);
    putIf(f, "direction", direction);
    putIf(f, "destination", destination);
    putIf(f, "pathPrefix", pathPrefix);
    putIf(f, "header", header);
    putIf(f, "protocol", protocol);
    if (grpcStatus != null && !grpcStatus.isBlank()) {
      try {
        for (String s : grpcStatus.split(",")) {
          GrpcStatus.parse(s);
        }
      } catch (IllegalArgumentException e) {
        throw new CliException("--grpc-status: " + e.getMessage(), 2);
      }
      f.put("grpcStatus", grpcStatus);
    }
    return f;
  }

  private static void putIf(ObjectNode f, String field, String value) {
    if (value != null && !value.isBlank()) {
      f.put(field, value);
    }
  }

  private static String classpathText(String path) {
    try (var in = TapCommand.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
