package io.smm.sandbox.kube;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Which process listens on a TCP port, as {@code ss -ltnp} finds it on Linux: the listening
 * socket's inode from /proc/net/tcp{,6}, then the process that has it open. Empty where that cannot
 * be read (another OS, or a process of another user).
 */
public final class PortOwner {

  private static final String LISTEN = "0A";

  private PortOwner() {}

  public static Optional<String> of(int port) {
    try {
      Optional<String> inode = listeningInode(port);
      return inode.isEmpty() ? Optional.empty() : processWith("socket:[" + inode.get() + "]");
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> listeningInode(int port) throws IOException {
    String hexPort = String.format(":%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(table);
      if (!Files.isReadable(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p)) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[1].endsWith(hexPort) && LISTEN.equals(f[3])) {
          return Optional.of(f[9]);
        }
      }
    }
    return Optional.empty();
  }

  private static Optional<String> processWith(String socket) throws IOException {
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path proc : procs) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
          for (Path fd : fds) {
            if (socket.equals(Files.readSymbolicLink(fd).toString())) {
              long pid = Long.parseLong(proc.getFileName().toString());
              String command = ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("?");
              return Optional.of("pid " + pid + ": " + (command.length() > 120 ? command.substring(0, 120) + "…" : command));
            }
          }
        } catch (IOException | RuntimeException e) {
          // a process that ended, or one we may not look into
        }
      }
    }
    return Optional.empty();
  }
}
