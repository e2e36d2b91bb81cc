package io.smm.operator.istio.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.smm.sandbox.testing.Eventually;
import io.smm.sandbox.testing.TestTimeouts;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A process that has rendered a chart with helm-java still stops on SIGTERM and runs its shutdown
 * hooks (Helm's Go runtime takes the signal handlers; {@link JvmSignals} gives them back). Without
 * that, `smm operator` in a pod and `smm sandbox up` ignore SIGTERM.
 */
class JvmSignalsTest {

  /** The child: renders the base chart, says so, then waits to be stopped. */
  public static final class RenderThenWait {
    public static void main(String[] args) throws Exception {
      Path mark = Path.of(args[0]);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          Files.writeString(mark, "shutdown hook ran");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
      try (HelmCharts charts = new HelmCharts()) {
        charts.render("base", "istio-operator-base", "istio-system", JsonNodeFactory.instance.objectNode());
        System.out.println("rendered");
        System.out.flush();
        Thread.sleep(120_000);
      }
    }
  }

  @Test
  void aProcessThatRenderedAChartStillStopsOnSigtermAndRunsItsShutdownHooks(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    Path mark = dir.resolve("hook");
    Process child = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
        "-cp", System.getProperty("java.class.path"), RenderThenWait.class.getName(), mark.toString()).redirectErrorStream(true).start();
    // Process.destroy() closes our end of the pipe: the child's lines are read on a thread of their own.
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        // closed by destroy(): what was read is what the child said
      }
    });
    reader.start();
    try {
      Eventually.until(() -> lines.contains("rendered") || !child.isAlive(), Duration.ofSeconds(60),
          "the child renders the chart");
      assertThat(lines).as("the child rendered the chart").contains("rendered");
      child.destroy(); // SIGTERM
      assertThat(child.waitFor(TestTimeouts.scaled(Duration.ofSeconds(15)).toSeconds(), TimeUnit.SECONDS))
          .as("the child stopped on SIGTERM").isTrue();
      assertThat(child.exitValue()).isEqualTo(143);
      assertThat(mark).hasContent("shutdown hook ran");
    } finally {
      child.destroyForcibly();
    }
  }
}
