package io.smm.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users write them in our resources, flags and API: Prometheus' (5m, 1h30m, 30d, 2w)
 * and Kubernetes/Go's (336h0m0s). The one parser the SRE controller, the backend and the CLI share.
 */
public final class Durations {

  private static final Pattern WHOLE = Pattern.compile("(\\d+(ms|s|m|h|d|w|y))+");
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");

  private Durations() {}

  /** @throws IllegalArgumentException for text that is not such a duration */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim();
    if (!WHOLE.matcher(t).matches()) {
      throw new IllegalArgumentException("\"" + text + "\" is not a duration such as 5m, 1h or 336h0m0s");
    }
    Duration out = Duration.ZERO;
    Matcher m = PART.matcher(t);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      out = out.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        case "w" -> Duration.ofDays(7 * n);
        default -> Duration.ofDays(365 * n);
      });
    }
    return out;
  }

  /** Whether {@link #parse} reads it. */
  public static boolean isDuration(String text) {
    return text != null && WHOLE.matcher(text.trim()).matches();
  }
}
