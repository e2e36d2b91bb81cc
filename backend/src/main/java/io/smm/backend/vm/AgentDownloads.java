package io.smm.backend.vm;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a VM downloads from the exposed dashboard to get smm-agent (seed 2.9.4.1: {@code curl
 * http://<dashboard-url>/get/smm-agent | bash}): the installer script, with this dashboard's URL
 * in it, and the agent itself, which is this distribution's jar (smm-agent is its second entry
 * point). No session: a VM has none, and neither holds a secret.
 */
public final class AgentDownloads {

  public static final String SCRIPT = "/get/smm-agent";
  public static final String JAR = "/get/smm-agent/smm.jar";

  private final String script;
  private final Optional<Path> jar;

  /** @param jar the distribution's jar; empty when the backend runs from classes (a development build) */
  public AgentDownloads(Optional<Path> jar) {
    this.jar = jar;
    try (InputStream in = AgentDownloads.class.getResourceAsStream("install-smm-agent.sh")) {
      this.script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("the smm-agent installer is missing from the backend's resources", e);
    }
  }

  /** The jar this code runs from, when it runs from one. */
  public static Optional<Path> runningJar() {
    try {
      Path p = Path.of(AgentDownloads.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? Optional.of(p) : Optional.empty();
    } catch (URISyntaxException | RuntimeException e) {
      return Optional.empty();
    }
  }

  public void mount(Router router) {
    router.get(SCRIPT).handler(this::script);
    router.get(JAR).handler(this::jar);
  }

  /** The installer, naming the dashboard as the VM reached it (the request's scheme and host, as a proxy forwards them). */
  String scriptFor(String baseUrl) {
    return script.replace("@BASE_URL@", baseUrl.replace("'", ""));
  }

  private void script(RoutingContext rc) {
    URI uri = URI.create(rc.request().absoluteURI());
    String proto = Optional.ofNullable(rc.request().getHeader("X-Forwarded-Proto")).orElse(uri.getScheme());
    String host = Optional.ofNullable(rc.request().getHeader("X-Forwarded-Host")).orElse(uri.getRawAuthority());
    rc.response().putHeader("Content-Type", "text/x-shellscript; charset=utf-8").end(scriptFor(proto + "://" + host));
  }

  private void jar(RoutingContext rc) {
    if (jar.isEmpty()) {
      rc.response().setStatusCode(404).putHeader("Content-Type", "text/plain")
          .end("this backend runs from a development build, not from the distribution's jar: install smm-agent from a release");
      return;
    }
    try {
      rc.response().putHeader("Content-Type", "application/java-archive").putHeader("Content-Length", Long.toString(Files.size(jar.get())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rc.response().sendFile(jar.get().toString());
  }
}
