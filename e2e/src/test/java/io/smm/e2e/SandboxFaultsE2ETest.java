package io.smm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees when the sandbox cannot start: one clear line, the documented exit code, nothing left running. */
class SandboxFaultsE2ETest {

  @Test
  void aMissingPrometheusBinaryNamesThePackageAndExitsWith2(@TempDir Path dir) throws Exception {
    // A PATH with just what bin/smm itself needs: no prometheus.
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (String tool : new String[] {"bash", "dirname"}) {
      Files.createSymbolicLink(bin.resolve(tool), Path.of(SandboxE2ETest.findOnPath(tool)));
    }
    // A free dashboard port: 50500 lies in Linux's ephemeral range, so on a busy machine anyone may hold it.
    SmmProcess.Result r = SmmProcess.run(Map.of("PATH", bin.toString(), "SMM_HOME", dir.resolve("home").toString()),
        "sandbox", "up", "--port", Integer.toString(SandboxE2ETest.freePort()));
    assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
    assertThat(r.output()).isEqualTo("Error: 'prometheus' not found on PATH; install the 'prometheus' package"
        + " (scripts/setup does it on Debian/Ubuntu)");
  }

  @Test
  void aTakenDashboardPortIsReportedAndEverythingStartedIsStoppedAgain(@TempDir Path dir) throws Exception {
    Path home = dir.resolve("home");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SmmProcess.Result r = SmmProcess.run(Map.of("SMM_HOME", home.toString()),
          "sandbox", "up", "--port", Integer.toString(taken.getLocalPort()));
      assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
      // Refused before anything starts, naming who holds the port (this test).
      assertThat(r.output()).startsWith("Error: Dashboard: port " + taken.getLocalPort() + " on 127.0.0.1 is in use")
          .contains("held by pid " + ProcessHandle.current().pid()).doesNotContain("Starting the smm sandbox");
    }
    assertThat(SandboxE2ETest.processesMentioning(home.toString())).isEmpty();
    assertThat(home.resolve("sandbox/state.json")).doesNotExist();
  }

  @Test
  void statusWithoutASandboxSaysSo(@TempDir Path dir) throws Exception {
    SmmProcess.Result r = SmmProcess.run(Map.of("SMM_HOME", dir.toString()), "sandbox", "status", "-o", "json");
    assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
    assertThat(r.output()).isEqualTo("Error: no sandbox is running; start one with `smm sandbox up`");
  }
}
