package io.smm.operator.slo;

import java.util.List;

/**
 * The three ServiceLevelIndicatorTemplates the ControlPlane installs in smm-system (seed 2.8.1.3):
 * HTTP success rate and gRPC success rate (availability), and HTTP duration under a threshold
 * (latency, interpolated between the two histogram buckets around the threshold with
 * .FloorBucket/.CeilBucket, as histogram_quantile interpolates).
 */
public final class BuiltInSliTemplates {

  public static final String NAMESPACE = "smm-system";
  static final String ISTIO_BUCKETS = "0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, "
      + "1800000, 3600000";
  private static final SliTemplate.Parameter REPORTER = new SliTemplate.Parameter("reporter", "source",
      "the Envoy proxy that reports the metric (source | destination)", true);
  private static final String SERVICE = "reporter=\"{{ .Params.reporter }}\", destination_service_namespace=\"{{ .Service.Namespace }}\", "
      + "destination_service_name=\"{{ .Service.Name }}\"";

  public static final SliTemplate HTTP_SUCCESS_RATE = new SliTemplate("http-requests-success-rate", NAMESPACE, "availability",
      "Indicates the percentages of successful (non 5xx) HTTP responses compared to all requests",
      "sum(rate(istio_requests_total{" + SERVICE + ", request_protocol=\"http\", response_code!~\"5[0-9]{2}|0\"}[{{ .SLO.Period }}]))",
      "sum(rate(istio_requests_total{" + SERVICE + ", request_protocol=\"http\"}[{{ .SLO.Period }}]))",
      List.of(REPORTER));

  public static final SliTemplate GRPC_SUCCESS_RATE = new SliTemplate("grpc-requests-success-rate", NAMESPACE, "availability",
      "Indicates the percentages of successful (status OK) gRPC responses compared to all gRPC requests",
      "sum(rate(istio_requests_total{" + SERVICE + ", request_protocol=\"grpc\", grpc_response_status=\"0\"}[{{ .SLO.Period }}]))",
      "sum(rate(istio_requests_total{" + SERVICE + ", request_protocol=\"grpc\"}[{{ .SLO.Period }}]))",
      List.of(REPORTER));

  private static final String BUCKET = "istio_request_duration_milliseconds_bucket{" + SERVICE + ", le=\"";

  public static final SliTemplate HTTP_DURATION = new SliTemplate("http-requests-duration", NAMESPACE, "latency",
      "Indicates the percentage of HTTP requests answered within the threshold (in milliseconds)",
      "sum(rate(" + BUCKET + "{{ .FloorBucket .Params.threshold .Params.buckets }}\"}[{{ .SLO.Period }}]))\n"
          + "+ (\n  sum(rate(" + BUCKET + "{{ .CeilBucket .Params.threshold .Params.buckets }}\"}[{{ .SLO.Period }}]))\n"
          + "  - sum(rate(" + BUCKET + "{{ .FloorBucket .Params.threshold .Params.buckets }}\"}[{{ .SLO.Period }}]))\n"
          + ") * ({{ .Params.threshold }} - {{ .FloorBucket .Params.threshold .Params.buckets }})"
          + " / ({{ .CeilBucket .Params.threshold .Params.buckets }} - {{ .FloorBucket .Params.threshold .Params.buckets }})",
      "sum(rate(istio_request_duration_milliseconds_count{" + SERVICE + "}[{{ .SLO.Period }}]))",
      List.of(new SliTemplate.Parameter("threshold", "100", "acceptance threshold for HTTP latency values in milliseconds", false),
          new SliTemplate.Parameter("buckets", ISTIO_BUCKETS,
              "comma separated list of histogram buckets used to collect timeseries for a corresponding Prometheus metric", true),
          REPORTER));

  public static final List<SliTemplate> ALL = List.of(HTTP_SUCCESS_RATE, HTTP_DURATION, GRPC_SUCCESS_RATE);

  private BuiltInSliTemplates() {}
}
