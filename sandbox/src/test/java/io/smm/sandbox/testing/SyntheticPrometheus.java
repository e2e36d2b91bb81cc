package io.smm.sandbox.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A real Prometheus holding series written by the test: counters are laid down as OpenMetrics,
 * turned into TSDB blocks by `promtool tsdb create-blocks-from openmetrics` and served by the
 * prometheus binary (no scraping), optionally with rule files it evaluates every second.
 */
public final class SyntheticPrometheus implements AutoCloseable {

  private final Map<String, List<String>> families = new TreeMap<>();
  private final Map<String, String> gauges = new TreeMap<>();
  private final List<String> ruleFiles = new ArrayList<>();
  private Process process;
  private int port;

  /** A counter series growing at {@code perSecond} from {@code from} to {@code to} (epoch seconds), one sample every 15 s. */
  public SyntheticPrometheus counter(String name, Map<String, String> labels, long from, long to, double perSecond, double startValue) {
    String family = name.endsWith("_total") ? name.substring(0, name.length() - 6) : name.replaceAll("_bucket$", "");
    String labelText = new TreeMap<>(labels).entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
        .collect(Collectors.joining(","));
    List<String> lines = families.computeIfAbsent(family, k -> new ArrayList<>());
    for (long t = from; t <= to; t += 15) {
      lines.add(name + "{" + labelText + "} " + (startValue + perSecond * (t - from)) + " " + t);
    }
    return this;
  }

  /** A gauge series holding {@code value} from {@code from} to {@code to}, one sample every 15 s. */
  public SyntheticPrometheus gauge(String name, Map<String, String> labels, long from, long to, double value) {
    gauges.put(name, name);
    return counter(name, labels, from, to, 0, value);
  }

  /** A rule file (Prometheus format) to load; rules are evaluated every second from the start. */
  public SyntheticPrometheus rules(String ruleFileYaml) {
    ruleFiles.add(ruleFileYaml);
    return this;
  }

  public SyntheticPrometheus start(Path dir) throws IOException, InterruptedException {
    StringBuilder om = new StringBuilder();
    families.forEach((family, lines) -> {
      om.append("# TYPE ").append(family).append(gauges.containsKey(family) ? " gauge\n"
          : family.endsWith("_bucket") ? " histogram\n" : " counter\n");
      // promtool wants each series' samples together and in time order.
      lines.stream().sorted((a, b) -> {
        String sa = a.substring(0, a.lastIndexOf('}'));
        String sb = b.substring(0, b.lastIndexOf('}'));
        int c = sa.compareTo(sb);
        return c != 0 ? c : Long.compare(Long.parseLong(a.substring(a.lastIndexOf(' ') + 1)),
            Long.parseLong(b.substring(b.lastIndexOf(' ') + 1)));
      }).forEach(l -> om.append(l).append('\n'));
    });
    om.append("# EOF\n");
    Path input = dir.resolve("series.om");
    Files.writeString(input, om);
    Path data = dir.resolve("data");
    Process promtool = new ProcessBuilder("promtool", "tsdb", "create-blocks-from", "openmetrics", input.toString(), data.toString())
        .redirectErrorStream(true).start();
    String out = new String(promtool.getInputStream().readAllBytes());
    if (promtool.waitFor() != 0) {
      throw new IllegalStateException("promtool failed: " + out);
    }
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    StringBuilder config = new StringBuilder("global:\n  evaluation_interval: 1s\n");
    if (!ruleFiles.isEmpty()) {
      config.append("rule_files:\n");
      for (int i = 0; i < ruleFiles.size(); i++) {
        Path rules = dir.resolve("rules-" + i + ".yml");
        Files.writeString(rules, ruleFiles.get(i));
        config.append("  - ").append(rules).append('\n');
      }
    }
    Files.writeString(dir.resolve("prometheus.yml"), config.toString());
    process = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path=" + data,
        "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.retention.time=2d")
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(url() + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("prometheus did not start: " + Files.readString(dir.resolve("prometheus.log")));
      }
      Thread.sleep(100);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      process.destroy();
      process.waitFor();
    }
  }
}
