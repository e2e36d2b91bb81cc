package io.smm.backend.http;

import io.vertx.ext.web.RoutingContext;

/**
 * Headers every answer carries, so the dashboard cannot be framed (clickjacking a lever on every
 * route), content is never sniffed, no URL leaks in a Referer, and only this origin's scripts run.
 * Styles may be inline: CodeMirror, ECharts and Cytoscape set them at run time.
 */
final class SecurityHeaders {

  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  private SecurityHeaders() {}

  static void add(RoutingContext rc) {
    rc.response().putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cross-Origin-Opener-Policy", "same-origin");
    rc.next();
  }
}
