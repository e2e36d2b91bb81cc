package io.smm.backend.http;

import graphql.language.Document;
import graphql.language.OperationDefinition;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * GraphQL over HTTP GET may only read (the GraphQL-over-HTTP spec): a mutation in a URL could be
 * triggered by a link or an image tag. GET requests whose selected operation is a mutation get
 * 405 and an Allow: POST header; everything else goes on.
 */
final class GetOnlyQueries {

  private GetOnlyQueries() {}

  static void check(RoutingContext rc) {
    if (rc.request().method() != HttpMethod.GET || !selectsMutation(rc.queryParams().get("query"), rc.queryParams().get("operationName"))) {
      rc.next();
      return;
    }
    rc.response().setStatusCode(405).putHeader("Allow", "POST").putHeader("Content-Type", "application/json")
        .end("{\"errors\":[{\"message\":\"mutations must be sent with POST\"}]}");
  }

  /** Whether the operation a request runs is a mutation; unreadable queries are left to GraphQL's own error. */
  static boolean selectsMutation(String query, String operationName) {
    if (query == null) {
      return false;
    }
    Document document;
    try {
      document = Parser.parse(query);
    } catch (InvalidSyntaxException e) {
      return false;
    }
    return document.getDefinitionsOfType(OperationDefinition.class).stream()
        .filter(op -> operationName == null || operationName.isEmpty() || operationName.equals(op.getName()))
        .anyMatch(op -> op.getOperation() == OperationDefinition.Operation.MUTATION);
  }
}
