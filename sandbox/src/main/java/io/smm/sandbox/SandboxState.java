package io.smm.sandbox;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a running sandbox recorded in $SMM_HOME/sandbox/state.json: its own pid, the pids of the
 * processes it started (so `sandbox down` and the next `up` can stop them even after a crash),
 * and its URLs.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SandboxState(long pid, String kubeconfig, String kubeApi, String prometheus, String alertmanager,
    String dashboard, Map<String, Long> children) {

  public SandboxState withChild(String name, long childPid) {
    Map<String, Long> c = new LinkedHashMap<>(children);
    c.put(name, childPid);
    return new SandboxState(pid, kubeconfig, kubeApi, prometheus, alertmanager, dashboard, c);
  }

  public SandboxState withDashboard(String url) {
    return new SandboxState(pid, kubeconfig, kubeApi, prometheus, alertmanager, url, children);
  }

  /** The URLs `smm sandbox status -o json` prints, in the documented order. */
  public Map<String, String> urls() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("kubeconfig", kubeconfig);
    m.put("kubeApi", kubeApi);
    m.put("prometheus", prometheus);
    m.put("alertmanager", alertmanager);
    m.put("dashboard", dashboard);
    return m;
  }

  /**
   * The processes it started that are not running now (a crash-looping Prometheus between its
   * restarts, or one killed): named by what the state calls them, found by pid and command line.
   */
  public List<String> downChildren() {
    return children.entrySet().stream().filter(e -> SandboxProcesses.find(e.getValue(), e.getKey()).isEmpty())
        .map(Map.Entry::getKey).sorted().toList();
  }

  public static Optional<SandboxState> read(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Serialization.jsonMapper().readValue(file.toFile(), SandboxState.class));
    } catch (IOException e) {
      // A state file cut short by a crash is as good as none; processes are still found by name.
      return Optional.empty();
    }
  }

  public void write(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, Serialization.asJson(this));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
