package io.smm.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.smm.sandbox.kube.Kubeconfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.openqa.selenium.By;

/**
 * Logging in to a sandbox's dashboard as its kubeconfig's admin: API calls with a session from
 * /api/auth/login (what `smm login` does), Chromium through `smm dashboard --no-browser`, whose
 * printed URL carries the one-time login token.
 */
final class SandboxLogin {

  private SandboxLogin() {}

  /** A session for GraphQL calls, from the sandbox kubeconfig's bearer token. */
  static String session(String dashboard) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(dashboard + "/api/auth/login"))
        .header("Authorization", "Bearer " + Kubeconfig.TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("login failed: " + r.statusCode() + " " + r.body());
    }
    return new ObjectMapper().readTree(r.body()).path("sessionToken").asText();
  }

  /** Opens the dashboard in the browser logged in, as a user following `smm dashboard --no-browser` would. */
  static void browser(Browser browser, Map<String, String> env, String kubeconfig) throws Exception {
    SmmProcess.Result r = SmmProcess.run(env, "-c", kubeconfig, "dashboard", "--no-browser");
    if (r.exitCode() != 0) {
      throw new AssertionError("smm dashboard --no-browser failed: " + r.output());
    }
    String url = r.output().lines().filter(l -> l.contains("/#/login?token=")).findFirst()
        .orElseThrow(() -> new AssertionError("no login URL in: " + r.output())).replaceFirst(".*?(http\\S+).*", "$1");
    browser.driver.get(url);
    browser.await(d -> d.findElement(By.cssSelector("[data-testid=user]")).getText().contains("sandbox-admin"), Duration.ofSeconds(20),
        "the dashboard shows the logged-in user");
  }
}
