package io.smm.sandbox.tracing;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the Zipkin server's exec jar (io.zipkin:zipkin-server:3.4.2:exec, from Maven Central) is:
 * the {@code smm.zipkin.jar} system property or {@code SMM_ZIPKIN_JAR}, else zipkin-server.jar
 * next to the jar this class was loaded from (the build copies it beside smm.jar), else the local
 * Maven repository the build downloaded it into.
 */
public final class ZipkinJar {

  public static final String VERSION = "3.4.2";
  static final String FILE = "zipkin-server.jar";

  private ZipkinJar() {}

  public static Path locate() {
    List<Path> candidates = new ArrayList<>();
    String property = System.getProperty("smm.zipkin.jar");
    if (property != null && !property.isBlank()) {
      candidates.add(Path.of(property));
    }
    String env = System.getenv("SMM_ZIPKIN_JAR");
    if (env != null && !env.isBlank()) {
      candidates.add(Path.of(env));
    }
    try {
      Path codeSource = Path.of(ZipkinJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      candidates.add(codeSource.resolveSibling(FILE));
    } catch (URISyntaxException | RuntimeException e) {
      // no code source (unusual class loader): the other places remain
    }
    String repo = System.getProperty("maven.repo.local");
    Path repository = repo != null && !repo.isBlank() ? Path.of(repo) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    candidates.add(repository.resolve("io/zipkin/zipkin-server/" + VERSION + "/zipkin-server-" + VERSION + "-exec.jar"));
    return candidates.stream().filter(Files::isRegularFile).findFirst()
        .orElseThrow(() -> new IllegalStateException("the Zipkin server jar (io.zipkin:zipkin-server:" + VERSION + ":exec) is missing; "
            + "`make build` downloads it. Looked in " + candidates));
  }
}
