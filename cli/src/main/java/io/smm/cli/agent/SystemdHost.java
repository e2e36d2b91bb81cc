package io.smm.cli.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Debian/Ubuntu or RHEL host run by systemd, the seed's supported VMs: files under a root
 * directory ("/" on a VM; another directory for tests), packages with dpkg/rpm (downloaded with
 * curl), services with systemctl. Every command goes through {@link #run}, with a timeout, and a
 * failure carries the command's own error output.
 */
public class SystemdHost implements VmHost {

  private static final long COMMAND_TIMEOUT_SECONDS = 300;
  private final Path root;

  public SystemdHost(Path root) {
    this.root = root;
  }

  /** A path on the VM, under this host's root. */
  public Path file(String path) {
    return root.resolve(path.startsWith("/") ? path.substring(1) : path);
  }

  @Override
  public String hostname() {
    Optional<String> file = readFile("/etc/hostname").map(String::strip).filter(s -> !s.isEmpty());
    if (file.isPresent()) {
      return file.get();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  @Override
  public Optional<String> readFile(String path) {
    Path p = file(path);
    try {
      return Files.exists(p) ? Optional.of(Files.readString(p)) : Optional.empty();
    } catch (IOException e) {
      throw new AgentException("cannot read " + p + ": " + e.getMessage());
    }
  }

  @Override
  public void writeFile(String path, String content, boolean secret) {
    Path p = file(path);
    try {
      Files.createDirectories(p.getParent());
      Path tmp = p.resolveSibling(p.getFileName() + ".smm-agent.tmp");
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system
      }
      Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new AgentException("cannot write " + p + ": " + e.getMessage());
    }
  }

  @Override
  public String packager() {
    return Files.exists(file("/usr/bin/dpkg")) || Files.exists(file("/var/lib/dpkg")) ? "deb" : "rpm";
  }

  @Override
  public Optional<String> installedVersion(String pkg) {
    Result r = packager().equals("deb") ? run("dpkg-query", "-W", "-f=${Version}", pkg) : run("rpm", "-q", "--qf", "%{VERSION}", pkg);
    return r.exit() == 0 && !r.out().isBlank() ? Optional.of(r.out().strip()) : Optional.empty();
  }

  @Override
  public void install(String pkg, String version, URI source) {
    String local = "/var/cache/smm-agent/downloads/" + pkg + "-" + version + "." + packager();
    check(run("mkdir", "-p", file("/var/cache/smm-agent/downloads").toString()), "create the download cache");
    check(run("curl", "-fsSL", "--retry", "5", "-o", file(local).toString(), source.toString()), "download " + source);
    check(packager().equals("deb") ? run("dpkg", "-i", file(local).toString()) : run("rpm", "-U", "--force", file(local).toString()),
        "install " + pkg + " " + version);
  }

  @Override
  public boolean active(String service) {
    return run("systemctl", "is-active", "--quiet", service).exit() == 0;
  }

  @Override
  public void start(String service) {
    check(run("systemctl", "start", service), "start " + service);
  }

  @Override
  public void stop(String service) {
    check(run("systemctl", "stop", service), "stop " + service);
  }

  /** A command's exit code and output. */
  public record Result(int exit, String out, String err) {}

  /** Runs a command of the host (the PATH decides which one) and waits for it, at most five minutes. */
  protected Result run(String... command) {
    ProcessBuilder pb = new ProcessBuilder(List.of(command));
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      var out = p.getInputStream();
      var err = p.getErrorStream();
      List<byte[]> captured = new ArrayList<>();
      Thread errReader = new Thread(() -> {
        try {
          captured.add(err.readAllBytes());
        } catch (IOException e) {
          captured.add(new byte[0]);
        }
      });
      errReader.start();
      byte[] stdout = out.readAllBytes();
      if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(124, "", String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT_SECONDS + " s");
      }
      errReader.join();
      return new Result(p.exitValue(), new String(stdout, StandardCharsets.UTF_8),
          captured.isEmpty() ? "" : new String(captured.get(0), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(127, "", command[0] + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(130, "", "interrupted");
    }
  }

  private static void check(Result r, String what) {
    if (r.exit() != 0) {
      String detail = (r.err().isBlank() ? r.out() : r.err()).strip().replaceAll("\\s*\\R\\s*", " ");
      throw new AgentException("could not " + what + " (exit " + r.exit() + ")" + (detail.isEmpty() ? "" : ": " + detail));
    }
  }
}
