package io.smm.backend.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import graphql.ExecutionResult;
import graphql.schema.GraphQLEnumType;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;
import graphql.schema.idl.UnExecutableSchemaGenerator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smm.backend.ApiClient;
import io.smm.backend.http.ServerOptions;
import io.smm.backend.http.SmmServer;
import io.smm.sandbox.kube.EmbeddedApiServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Enumerates every query, mutation and subscription field of the schema (so a field added later
 * is covered without touching this test) and proves none answers without a valid session: over
 * HTTP and WebSocket without a token or with a forged one, and inside GraphQL itself when a
 * request reaches it without a caller. With a real session the same operations pass validation,
 * so the refusals are not an artefact of malformed queries.
 */
class EveryFieldNeedsASessionTest {

  static final GraphQLSchema SCHEMA = UnExecutableSchemaGenerator.makeUnExecutableSchema(SmmGraphQL.loadSchema());
  static final String FORGED = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJzbW0tYmFja2VuZCIsImF1ZCI6InNtbS1hcGkiLCJzdWIiOiJhZG1pbiIsImp0aSI6IngiLC"
      + "JleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJlLW9mLW5vYm9keQ";

  static EmbeddedApiServer api;
  static KubernetesClient admin;
  static SmmServer server;
  static ApiClient http;
  static String nobody;

  /** One operation per root field, e.g. "query { pods(namespace: \"x\", selector: []) { __typename } }". */
  record Operation(String kind, String field, String text) {}

  static List<Operation> operations() {
    List<Operation> out = new ArrayList<>();
    for (var root : List.of(SCHEMA.getQueryType(), SCHEMA.getMutationType(), SCHEMA.getSubscriptionType())) {
      String kind = root == SCHEMA.getQueryType() ? "query" : root == SCHEMA.getMutationType() ? "mutation" : "subscription";
      for (GraphQLFieldDefinition f : root.getFieldDefinitions()) {
        String args = f.getArguments().stream().filter(a -> GraphQLTypeUtil.isNonNull(a.getType()))
            .map(a -> a.getName() + ": " + value(a.getType())).collect(Collectors.joining(", "));
        String selection = GraphQLTypeUtil.unwrapAll(f.getType()) instanceof GraphQLObjectType ? " { __typename }" : "";
        out.add(new Operation(kind, f.getName(), kind + " { " + f.getName() + (args.isEmpty() ? "" : "(" + args + ")") + selection + " }"));
      }
    }
    return out;
  }

  /** A value of the type that passes validation (every required input field filled). */
  static String value(GraphQLType type) {
    GraphQLType t = type instanceof GraphQLNonNull nn ? nn.getWrappedType() : type;
    if (t instanceof GraphQLList list) {
      return "[" + value(list.getWrappedType()) + "]";
    }
    if (t instanceof GraphQLEnumType e) {
      return e.getValues().get(0).getName();
    }
    if (t instanceof GraphQLInputObjectType in) {
      return "{" + in.getFieldDefinitions().stream().filter(f -> GraphQLTypeUtil.isNonNull(f.getType()))
          .map(f -> f.getName() + ": " + value(f.getType())).collect(Collectors.joining(", ")) + "}";
    }
    return switch (GraphQLTypeUtil.simplePrint(t)) {
      case "Int" -> "60";
      case "Float" -> "1.0";
      case "Boolean" -> "false";
      default -> "\"x\"";
    };
  }

  @BeforeAll
  static void start() throws Exception {
    api = EmbeddedApiServer.startWithRbac(0);
    admin = api.newClient();
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smm-system").endMetadata().build()).create();
    api.tokens().add("nobody-token", "nobody", "system:authenticated"); // known to Kubernetes, bound to nothing
    server = new SmmServer(admin, "c1", URI.create("http://127.0.0.1:1/"));
    http = new ApiClient("http://127.0.0.1:" + server.start(new ServerOptions("127.0.0.1", 0, 0)));
    nobody = http.session("nobody-token");
  }

  @AfterAll
  static void stop() {
    server.close();
    admin.close();
    api.close();
  }

  @Test
  void theScanCoversTheWholeSchema() {
    List<Operation> ops = operations();
    assertThat(ops.stream().filter(o -> o.kind().equals("query"))).hasSize(SCHEMA.getQueryType().getFieldDefinitions().size());
    assertThat(ops).extracting(Operation::field).contains("topology", "istioResources", "applyIstioResource", "tap", "namespaces", "me");
    assertThat(ops).hasSizeGreaterThan(30);
  }

  @Test
  void noQueryOrMutationAnswersOverHttpWithoutAValidSession() throws Exception {
    for (Operation op : operations()) {
      if (op.kind().equals("subscription")) {
        continue;
      }
      for (String token : new String[] {null, FORGED, "not-a-jwt"}) {
        ApiClient.Answer a = http.graphql(token, op.text());
        assertThat(a.status()).as("%s with %s: %s", op.text(), token, a.body()).isEqualTo(401);
        assertThat(a.body().has("data")).as(op.text()).isFalse();
        assertThat(a.body().at("/errors/0/extensions/code").asText()).isEqualTo("UNAUTHENTICATED");
      }
      ApiClient.Answer valid = http.graphql(nobody, op.text());
      assertThat(valid.status()).as(op.text()).isEqualTo(200);
      assertThat(valid.body().toString()).as("%s is a valid operation: %s", op.text(), valid.body()).doesNotContain("ValidationError");
    }
  }

  @Test
  void noSubscriptionStartsOverWebSocketWithoutAValidSession() throws Exception {
    for (Operation op : operations()) {
      if (!op.kind().equals("subscription")) {
        continue;
      }
      for (String token : new String[] {null, FORGED}) {
        try (ApiClient.Subscriptions ws = http.subscriptions()) {
          JsonNode answer = ws.init(token);
          assertThat(answer.path("type").asText()).as("%s with %s", op.field(), token).isEqualTo("closed");
          assertThat(answer.path("code").asInt()).isEqualTo(4401);
        }
      }
      try (ApiClient.Subscriptions ws = http.subscriptions()) { // subscribing without connection_init at all
        ws.subscribe("1", op.text());
        JsonNode answer = ws.next();
        assertThat(answer.path("type").asText()).isEqualTo("closed");
        assertThat(answer.path("code").asInt()).isEqualTo(4401);
      }
      try (ApiClient.Subscriptions ws = http.subscriptions()) {
        assertThat(ws.init(nobody).path("type").asText()).isEqualTo("connection_ack");
        ws.subscribe("1", op.text());
        JsonNode answer = ws.next();
        assertThat(answer == null ? "" : answer.toString()).as(op.text()).doesNotContain("ValidationError");
      }
    }
  }

  @Test
  void insideGraphQLEveryRootFieldRefusesARequestWithoutCaller() {
    // Built with no services at all: a field that answered would have to get past the check first.
    var graphQL = SmmGraphQL.create(new SmmGraphQL.Shared(null, null, null, null, null, null, null, null, null, null), null, Runnable::run);
    for (Operation op : operations()) {
      ExecutionResult r = graphQL.execute(op.text());
      assertThat(r.getErrors()).as(op.text()).isNotEmpty();
      assertThat(r.getErrors().get(0).getExtensions()).as(op.text()).containsEntry("code", "UNAUTHENTICATED");
      Object data = r.getData();
      assertThat(data == null || ((Map<?, ?>) data).get(op.field()) == null).as(op.text() + " -> " + data).isTrue();
    }
  }
}
