package io.smm.operator.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Strict rendering of SLI templates: what the seed documents renders, anything else is an error naming it. */
class SliTemplateTest {

  static SliTemplate.Context context(Map<String, String> params) {
    return new SliTemplate.Context("smm-demo", "payments", "5m", params);
  }

  @Test
  void rendersParamsServiceAndPeriod() {
    var t = BuiltInSliTemplates.HTTP_SUCCESS_RATE;
    String good = t.good(context(t.resolve(Map.of())));
    assertThat(good).isEqualTo("sum(rate(istio_requests_total{reporter=\"source\", destination_service_namespace=\"smm-demo\", "
        + "destination_service_name=\"payments\", request_protocol=\"http\", response_code!~\"5[0-9]{2}|0\"}[5m]))");
    assertThat(t.total(context(t.resolve(Map.of("reporter", "destination"))))).contains("reporter=\"destination\"");
  }

  @Test
  void latencyThresholdsBetweenBucketsUseTheBucketsAroundThem() {
    var t = BuiltInSliTemplates.HTTP_DURATION;
    String good = t.good(context(t.resolve(Map.of("threshold", "150"))));
    assertThat(good).contains("le=\"100\"").contains("le=\"250\"").contains("(150 - 100) / (250 - 100)");
    String onABucket = t.good(context(t.resolve(Map.of("threshold", "250"))));
    assertThat(onABucket).contains("(250 - 250) / (500 - 250)");
    assertThat(SliTemplate.floor(0.2, List.of(0.5, 1.0))).isEqualTo(0.5);
    assertThat(SliTemplate.format(0.5)).isEqualTo("0.5");
  }

  @Test
  void unknownMissingAndUnsupportedAreErrorsNamingThem() {
    var t = BuiltInSliTemplates.HTTP_SUCCESS_RATE;
    assertThatThrownBy(() -> t.resolve(Map.of("repoter", "source")))
        .isInstanceOf(SloException.class).hasMessageContaining("parameter \"repoter\" is not one of template smm-system/http-requests-success-rate");
    var noDefault = new SliTemplate("t", "ns", "availability", "", "sum(x{a=\"{{ .Params.a }}\"})", "sum(x)",
        List.of(new SliTemplate.Parameter("a", null, "", false)));
    assertThatThrownBy(() -> noDefault.resolve(Map.of())).hasMessageContaining("parameter \"a\" of template ns/t has no value and no default");
    var undeclared = new SliTemplate("t", "ns", "availability", "", "sum(x{a=\"{{ .Params.b }}\"})", "sum(x)", List.of());
    assertThatThrownBy(() -> undeclared.good(context(Map.of()))).hasMessageContaining("uses .Params.b, which is not a declared parameter");
    var action = new SliTemplate("t", "ns", "availability", "", "sum(x)\n{{ if .Params.a }}y{{ end }}", "sum(x)", List.of());
    assertThatThrownBy(() -> action.good(context(Map.of()))).hasMessageContaining("goodEvents line 2: unsupported template action {{ if .Params.a }}");
    var unbalanced = new SliTemplate("t", "ns", "availability", "", "sum(x{a=\"{{ .Params.a \"})", "sum(x)", List.of());
    assertThatThrownBy(() -> unbalanced.good(context(Map.of()))).hasMessageContaining("unbalanced braces");
  }
}
