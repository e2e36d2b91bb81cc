package io.smm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import graphql.parser.Parser;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.UnExecutableSchemaGenerator;
import graphql.validation.ValidationError;
import graphql.validation.Validator;
import io.smm.backend.graphql.SmmGraphQL;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The CLI's own GraphQL documents against the schema the backend serves (the dashboard's are
 * checked the same way by its documents.test.ts): a renamed field fails here, not in a user's terminal.
 */
class GraphQLDocumentsTest {

  static final GraphQLSchema SCHEMA = UnExecutableSchemaGenerator.makeUnExecutableSchema(SmmGraphQL.loadSchema());

  static List<String> problems(String document) {
    return new Validator().validateDocument(SCHEMA, Parser.parse(document), Locale.ROOT).stream()
        .map(ValidationError::getDescription).toList();
  }

  @Test
  void theTapSubscriptionIsValid() {
    assertThat(problems(TapCommand.QUERY)).isEmpty();
  }

  @Test
  void theSidecarEgressRecommendationQueryIsValid() {
    assertThat(problems(SidecarProxyCommand.Egress.Recommend.QUERY)).isEmpty();
  }

  @Test
  void anUnknownFieldIsReported() {
    assertThat(problems("subscription T($filter: TapFilterInput!) { tap(filter: $filter) { dropped colour } }"))
        .singleElement().asString().contains("colour");
  }
}
