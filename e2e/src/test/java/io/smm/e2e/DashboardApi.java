package io.smm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** The dashboard's GraphQL API as the page calls it: POST with the session's bearer token; an answer with errors fails the test. */
record DashboardApi(String dashboard, String session) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  JsonNode graphql(String query, Map<String, Object> variables) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(dashboard + "/api/graphql"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + session)
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("query", query, "variables", variables)))).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("errors").isMissingNode()).as("GraphQL errors: %s", body.path("errors")).isTrue();
    return body.path("data");
  }
}
