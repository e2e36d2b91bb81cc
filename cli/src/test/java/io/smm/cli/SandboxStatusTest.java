package io.smm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.smm.sandbox.SandboxHome;
import io.smm.sandbox.SandboxState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `smm sandbox status` says when a process the sandbox runs is down, instead of printing its URL as if it answered. */
class SandboxStatusTest {

  @TempDir
  Path dir;
  Process sandbox;
  Process prometheus;

  /** A process whose command line carries {@code name}, as the real ones do: a script of that name. */
  Process named(String name) throws Exception {
    Path script = Files.writeString(dir.resolve(name), "#!/bin/sh\nsleep 120\n");
    script.toFile().setExecutable(true);
    return new ProcessBuilder("sh", script.toString()).start();
  }

  @AfterEach
  void stop() {
    for (Process p : new Process[] {sandbox, prometheus}) {
      p.descendants().forEach(ProcessHandle::destroy); // the script's sleep
      p.destroy();
    }
  }

  String status(SandboxHome home, String output) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SandboxCommand.Status.print(home, output, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aDeadAlertmanagerIsReportedDownAndARunningPrometheusIsNot() throws Exception {
    sandbox = named("smm-sandbox");
    prometheus = named("fake-prometheus");
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Map<String, Long> children = new LinkedHashMap<>();
    children.put("prometheus", prometheus.pid());
    children.put("alertmanager", gone.pid());
    SandboxHome home = new SandboxHome(dir.resolve("sandbox"));
    new SandboxState(sandbox.pid(), "/k", "https://127.0.0.1:1", "http://127.0.0.1:2/prometheus", "http://127.0.0.1:3", null, children)
        .write(home.stateFile());

    String text = status(home, "text");
    assertThat(text).contains("prometheus:   http://127.0.0.1:2/prometheus\n")
        .contains("alertmanager: http://127.0.0.1:3  (down: not running; the sandbox restarts it, see "
            + home.root().resolve("alertmanager").resolve("alertmanager.log") + ")");
    assertThat(status(home, "json")).contains("\"down\":[\"alertmanager\"]");
  }
}
