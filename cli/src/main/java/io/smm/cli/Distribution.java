package io.smm.cli;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the distribution's files are, found from the running jar: lib/smm.jar beside bin/, or cli/target/smm.jar in a checkout. */
final class Distribution {

  private Distribution() {}

  /** A launcher of bin/ ({@code smm-agent}): beside lib/ in a distribution, at the checkout's root in a build. */
  static Path sibling(String launcher) {
    Path code;
    try {
      code = Path.of(Smm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
    } catch (URISyntaxException | RuntimeException e) {
      throw new CliException("cannot tell where the distribution is installed; name the " + launcher + " launcher explicitly", 2);
    }
    for (Path candidate : List.of(code.getParent().resolveSibling("bin").resolve(launcher),
        code.getParent().getParent().resolveSibling("bin").resolve(launcher))) {
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new CliException("no bin/" + launcher + " beside " + code + "; name the launcher explicitly", 2);
  }
}
