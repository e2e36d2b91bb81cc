package io.smm.api.istio;

import static io.smm.api.schema.Schema.array;
import static io.smm.api.schema.Schema.bool;
import static io.smm.api.schema.Schema.integer;
import static io.smm.api.schema.Schema.object;
import static io.smm.api.schema.Schema.oneOf;
import static io.smm.api.schema.Schema.openObject;
import static io.smm.api.schema.Schema.pattern;
import static io.smm.api.schema.Schema.string;
import static io.smm.api.schema.Schema.stringMap;

import io.smm.api.schema.Schema;
import io.smm.api.schema.Schema.ObjectSchema;
import java.util.List;
import java.util.Map;

/**
 * The specs of Istio's configuration kinds (networking.istio.io and security.istio.io, Istio
 * 1.15 API), written from istio.io's reference so a resource is checked field by field before it
 * is written: unknown fields (a typo Istio would silently drop), wrong types, bad enums, missing
 * required fields. Istio's own CRDs leave these open, so without this a mistake only shows as
 * traffic going somewhere unexpected.
 */
public final class IstioConfigSchemas {

  private IstioConfigSchemas() {}

  /** Go/Istio duration: "1s", "250ms", "1h30m". */
  static final Schema.Scalar DURATION = pattern("A duration such as 5s or 250ms.", "([0-9]+(\\.[0-9]+)?(h|m|s|ms|us|µs|ns))+");

  static final ObjectSchema STRING_MATCH = object("Exact, prefix or regex (RE2) match.")
      .field("exact", string("")).field("prefix", string("")).field("regex", string(""));

  static final ObjectSchema PERCENT = object("A percentage 0.0-100.0.").field("value", new Schema.Scalar("", "number", List.of(), null));

  static final ObjectSchema PORT_SELECTOR = object("A port number.").field("number", integer(""));

  static final ObjectSchema DESTINATION = object("A service (and subset/port) requests are sent to.")
      .field("host", string("Service registry name: a Kubernetes service (short or FQDN) or a ServiceEntry host."))
      .field("subset", string("A subset of the host's DestinationRule."))
      .field("port", PORT_SELECTOR)
      .require("host");

  static final ObjectSchema HEADER_OPERATIONS = object("")
      .field("set", stringMap("")).field("add", stringMap("")).field("remove", array("", string("")));

  static final ObjectSchema HEADERS = object("Header manipulation rules.")
      .field("request", HEADER_OPERATIONS).field("response", HEADER_OPERATIONS);

  static final ObjectSchema HTTP_MATCH = object("Conditions a request must meet (all of them) for the route to apply.")
      .field("name", string(""))
      .field("uri", STRING_MATCH).field("scheme", STRING_MATCH).field("method", STRING_MATCH).field("authority", STRING_MATCH)
      .field("headers", new Schema.MapSchema("", STRING_MATCH))
      .field("withoutHeaders", new Schema.MapSchema("", STRING_MATCH))
      .field("queryParams", new Schema.MapSchema("", STRING_MATCH))
      .field("port", integer(""))
      .field("sourceLabels", stringMap(""))
      .field("sourceNamespace", string(""))
      .field("gateways", array("", string("")))
      .field("ignoreUriCase", bool(""))
      .field("statPrefix", string(""));

  static final ObjectSchema HTTP_ROUTE_DESTINATION = object("A weighted destination.")
      .field("destination", DESTINATION).field("weight", integer("Share of traffic, 0-100.")).field("headers", HEADERS)
      .require("destination");

  static final ObjectSchema HTTP_ROUTE = object("An HTTP route.")
      .field("name", string(""))
      .field("match", array("", HTTP_MATCH))
      .field("route", array("", HTTP_ROUTE_DESTINATION))
      .field("redirect", object("").field("uri", string("")).field("authority", string("")).field("port", integer(""))
          .field("derivePort", oneOf("", "FROM_PROTOCOL_DEFAULT", "FROM_REQUEST_PORT")).field("scheme", string(""))
          .field("redirectCode", integer("")))
      .field("directResponse", object("").field("status", integer("")).field("body", openObject("")).require("status"))
      .field("delegate", object("Another VirtualService that holds the routes.").field("name", string("")).field("namespace", string(""))
          .require("name"))
      .field("rewrite", object("").field("uri", string("")).field("authority", string("")))
      .field("timeout", DURATION)
      .field("retries", object("").field("attempts", integer("")).field("perTryTimeout", DURATION).field("retryOn", string(""))
          .field("retryRemoteLocalities", bool("")))
      .field("fault", object("Fault injection.")
          .field("delay", object("").field("fixedDelay", DURATION).field("percentage", PERCENT).field("percent", integer("")))
          .field("abort", object("").field("httpStatus", integer("")).field("grpcStatus", string("")).field("http2Error", string(""))
              .field("percentage", PERCENT)))
      .field("mirror", DESTINATION)
      .field("mirrorPercentage", PERCENT)
      .field("mirrorPercent", integer(""))
      .field("corsPolicy", object("")
          .field("allowOrigins", array("", STRING_MATCH)).field("allowOrigin", array("", string("")))
          .field("allowMethods", array("", string(""))).field("allowHeaders", array("", string("")))
          .field("exposeHeaders", array("", string(""))).field("maxAge", DURATION).field("allowCredentials", bool("")))
      .field("headers", HEADERS);

