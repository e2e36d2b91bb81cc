package io.smm.cli.agent;

import java.net.URI;
import java.util.Optional;

/**
 * The machine smm-agent configures: its files, OS packages and system services. On a VM this is
 * {@link SystemdHost} (dpkg or rpm, systemctl); the interface keeps what the agent decides apart
 * from how a host carries it out.
 */
public interface VmHost {

  /** The VM's host name, which names it in the mesh (the WorkloadEntry's hostname label, the "pod" of its metrics). */
  String hostname();

  Optional<String> readFile(String path);

  /** Writes the file whole (an absolute path on the VM); {@code secret} files are readable by their owner only. */
  void writeFile(String path, String content, boolean secret);

  /** The installed version of an OS package; empty when it is not installed. */
  Optional<String> installedVersion(String pkg);

  /** Downloads and installs an OS package (deb or rpm, whichever the host uses). */
  void install(String pkg, String version, URI source);

  /** The package format the host installs: "deb" or "rpm". */
  String packager();

  boolean active(String service);

  void start(String service);

  void stop(String service);
}
