package io.smm.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** Runs `smm` in this JVM as a user would from a shell: what it prints on stdout, its exit code; stdin when given. */
final class CliRun {

  record Output(int code, String out) {}

  private CliRun() {}

  static Output run(String stdin, String... args) {
    return runCapturingErr(new StringWriter(), stdin, args);
  }

  /** The same, with what it prints on stderr (the one-line errors) going to {@code err}. */
  static Output runCapturingErr(StringWriter err, String stdin, String... args) {
    PrintStream originalOut = System.out;
    InputStream originalIn = System.in;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    if (stdin != null) {
      System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    }
    try {
      int code = Smm.execute(new PrintWriter(err, true), args);
      return new Output(code, buffer.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setIn(originalIn);
    }
  }
}