  static final ObjectSchema L4_MATCH = object("")
      .field("destinationSubnets", array("", string(""))).field("port", integer("")).field("sourceLabels", stringMap(""))
      .field("gateways", array("", string(""))).field("sourceNamespace", string("")).field("sniHosts", array("", string("")));

  static final ObjectSchema ROUTE_DESTINATION = object("").field("destination", DESTINATION).field("weight", integer(""))
      .require("destination");

  public static final ObjectSchema VIRTUAL_SERVICE = object("VirtualService: how requests to a host are routed.")
      .field("hosts", array("Destination hosts the rules apply to.", string("")))
      .field("gateways", array("Gateways (and \"mesh\") the rules apply to.", string("")))
      .field("http", array("", HTTP_ROUTE))
      .field("tls", array("", object("").field("match", array("", L4_MATCH)).field("route", array("", ROUTE_DESTINATION))))
      .field("tcp", array("", object("").field("match", array("", L4_MATCH)).field("route", array("", ROUTE_DESTINATION))))
      .field("exportTo", array("", string("")));

  static final Schema.Scalar TLS_MODE = oneOf("", "DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL");

  static final ObjectSchema TRAFFIC_POLICY_BODY = object("")
      .field("loadBalancer", object("")
          .field("simple", oneOf("", "UNSPECIFIED", "LEAST_CONN", "RANDOM", "PASSTHROUGH", "ROUND_ROBIN", "LEAST_REQUEST"))
          .field("consistentHash", openObject("")).field("localityLbSetting", openObject("")).field("warmupDurationSecs", DURATION))
      .field("connectionPool", object("")
          .field("tcp", object("").field("maxConnections", integer("")).field("connectTimeout", DURATION)
              .field("tcpKeepalive", openObject("")).field("maxConnectionDuration", DURATION))
          .field("http", object("").field("http1MaxPendingRequests", integer("")).field("http2MaxRequests", integer(""))
              .field("maxRequestsPerConnection", integer("")).field("maxRetries", integer("")).field("idleTimeout", DURATION)
              .field("h2UpgradePolicy", oneOf("", "DEFAULT", "DO_NOT_UPGRADE", "UPGRADE")).field("useClientProtocol", bool(""))
              .field("maxConcurrentStreams", integer(""))))
      .field("outlierDetection", object("Circuit breaking: eject hosts that keep failing.")
          .field("consecutiveErrors", integer("")).field("consecutive5xxErrors", integer(""))
          .field("consecutiveGatewayErrors", integer("")).field("consecutiveLocalOriginFailures", integer(""))
          .field("splitExternalLocalOriginErrors", bool("")).field("interval", DURATION).field("baseEjectionTime", DURATION)
          .field("maxEjectionPercent", integer("")).field("minHealthPercent", integer("")))
      .field("tls", object("").field("mode", TLS_MODE).field("clientCertificate", string("")).field("privateKey", string(""))
          .field("caCertificates", string("")).field("credentialName", string("")).field("subjectAltNames", array("", string("")))
          .field("sni", string("")).field("insecureSkipVerify", bool("")));

  static final ObjectSchema TRAFFIC_POLICY = TRAFFIC_POLICY_BODY
      .field("portLevelSettings", array("", TRAFFIC_POLICY_BODY.field("port", PORT_SELECTOR)))
      .field("tunnel", openObject(""));

  static final ObjectSchema WORKLOAD_SELECTOR = object("Pods (by label) the resource applies to.").field("matchLabels", stringMap(""));

  public static final ObjectSchema DESTINATION_RULE = object("DestinationRule: what happens to traffic after routing.")
      .field("host", string("The service the rule applies to."))
      .field("trafficPolicy", TRAFFIC_POLICY)
      .field("subsets", array("Named versions of the service, by pod labels.", object("").field("name", string(""))
          .field("labels", stringMap("")).field("trafficPolicy", TRAFFIC_POLICY).require("name")))
      .field("exportTo", array("", string("")))
      .field("workloadSelector", WORKLOAD_SELECTOR)
      .require("host");

  static final ObjectSchema PORT = object("")
      .field("number", integer("")).field("protocol", oneOf("", "HTTP", "HTTPS", "GRPC", "HTTP2", "MONGO", "TCP", "TLS"))
      .field("name", string("")).field("targetPort", integer(""))
      .require("number", "protocol", "name");

