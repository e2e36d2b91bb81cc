package io.smm.api.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The production settings a ControlPlane passes on (pod resources and placement, Prometheus,
 * dashboard exposure): what kube-apiserver or Prometheus would refuse later is refused up front
 * with its field path; what this release cannot do is refused as "not supported yet" or, when the
 * manual's own examples set it, accepted with a note.
 */
class ControlPlaneSettingsTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static List<String> problems(String specYaml) throws Exception {
    return ControlPlaneInput.validateSpec(YAML.readTree(specYaml)).stream().map(Object::toString).toList();
  }

  @Test
  void podSettingsAreCheckedAsKubernetesChecksAPodTemplate() throws Exception {
    assertThat(problems("""
        smm:
          application:
            resources:
              requests: {cpu: "2", memory: 1Gi}
              limits: {cpu: "1", memory: lots}
          sre:
            controller:
              tolerations:
              - {key: dedicated, operator: Exists, value: smm, effect: NoSchedul}
        meshManager:
          istio:
            pilot:
              nodeSelector: {disktype: 1}
        """)).containsExactlyInAnyOrder(
        ".spec.smm.application.resources.limits.memory: Invalid value: \"lots\": quantities must match the regular expression"
            + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        ".spec.smm.application.resources.requests.cpu: Invalid value: \"2\": must be less than or equal to cpu limit (1)",
        ".spec.smm.sre.controller.tolerations[0].operator: Invalid value: \"Exists\": value must be empty when `operator` is 'Exists'",
        ".spec.smm.sre.controller.tolerations[0].effect: Unsupported value: \"NoSchedul\": supported values: \"NoSchedule\","
            + " \"PreferNoSchedule\", \"NoExecute\"",
        ".spec.meshManager.istio.pilot.nodeSelector.disktype: must be a string (quote numbers and booleans)");
    assertThat(problems("""
        affinity: {nodeAffinity: {}}
        tolerations: [{key: dedicated, operator: Equal, value: smm, effect: NoSchedule}]
        smm:
          prometheus:
            resources: {requests: {cpu: 500m, memory: 1500M}, limits: {cpu: 1, memory: 2000M}}
            storage: {spec: {storageClassName: gp2, resources: {requests: {storage: 50Gi}}}}
        """)).isEmpty();
  }

  @Test
  void prometheusSettingsAreRefusedWhenPrometheusWould() throws Exception {
    assertThat(problems("""
        smm:
          prometheus:
            retentionTime: 8 hours
            scraping: {frequency: {interval: 15s, timeout: 30s}}
            alertmanager: {static: [{host: am.example.org}]}
        """)).containsExactlyInAnyOrder(
        ".spec.smm.prometheus.retentionTime: \"8 hours\" does not match ^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?"
            + "(([0-9]+)ms)?$",
        ".spec.smm.prometheus.scraping.frequency.timeout: must not be longer than the interval (15s): Prometheus refuses"
            + " scrape_timeout greater than scrape_interval",
        ".spec.smm.prometheus.alertmanager.static[0].port: is required");
  }

  @Test
  void whatThisReleaseCannotDoIsRefusedAsNotSupportedYet() throws Exception {
    assertThat(problems("""
        smm:
          highAvailability: {enabled: true}
          sdm: {enabled: true}
          prometheus: {replicas: 2, thanos: {query: {resources: {}}}}
        """)).allSatisfy(p -> assertThat(p).contains("not supported yet")).extracting(p -> p.substring(0, p.indexOf(':')))
        .containsExactlyInAnyOrder(".spec.smm.highAvailability.enabled", ".spec.smm.sdm.enabled", ".spec.smm.prometheus.replicas",
            ".spec.smm.prometheus.thanos");
    // Switched off, as the manual's examples write them, they are fine.
    assertThat(problems("smm: {highAvailability: {enabled: false}, sdm: {enabled: false}, prometheus: {replicas: 1}}")).isEmpty();
  }

  @Test
  void settingsTheManualSetsButNothingActsOnAreAcceptedWithANote() throws Exception {
    JsonNode spec = YAML.readTree("""
        oneEye: {}
        nodeExporter: {enabled: true, psp: {enabled: false}}
        smm:
          auth: {forceUnsecureCookies: true, mode: anonymous}
          federationGateway: {enabled: true, name: smm, service: {enabled: true, name: smm-federation-gateway, port: 80}}
          leo: {enabled: false}
          prometheusOperator: {}
        """);
    assertThat(ControlPlaneInput.validateSpec(spec)).isEmpty();
    assertThat(ControlPlaneSupport.notes(spec)).extracting(n -> n.substring(0, n.indexOf(':')))
        .containsExactly(".spec.smm.federationGateway.enabled", ".spec.smm.auth.forceUnsecureCookies");
  }

  @Test
  void dashboardExposureCombinationsThatCannotWorkAreRefused() throws Exception {
    assertThat(problems("""
        smm:
          exposeDashboard:
            meshGateway:
              enabled: true
              service: {type: LoadBalancer, nodePorts: {http: 40080}}
              tls:
                enabled: true
                externalTermination: true
                credentialName: mine
                letsEncrypt: {enabled: true}
        """)).extracting(p -> p.substring(0, p.indexOf(": "))).containsExactlyInAnyOrder(
        ".spec.smm.exposeDashboard.meshGateway.tls.credentialName",
        ".spec.smm.exposeDashboard.meshGateway.tls.letsEncrypt.dnsNames",
        ".spec.smm.exposeDashboard.meshGateway.tls.externalTermination",
        ".spec.smm.exposeDashboard.meshGateway.service.nodePorts");
    assertThat(problems("smm: {exposeDashboard: {meshGateway: {enabled: true, service: {type: Ingress}}}}")).singleElement()
        .asString().startsWith(".spec.smm.exposeDashboard.meshGateway.service.type: ");
  }
}
