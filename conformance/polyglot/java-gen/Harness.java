// Harness for the Java client openapi-generator makes from the spec (`java`, library `native`:
// java.net.http + Jackson); see ../run.py. That library has no Basic auth support, so the
// Authorization header goes through its request interceptor. The parse is printed with the
// client's own ObjectMapper, which writes the API's names. Each example is reached through its
// base URL (`<mock>/__example/NAME`): updateBaseUri keeps the URL's path as the base path.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import polyglot.mpc.ApiClient;
import polyglot.mpc.ApiException;
import polyglot.mpc.api.ParticipantsApi;
import polyglot.mpc.model.ParticipantList;

public class Harness {
  static JsonNode cfg;
  // The generated client's own mapper (JsonNullable module, the API's property names).
  static final ObjectMapper mapper = new ApiClient().getObjectMapper();

  static ParticipantsApi api(String url) {
    return new ParticipantsApi(client(url));
  }

  static ApiClient client(String url) {
    ApiClient client = new ApiClient();
    client.updateBaseUri(url);
    String basic = Base64.getEncoder().encodeToString(
        (cfg.get("auth_id").asText() + ":" + cfg.get("auth_token").asText())
            .getBytes(StandardCharsets.UTF_8));
    client.setRequestInterceptor(b -> b.header("Authorization", "Basic " + basic));
    return client;
  }

  static JsonNode listing(ParticipantsApi api, String by, String mpc, String callUuid) throws Exception {
    String auth = cfg.get("auth_id").asText();
    ParticipantList page = by.equals("name")
        ? api.listParticipantsByName(auth, mpc, callUuid, null, null)
        : api.listParticipantsByUuid(auth, mpc, callUuid, null, null);
    return mapper.readTree(mapper.writeValueAsString(page));
  }

  static String errorText(Exception e) {
    String s = e.getClass().getSimpleName() + ": " + e.getMessage();
    if (e instanceof ApiException) s += " (HTTP " + ((ApiException) e).getCode() + ")";
    return s.length() > 500 ? s.substring(0, 500) : s;
  }

  // One operation by reflection: the API class named by its tag, the method named by the
  // operationId (the overload without the headers map), the path values in order, the body
  // converted from the example into the method's own parameter type by the client's mapper,
  // null for every optional query parameter. Returns the answer written back by the client's
  // mapper (the API's names), null without one.
  static JsonNode operation(ApiClient client, JsonNode op, boolean withQuery) throws Exception {
    Class<?> cls = Class.forName("polyglot.mpc.api." + op.get("api").asText());
    Object api = cls.getConstructor(ApiClient.class).newInstance(client);
    Method method = null;
    for (Method m : cls.getMethods()) {
      Class<?>[] ps = m.getParameterTypes();
      if (m.getName().equals(op.get("id").asText())
          && (ps.length == 0 || ps[ps.length - 1] != Map.class)) method = m;
    }
    if (method == null) throw new NoSuchMethodException(op.get("id").asText());
    Class<?>[] types = method.getParameterTypes();
    Object[] values = new Object[types.length];
    int i = 0;
    for (JsonNode p : op.get("path_params")) values[i++] = p.get(1).asText();
    if (!op.get("body_model").isNull()) values[i] = mapper.treeToValue(op.get("body"), types[i]);
    // The query parameters follow the path values, in the spec's order, each at its example.
    if (withQuery) {
      for (JsonNode q : op.get("query")) {
        values[i] = mapper.treeToValue(q.get(1), types[i]);
        i++;
      }
    }
    Object answer;
    try {
      answer = method.invoke(api, values);
    } catch (InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
    return answer == null ? mapper.nullNode() : mapper.readTree(mapper.writeValueAsString(answer));
  }

  // An exception as the runner compares it: its class, and the ApiException's status and JSON
  // body.
  static ObjectNode raised(Exception e) {
    ObjectNode out = mapper.createObjectNode();
    out.put("$raises", e.getClass().getSimpleName());
    String text = errorText(e);
    out.put("$error", text.length() > 300 ? text.substring(0, 300) : text);
    if (e instanceof ApiException) {
      ApiException api = (ApiException) e;
      if (api.getCode() != 0) out.put("$status", api.getCode());
      try {
        if (api.getResponseBody() != null) out.set("$body", mapper.readTree(api.getResponseBody()));
      } catch (Exception notJson) {
        // no JSON body to compare
      }
    }
    return out;
  }

  static void operations(ObjectMapper json) throws Exception {
    ObjectNode out = json.createObjectNode();
    out.put("client", "openapi-generator java (native)");
    ObjectNode outcome = out.putObject("operations");
    ApiClient client = client(cfg.get("requests_url").asText());
    for (JsonNode op : cfg.get("operations")) {
      // Once without query parameters, and once with each at its example ("<id>+query").
      for (boolean withQuery : new boolean[] {false, true}) {
        if (withQuery && op.get("query").size() == 0) continue;
        String key = op.get("id").asText() + (withQuery ? "+query" : "");
        try {
          operation(client, op, withQuery);
          outcome.put(key, "ok");
        } catch (Exception e) {
          outcome.put(key, "error: " + errorText(e));
        }
      }
    }
    // Every response example, from the base URL that serves it.
    ObjectNode examples = out.putObject("examples");
    for (JsonNode op : cfg.get("operations")) {
      ObjectNode parses = examples.putObject(op.get("id").asText());
      for (JsonNode ex : op.get("examples")) {
        try {
          parses.set(ex.get("name").asText(), operation(client(ex.get("url").asText()), op, false));
        } catch (Exception e) {
          parses.set(ex.get("name").asText(), raised(e));
        }
      }
    }
    System.out.println(json.writeValueAsString(out));
  }

  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    cfg = json.readTree(Files.readString(Path.of(args[0])));
    if (cfg.has("operations")) {
      operations(json);
      return;
    }
    ObjectNode out = json.createObjectNode();
    out.put("client", "openapi-generator java (native)");
    ObjectNode parses = out.putObject("parses");
    Iterator<Map.Entry<String, JsonNode>> it = cfg.get("examples").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> ex = it.next();
      ParticipantsApi api = api(ex.getValue().asText());
      ObjectNode both = parses.putObject(ex.getKey());
      String[][] ways = {{"by_name", "name", cfg.get("mpc_name").asText()},
                         {"by_uuid", "uuid", cfg.get("mpc_uuid").asText()}};
      for (String[] w : ways) {
        try {
          both.set(w[0], listing(api, w[1], w[2], null));
        } catch (Exception e) {
          both.putObject(w[0]).put("$error", errorText(e));
        }
      }
    }
    ObjectNode calls = out.putObject("calls");
    ParticipantsApi api = api(cfg.get("requests_url").asText());
    for (JsonNode call : cfg.get("request_calls")) {
      JsonNode cu = call.get("call_uuid");
      try {
        listing(api, call.get("by").asText(), call.get("mpc").asText(), cu.isNull() ? null : cu.asText());
        calls.put(call.get("id").asText(), "ok");
      } catch (Exception e) {
        calls.put(call.get("id").asText(), "error: " + errorText(e));
      }
    }
    System.out.println(json.writeValueAsString(out));
  }
}