  public static final ObjectSchema GATEWAY = object("Gateway: a load balancer at the edge of the mesh.")
      .field("selector", stringMap("Labels of the gateway pods that serve this configuration."))
      .field("servers", array("", object("")
          .field("port", PORT).field("bind", string("")).field("hosts", array("", string(""))).field("name", string(""))
          .field("defaultEndpoint", string(""))
          .field("tls", object("").field("httpsRedirect", bool(""))
              .field("mode", oneOf("", "PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH", "ISTIO_MUTUAL"))
              .field("serverCertificate", string("")).field("privateKey", string("")).field("caCertificates", string(""))
              .field("credentialName", string("Secret with the certificate, in the gateway's namespace."))
              .field("subjectAltNames", array("", string(""))).field("verifyCertificateSpki", array("", string("")))
              .field("verifyCertificateHash", array("", string(""))).field("minProtocolVersion", string(""))
              .field("maxProtocolVersion", string("")).field("cipherSuites", array("", string(""))))
          .require("port", "hosts")))
      .require("servers");

  public static final ObjectSchema SERVICE_ENTRY = object("ServiceEntry: a service Istio's registry does not know by itself.")
      .field("hosts", array("", string("")))
      .field("addresses", array("", string("")))
      .field("ports", array("", PORT))
      .field("location", oneOf("", "MESH_EXTERNAL", "MESH_INTERNAL"))
      .field("resolution", oneOf("", "NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN"))
      .field("endpoints", array("", object("").field("address", string("")).field("ports", new Schema.MapSchema("", integer("")))
          .field("labels", stringMap("")).field("network", string("")).field("locality", string("")).field("weight", integer(""))
          .field("serviceAccount", string(""))))
      .field("workloadSelector", object("").field("labels", stringMap("")))
      .field("exportTo", array("", string("")))
      .field("subjectAltNames", array("", string("")))
      .require("hosts");

  static final ObjectSchema OUTBOUND_TRAFFIC_POLICY = object("")
      .field("mode", oneOf("", "REGISTRY_ONLY", "ALLOW_ANY")).field("egressProxy", DESTINATION);

  public static final ObjectSchema SIDECAR = object("Sidecar: what a workload's proxy accepts and can reach.")
      .field("workloadSelector", object("").field("labels", stringMap("")))
      .field("ingress", array("", object("").field("port", PORT).field("bind", string(""))
          .field("captureMode", oneOf("", "DEFAULT", "IPTABLES", "NONE")).field("defaultEndpoint", string(""))
          .field("tls", openObject(""))))
      .field("egress", array("", object("").field("port", PORT).field("bind", string(""))
          .field("captureMode", oneOf("", "DEFAULT", "IPTABLES", "NONE")).field("hosts", array("namespace/host", string("")))
          .require("hosts")))
      .field("outboundTrafficPolicy", OUTBOUND_TRAFFIC_POLICY);

  static final Schema.Scalar MTLS_MODE = oneOf("", "UNSET", "DISABLE", "PERMISSIVE", "STRICT");

  public static final ObjectSchema PEER_AUTHENTICATION = object("PeerAuthentication: which traffic a workload accepts (mTLS).")
      .field("selector", WORKLOAD_SELECTOR)
      .field("mtls", object("").field("mode", MTLS_MODE))
      .field("portLevelMtls", new Schema.MapSchema("", object("").field("mode", MTLS_MODE)));

  public static final ObjectSchema AUTHORIZATION_POLICY = object("AuthorizationPolicy: who may call a workload.")
      .field("selector", WORKLOAD_SELECTOR)
      .field("targetRef", openObject(""))
      .field("action", oneOf("", "ALLOW", "DENY", "AUDIT", "CUSTOM"))
      .field("provider", object("").field("name", string("")))
      .field("rules", array("", object("")
          .field("from", array("", object("").field("source", object("")
              .field("principals", array("", string(""))).field("notPrincipals", array("", string("")))
              .field("requestPrincipals", array("", string(""))).field("notRequestPrincipals", array("", string("")))
              .field("namespaces", array("", string(""))).field("notNamespaces", array("", string("")))
              .field("ipBlocks", array("", string(""))).field("notIpBlocks", array("", string("")))
              .field("remoteIpBlocks", array("", string(""))).field("notRemoteIpBlocks", array("", string(""))))))
          .field("to", array("", object("").field("operation", object("")
              .field("hosts", array("", string(""))).field("notHosts", array("", string("")))
              .field("ports", array("", string(""))).field("notPorts", array("", string("")))
              .field("methods", array("", string(""))).field("notMethods", array("", string("")))
              .field("paths", array("", string(""))).field("notPaths", array("", string(""))))))
          .field("when", array("", object("").field("key", string("")).field("values", array("", string("")))
              .field("notValues", array("", string(""))).require("key")))));

  /** Spec schema by kind, for the kinds the product edits. */
  public static final Map<String, ObjectSchema> BY_KIND = Map.of(
      "VirtualService", VIRTUAL_SERVICE,
      "DestinationRule", DESTINATION_RULE,
      "Gateway", GATEWAY,
      "ServiceEntry", SERVICE_ENTRY,
      "Sidecar", SIDECAR,
      "PeerAuthentication", PEER_AUTHENTICATION,
      "AuthorizationPolicy", AUTHORIZATION_POLICY,
      "IstioMeshGateway", IstioSchemas.MESH_GATEWAY_SPEC);
}
