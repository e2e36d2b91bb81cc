package io.smm.backend.istio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A starting point for one kind of change (seed 2.5.9.1): YAML with {{parameter}} placeholders.
 * Numbers are put in as they are, everything else as a quoted string, so a value (say
 * "*.example.com" or "a: b") can never change the document's structure.
 */
public record IstioTemplate(String id, String kind, String title, String description, List<Param> params, String body) {

  /** A placeholder with its default. */
  public record Param(String name, String description, String defaultValue) {}

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z]+)}}");
  private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
  /** Plain YAML scalars that read back as the same string. */
  private static final Pattern PLAIN = Pattern.compile("(?!(true|false|null|yes|no|on|off)$)[A-Za-z/.][A-Za-z0-9._/-]*");

  public String render(Map<String, String> values) {
    Map<String, String> effective = new LinkedHashMap<>();
    params.forEach(p -> effective.put(p.name(), p.defaultValue()));
    values.forEach((k, v) -> {
      if (params.stream().noneMatch(p -> p.name().equals(k))) {
        throw new IllegalArgumentException("template " + id + " has no parameter \"" + k + "\"; it has "
            + String.join(", ", params.stream().map(Param::name).toList()));
      }
      if (v != null && !v.isEmpty()) {
        effective.put(k, v);
      }
    });
    Matcher m = PLACEHOLDER.matcher(body);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = effective.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(NUMBER.matcher(value).matches() || PLAIN.matcher(value).matches() ? value : quoted(value)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String quoted(String value) {
    try {
      return new ObjectMapper().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
