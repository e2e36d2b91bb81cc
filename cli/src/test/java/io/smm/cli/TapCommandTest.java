package io.smm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** `smm tap`: the seed's line format, and clear errors before anything streams. */
class TapCommandTest {

  static KubeAccessErrorsTest.Result run(String... args) {
    StringWriter err = new StringWriter();
    int code = Smm.execute(new PrintWriter(err, true), args);
    return new KubeAccessErrorsTest.Result(code, err.toString());
  }

  @Test
  void linesLookLikeTheSeeds() throws Exception {
    String entry = """
        {"time":"2022-04-25T10:56:47.123456Z","direction":"outbound","protocol":"http",
         "source":{"name":"frontpage-v1-776d76965-b7w76"},"destination":{"name":"catalog-v1-5864c4b7d7-j5cmf"},
         "request":{"method":"GET","path":"/","httpVersion":"HTTP11"},"response":{"code":200,"durationNanos":121499879},
         "upstream":{"address":"tcp://10.10.48.169:8080"}}""";
    assertThat(TapLine.of(new ObjectMapper().readTree(entry))).isEqualTo("2022-04-25T10:56:47Z outbound frontpage-v1-776d76965-b7w76 "
        + "catalog-v1-5864c4b7d7-j5cmf \"http GET / HTTP11\" 200 121.499879ms \"tcp://10.10.48.169:8080\"");
    String grpc = """
        {"time":"2022-04-25T10:56:47Z","direction":"outbound","protocol":"grpc",
         "source":{"name":"bookings-v1-7d8d76cd6b-f96tm"},"destination":{"name":"payments-v1-7c955bccdd-vt2pg"},
         "request":{"method":"POST","path":"/payments.Payments/Pay","httpVersion":"HTTP2"},
         "response":{"code":200,"grpcStatus":"13","durationNanos":1500000},"upstream":{"address":"tcp://10.244.0.12:8080"}}""";
    assertThat(TapLine.of(new ObjectMapper().readTree(grpc))).as("a gRPC failure shows its status as Envoy's %GRPC_STATUS% does")
        .isEqualTo("2022-04-25T10:56:47Z outbound bookings-v1-7d8d76cd6b-f96tm payments-v1-7c955bccdd-vt2pg "
            + "\"grpc POST /payments.Payments/Pay HTTP2\" 200 Internal 1.5ms \"tcp://10.244.0.12:8080\"");
    assertThat(TapLine.goDuration(173_099)).isEqualTo("173.099µs");
    assertThat(TapLine.goDuration(2_500_000_000L)).isEqualTo("2.5s");
    assertThat(TapLine.goDuration(999)).isEqualTo("999ns");
  }

  @Test
  void badTargetsAndRangesAreRefusedBeforeConnecting() {
    KubeAccessErrorsTest.Result target = run("tap", "smm-demo");
    assertThat(target.exitCode()).isEqualTo(2);
    assertThat(target.err()).contains("TARGET must be ns/<namespace>, workload/<name> or pod/<name>");
    KubeAccessErrorsTest.Result range = run("tap", "ns/smm-demo", "--response-code", "five,hundred");
    assertThat(range.exitCode()).isEqualTo(2);
    assertThat(range.err()).contains("--response-code must be MIN,MAX");
    KubeAccessErrorsTest.Result grpc = run("tap", "ns/smm-demo", "--grpc-status", "Internal,Broken");
    assertThat(grpc.exitCode()).isEqualTo(2);
    assertThat(grpc.err()).contains("--grpc-status: unknown gRPC status \"Broken\"");
  }

  @Test
  void aBackendThatIsNotThereIsOneClearLine() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    KubeAccessErrorsTest.Result r = run("tap", "ns/smm-demo", "--url", "http://127.0.0.1:" + port);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("Error: cannot reach the SMM backend at http://127.0.0.1:" + port).contains("--url");
  }
}
