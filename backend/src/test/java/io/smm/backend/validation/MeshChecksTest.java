package io.smm.backend.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every check against its own pair of fixtures (validation/checks/&lt;check id&gt;/failing.yaml and
 * passing.yaml, each added to base.yaml): the failing one must be reported by that check, with a
 * path and a message, the passing one must not. A new check without fixtures fails here.
 */
class MeshChecksTest {

  static final MeshAnalyzer ANALYZER = new MeshAnalyzer();

  static Stream<String> checkIds() {
    return ANALYZER.checks().stream().map(Check::id);
  }

  @Test
  void theBaseMeshIsClean() {
    assertThat(ANALYZER.analyze(Fixtures.mesh(null))).isEmpty();
  }

  @Test
  void checkIdsAreUnique() {
    assertThat(checkIds().toList()).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(28);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("checkIds")
  void reportsTheFailingFixture(String checkId) {
    List<Finding> findings = of(checkId, ANALYZER.analyze(Fixtures.mesh("checks/" + checkId + "/failing.yaml")));
    assertThat(findings).as("findings of %s on its failing fixture", checkId).isNotEmpty();
    assertThat(findings).allSatisfy(f -> {
      assertThat(f.path()).isNotBlank();
      assertThat(f.message()).isNotBlank();
      assertThat(f.istioRevision()).startsWith("cp-v11");
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("checkIds")
  void passesThePassingFixture(String checkId) {
    assertThat(of(checkId, ANALYZER.analyze(Fixtures.mesh("checks/" + checkId + "/passing.yaml")))).isEmpty();
  }

  private static List<Finding> of(String checkId, List<Finding> findings) {
    return findings.stream().filter(f -> f.checkId().equals(checkId)).toList();
  }
}
