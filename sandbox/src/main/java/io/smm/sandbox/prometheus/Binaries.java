package io.smm.sandbox.prometheus;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the machine binaries the sandbox runs for real. */
public final class Binaries {

  private Binaries() {}

  public static Path require(String binary, String debianPackage) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, binary);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    throw new MissingBinaryException(binary, debianPackage);
  }
}
