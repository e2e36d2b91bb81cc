package io.smm.backend.istio;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * One resource as the user wrote it: the parsed tree and where each field is in the text, so a
 * finding on "spec.http[0].route[1].destination.host" can be shown at its line and column.
 */
public final class YamlDocument {

  /** 1-based line and column. */
  public record Position(int line, int column) {}

  /** The text is not one YAML mapping; {@code position} is where the parser gave up. */
  public static final class SyntaxException extends IllegalArgumentException {
    private final Position position;

    SyntaxException(String message, Position position) {
      super(position == null ? message : "line " + position.line() + ", column " + position.column() + ": " + message);
      this.position = position;
    }

    public Position position() {
      return position;
    }

    public String reason() {
      String m = getMessage();
      return position == null ? m : m.substring(m.indexOf(": ") + 2);
    }
  }

  private static final YAMLFactory FACTORY = new YAMLFactory();
  private static final ObjectMapper MAPPER = new YAMLMapper();

  private final ObjectNode root;
  private final Map<String, Position> positions;

  private YamlDocument(ObjectNode root, Map<String, Position> positions) {
    this.root = root;
    this.positions = positions;
  }

  public static YamlDocument parse(String text) {
    if (text == null || text.isBlank()) {
      throw new SyntaxException("the YAML is empty", null);
    }
    Map<String, Position> positions = new HashMap<>();
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonNode tree = null;
      JsonToken t;
      int documents = 0;
      while ((t = p.nextToken()) != null) {
        JsonStreamContext ctx = p.getParsingContext();
        boolean topLevel = ctx.inRoot() || t.isStructStart() && ctx.getParent() != null && ctx.getParent().inRoot();
        if (topLevel && (t == JsonToken.START_OBJECT || t.isScalarValue() || t == JsonToken.START_ARRAY)) {
          documents++;
          if (documents > 1) {
            throw new SyntaxException("more than one document: give one resource at a time", position(p.currentTokenLocation()));
          }
          if (t != JsonToken.START_OBJECT) {
            throw new SyntaxException("a resource must be a YAML mapping (apiVersion, kind, metadata, spec)",
                position(p.currentTokenLocation()));
          }
          tree = readFrom(p, positions);
        }
      }
      if (tree == null) {
        throw new SyntaxException("the YAML is empty", null);
      }
      return new YamlDocument((ObjectNode) tree, positions);
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      int nl = message.indexOf('\n');
      throw new SyntaxException(nl < 0 ? message : message.substring(0, nl), e.getLocation() == null ? null : position(e.getLocation()));
    } catch (IOException e) {
      throw new SyntaxException(e.getMessage(), null);
    }
  }

  /** Reads the object starting at the current token, recording every field's position on the way. */
  private static JsonNode readFrom(JsonParser p, Map<String, Position> positions) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    Deque<JsonNode> stack = new ArrayDeque<>();
    stack.push(root);
    String field = null;
    JsonToken t;
    while (!stack.isEmpty() && (t = p.nextToken()) != null) {
      JsonStreamContext ctx = p.getParsingContext();
      if (t == JsonToken.FIELD_NAME) {
        field = p.currentName();
        positions.putIfAbsent(path(ctx), position(p.currentTokenLocation()));
        continue;
      }
      if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        stack.pop();
        continue;
      }
      JsonNode parent = stack.peek();
      JsonNode value;
      if (t == JsonToken.START_OBJECT) {
        value = MAPPER.createObjectNode();
      } else if (t == JsonToken.START_ARRAY) {
        value = MAPPER.createArrayNode();
      } else {
        value = MAPPER.readTree(p);
      }
      if (parent instanceof ObjectNode o) {
        if (o.has(field)) {
          throw new SyntaxException("duplicate field \"" + field + "\"", position(p.currentTokenLocation()));
        }
        o.set(field, value);
      } else {
        positions.putIfAbsent(path(t.isStructStart() ? ctx.getParent() : ctx), position(p.currentTokenLocation()));
        ((ArrayNode) parent).add(value);
      }
      if (t.isStructStart()) {
        stack.push(value);
      }
    }
    return root;
  }

  /** "spec.http[0].route" for the parser context of a field name or array element. */
  private static String path(JsonStreamContext ctx) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
      } else if (c.inObject() && c.getCurrentName() != null) {
        parts.push("." + c.getCurrentName());
      }
    }
    String joined = String.join("", parts);
    return joined.startsWith(".") ? joined.substring(1) : joined;
  }

  private static Position position(JsonLocation l) {
    return new Position(l.getLineNr(), l.getColumnNr());
  }

  public ObjectNode root() {
    return root;
  }

  /**
   * Where a path is written, or its nearest written parent ("spec.http[2]" when the finding is
   * about a field the user left out there); line 1 when nothing of it is written.
   */
  public Position positionOf(String path) {
    String p = path.startsWith(".") ? path.substring(1) : path;
    while (!p.isEmpty()) {
      Position found = positions.get(p);
      if (found != null) {
        return found;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut < 0 ? "" : p.substring(0, cut);
    }
    return new Position(1, 1);
  }
}
