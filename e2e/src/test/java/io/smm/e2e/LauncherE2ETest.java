package io.smm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/smm as the distribution ships it: the build's class-data sharing archive is one the JVM can
 * map for the jar (a short command starts in two thirds of the time), and an archive that does not
 * fit (another copy of the jar, a jar rebuilt since) never shows up in what a command prints.
 */
class LauncherE2ETest {

  static final Path JAR = SmmProcess.ROOT.resolve("cli/target/smm.jar");
  static final Path ARCHIVE = SmmProcess.ROOT.resolve("cli/target/smm.jsa");

  @Test
  void theBuildsArchiveIsMappedForTheJar() throws Exception {
    assertThat(ARCHIVE).as("made by the cli build beside the jar").exists();
    Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:SharedArchiveFile=" + ARCHIVE, "-Xlog:cds", "-jar", JAR.toRealPath().toString(), "--version")
        .redirectErrorStream(true).start();
    String output = new String(java.getInputStream().readAllBytes());
    assertThat(java.waitFor()).isZero();
    assertThat(output).contains("Opened archive " + ARCHIVE).doesNotContain("Unable to use shared archive");
  }

  @Test
  void aCommandPrintsOnlyItsOwnOutputWithOrWithoutAFittingArchive(@TempDir Path dist) throws Exception {
    assertThat(SmmProcess.run(Map.of(), "--version").output()).matches("smm \\S+");
    // A distribution laid out as bin/ and lib/, its archive made for the build's jar, not this one; then older than the jar.
    Files.createDirectories(dist.resolve("bin"));
    Files.createDirectories(dist.resolve("lib"));
    Files.copy(SmmProcess.ROOT.resolve("bin/smm"), dist.resolve("bin/smm"), StandardCopyOption.COPY_ATTRIBUTES);
    Files.copy(JAR, dist.resolve("lib/smm.jar"));
    Files.copy(ARCHIVE, dist.resolve("lib/smm.jsa"));
    Files.setLastModifiedTime(dist.resolve("lib/smm.jsa"), FileTime.from(Instant.now().plusSeconds(60)));
    assertThat(run(dist)).as("an archive of another jar").matches("smm \\S+");
    Files.setLastModifiedTime(dist.resolve("lib/smm.jar"), FileTime.from(Instant.now().plusSeconds(120)));
    assertThat(run(dist)).as("a jar newer than its archive").matches("smm \\S+");
  }

  static String run(Path dist) throws Exception {
    Process smm = new ProcessBuilder(dist.resolve("bin/smm").toString(), "--version").redirectErrorStream(true).start();
    String output = new String(smm.getInputStream().readAllBytes()).strip();
    assertThat(smm.waitFor()).as(output).isZero();
    return output;
  }
}
