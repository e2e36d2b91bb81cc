package io.smm.api.layering;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module arrows of ARCHITECTURE.md, checked on every main source file (imports and fully
 * qualified names alike): {@code api <- operator, backend, sandbox <- cli}. Product code never
 * reaches into the sandbox, and {@code api} depends on nothing of ours. Strimzi checks the same
 * with .checkstyle/import-control.xml; a source scan needs no plugin and runs first, in {@code api}.
 */
class ModuleLayeringTest {

  /** Module -> the modules of ours its main code may use (besides itself). */
  static final Map<String, Set<String>> ALLOWED = Map.of(
      "api", Set.of(),
      "operator", Set.of("api"),
      "backend", Set.of("api"),
      "sandbox", Set.of("api"),
      "cli", Set.of("api", "operator", "backend", "sandbox"));

  private static final Pattern REFERENCE = Pattern.compile("\\bio\\.smm\\.(api|operator|backend|sandbox|cli)\\b");

  @Test
  void everyModuleUsesOnlyTheModulesItMayDependOn() {
    Path root = Path.of("").toAbsolutePath().getParent();
    List<String> violations = new ArrayList<>();
    ALLOWED.keySet().stream().sorted().forEach(module -> {
      Path sources = root.resolve(module).resolve("src/main/java");
      assertThat(sources).as("main sources of " + module).isDirectory();
      try (Stream<Path> files = Files.walk(sources)) {
        files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(f -> {
          try {
            violations.addAll(violations(module, root.relativize(f).toString(), Files.readString(f)));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    assertThat(violations).isEmpty();
  }

  @Test
  void theRuleCatchesAProductModuleUsingTheSandboxAndApiUsingAnythingOfOurs() {
    assertThat(violations("backend", "B.java", "package io.smm.backend.x;\nimport io.smm.sandbox.kube.EmbeddedApiServer;\n"))
        .containsExactly("B.java:2 backend uses io.smm.sandbox");
    assertThat(violations("operator", "O.java", "class O { Object x = new io.smm.sandbox.demo.DemoRuntime(); }"))
        .containsExactly("O.java:1 operator uses io.smm.sandbox");
    assertThat(violations("api", "A.java", "package io.smm.api;\nimport io.smm.operator.Installer;\nimport io.smm.backend.BuildInfo;"))
        .containsExactly("A.java:2 api uses io.smm.operator", "A.java:3 api uses io.smm.backend");
    assertThat(violations("backend", "B.java", "package io.smm.backend;\nimport io.smm.api.crd.SmmCrds;\n// see io.smm.operator\n"))
        .as("allowed module, and a comment naming another").isEmpty();
    assertThat(violations("cli", "C.java", "import io.smm.sandbox.Sandbox;\nimport io.smm.operator.Installer;")).isEmpty();
  }

  /** Every reference from {@code module}'s source to a module it may not use, as "file:line module uses io.smm.x". */
  static List<String> violations(String module, String file, String source) {
    List<String> out = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String code = lines[i].replaceAll("//.*|\"(?:\\\\.|[^\"\\\\])*\"", "");
      if (code.stripLeading().startsWith("*") || code.stripLeading().startsWith("/*")) {
        continue; // javadoc and block comments may name anything
      }
      Matcher m = REFERENCE.matcher(code);
      while (m.find()) {
        String used = m.group(1);
        if (!used.equals(module) && !ALLOWED.get(module).contains(used)) {
          out.add(file + ":" + (i + 1) + " " + module + " uses io.smm." + used);
        }
      }
    }
    return out;
  }
}
