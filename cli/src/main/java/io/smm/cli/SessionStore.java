package io.smm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

/**
 * The backend sessions the CLI reuses between commands (seed: "the ID token will be saved ... for
 * subsequent CLI commands"), one per backend URL and kubeconfig user, in a file only its owner
 * may read: $SMM_HOME/sessions.json (SMM_HOME defaults to ~/.smm, as for the sandbox).
 */
final class SessionStore {

  /** A saved session. */
  record Saved(String token, Instant expiresAt, String username) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  SessionStore(Path file) {
    this.file = file;
  }

  static SessionStore fromEnvironment() {
    String dir = System.getenv("SMM_HOME");
    Path base = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".smm");
    return new SessionStore(base.resolve("sessions.json"));
  }

  /** The saved session for the key unless it expires within a minute. */
  Optional<Saved> get(String key) {
    ObjectNode all = read();
    if (!all.has(key)) {
      return Optional.empty();
    }
    var s = all.get(key);
    Saved saved = new Saved(s.path("token").asText(), Instant.parse(s.path("expiresAt").asText()), s.path("username").asText());
    return saved.expiresAt().isAfter(Instant.now().plusSeconds(60)) ? Optional.of(saved) : Optional.empty();
  }

  void put(String key, Saved saved) {
    ObjectNode all = read();
    all.putObject(key).put("token", saved.token()).put("expiresAt", saved.expiresAt().toString()).put("username", saved.username());
    write(all);
  }

  void remove(String key) {
    ObjectNode all = read();
    if (all.remove(key) != null) {
      write(all);
    }
  }

  private ObjectNode read() {
    try {
      return Files.exists(file) ? (ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode();
    } catch (IOException | ClassCastException e) {
      return JSON.createObjectNode(); // unreadable: start over, the next login rewrites it
    }
  }

  private void write(ObjectNode all) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      try {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(tmp);
      }
      Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      System.err.println("warning: cannot save the session in " + file + " (" + e.getMessage() + "); the next command logs in again");
    }
  }
}
