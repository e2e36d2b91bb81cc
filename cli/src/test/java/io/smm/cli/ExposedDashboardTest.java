package io.smm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Which URL `smm dashboard` opens for an exposed dashboard: the manual's host name, else the load balancer's address. */
class ExposedDashboardTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static JsonNode yaml(String text) throws Exception {
    return YAML.readTree(text);
  }

  @Test
  void theLetsEncryptHostNameWinsThenTheGatewayAddressAndNothingWhenNotExposed() throws Exception {
    JsonNode letsEncrypt = yaml("smm: {exposeDashboard: {meshGateway: {enabled: true, tls: {enabled: true, letsEncrypt:"
        + " {enabled: true, dnsNames: [smm.example.org]}}}}}");
    assertThat(ExposedDashboard.url(letsEncrypt, yaml("GatewayAddress: [203.0.113.7]"))).contains(URI.create("https://smm.example.org/"));
    JsonNode plain = yaml("smm: {exposeDashboard: {meshGateway: {enabled: true}}}");
    assertThat(ExposedDashboard.url(plain, yaml("GatewayAddress: [203.0.113.7]"))).contains(URI.create("http://203.0.113.7/"));
    assertThat(ExposedDashboard.url(plain, yaml("Status: Reconciling"))).as("no address yet").isEmpty();
    assertThat(ExposedDashboard.url(yaml("smm: {exposeDashboard: {meshGateway: {enabled: false}}}"), yaml("GatewayAddress: [203.0.113.7]")))
        .isEmpty();
    assertThat(ExposedDashboard.url(yaml("clusterName: c1"), null)).isEmpty();
  }
}
