// Harness for Plivo's Java SDK (com.plivo:plivo-java), pointed at the mock (see ../run.py).
//
// PlivoClient takes an OkHttpClient.Builder: an application interceptor added to it first
// sends each request to the current base URL instead of Plivo's host (the SDK's voice base URL
// is a constant): its scheme, host and port, and its path (the example's `/__example/NAME`) put
// before the SDK's path; the SDK's own interceptor then adds Basic auth.
// The parse is printed field by field from the SDK's model classes, nested ones included, each
// field under the API's name it stands for (see apiName); a Java field cannot tell a missing key
// from null, so both print as null.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.plivo.api.PlivoClient;
import com.plivo.api.models.base.ListResponse;
import com.plivo.api.models.base.Meta;
import com.plivo.api.models.multipartycall.MultiPartyCall;
import com.plivo.api.models.multipartycall.MultiPartyCallParticipant;
import com.plivo.api.models.multipartycall.MultiPartyCallParticipantList;
import com.plivo.api.models.multipartycall.MultiPartyCallUtils;
import com.plivo.api.util.PropertyFilter;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;

public class Harness {
  static volatile HttpUrl base;
  static final ObjectMapper json = new ObjectMapper();

  // Every property name of the spec's schemas (the config's api_names, see
  // ../matrix/orchestrate.py).
  static final Set<String> apiNames = new HashSet<>();

  static String snake(String camel) {
    return camel.replaceAll("([A-Z])", "_$1").toLowerCase();
  }

  /** A field of the SDK as the API's name it stands for: itself when it is one (the API spells
   *  mpcMemberId in camelCase), else its snake_case form when that is one; any other name stays
   *  as the SDK spells it, so the difference it makes is the SDK's. */
  static String apiName(String field) {
    String snake = snake(field);
    return apiNames.contains(field) || !apiNames.contains(snake) ? field : snake;
  }

  static ObjectNode fields(Object o, Class<?> type) throws IllegalAccessException {
    ObjectNode out = json.createObjectNode();
    // The model's own fields (not BaseResource's client handle).
    for (Field f : type.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) || f.getType() == PlivoClient.class) continue;
      f.setAccessible(true);
      out.set(apiName(f.getName()), answerJson(f.get(o)));
    }
    return out;
  }

  static JsonNode listing(PlivoClient client, String by, String mpc, String callUuid) throws Exception {
    String id = by.equals("name") ? MultiPartyCallUtils.friendlyName(mpc) : MultiPartyCallUtils.mpcUuid(mpc);
    MultiPartyCallParticipantList lister = MultiPartyCall.participantList(id);
    if (callUuid != null) lister.callUuid(callUuid);
    ListResponse<MultiPartyCallParticipant> page = lister.client(client).list();
    ObjectNode out = json.createObjectNode();
    out.put("api_id", page.getApiId());
    Meta meta = page.getMeta();
    out.set("meta", meta == null ? NullNode.getInstance() : fields(meta, Meta.class));
    ArrayNode objects = out.putArray("objects");
    for (MultiPartyCallParticipant p : page.getObjects()) {
      objects.add(fields(p, MultiPartyCallParticipant.class));
    }
    return out;
  }

  static String errorText(Exception e) {
    String s = e.getClass().getSimpleName() + ": " + e.getMessage();
    return s.length() > 500 ? s.substring(0, 500) : s;
  }

  // The operations run (see ../matrix/orchestrate.py): each operation of the spec that the SDK
  // implements, as the static factory of MultiPartyCall that makes its request, by the
  // operationId without its ByName/ByUuid ending, with the API names it takes after the MPC id
  // (all strings); an operation missing here has no method in the SDK. Every other body field
  // and query parameter goes to the request's setter of the same name in camelCase (Jackson
  // converts the value to the setter's type; a comma-separated text to a list setter goes as
  // its items; the range filters go as a PropertyFilter, see rangeFilters); a field with no
  // setter is left out (the runner then finds it missing from the request). The request is sent by its own verb: list,
  // update, create, delete or get, the first it has.
  static final Map<String, String[]> METHODS = new LinkedHashMap<>();
  static {
    String[][] table = {
      {"listMpcs", "lister"}, {"getMpc", "getter"}, {"startMpc", "starter"}, {"endMpc", "stopper"},
      {"startMpcRecording", "recordStarter"}, {"stopMpcRecording", "recordStopper"},
      {"pauseMpcRecording", "recordPause"}, {"resumeMpcRecording", "recordResume"},
      {"addParticipant", "addParticipant", "role", "call_uuid"},
      {"listParticipants", "participantList"},
      {"getParticipant", "participantGetter", "member_id"},
      {"updateParticipant", "participantUpdater", "member_id"},
      {"kickParticipant", "participantKicker", "member_id"},
      {"startParticipantRecording", "participantRecordStarter", "member_id"},
      {"stopParticipantRecording", "participantRecordStopper", "member_id"},
      {"pauseParticipantRecording", "participantRecordPause", "member_id"},
      {"resumeParticipantRecording", "participantRecordResume", "member_id"},
      {"startPlayAudio", "startPlayAudio", "member_id"}, {"stopPlayAudio", "stopPlayAudio", "member_id"},
    };
    for (String[] row : table) METHODS.put(row[0], Arrays.copyOfRange(row, 1, row.length));
  }
  static final String[] VERBS = {"list", "update", "create", "delete", "get"};
  // The API's range filters (`end_time__gt`) are one PropertyFilter per field in the SDK
  // (`endTime(PropertyFilter)`), its bound set by the method named here.
  static final Map<String, String> BOUNDS = Map.of("gt", "greaterThan", "gte", "greaterOrEqual",
                                                   "lt", "lessThan", "lte", "lessOrEqual");

  /** Folds each `NAME__BOUND` value into a PropertyFilter under NAME. */
  @SuppressWarnings("unchecked")
  static void rangeFilters(Map<String, Object> values) throws Exception {
    for (String key : new ArrayList<>(values.keySet())) {
      String[] parts = key.split("__");
      if (parts.length != 2 || !BOUNDS.containsKey(parts[1])) continue;
      PropertyFilter<String> filter = (PropertyFilter<String>) values.computeIfAbsent(parts[0], k -> new PropertyFilter<String>());
      PropertyFilter.class.getMethod(BOUNDS.get(parts[1]), Object.class).invoke(filter, ((JsonNode) values.remove(key)).asText());
    }
  }

  static String camel(String snake) {
    StringBuilder out = new StringBuilder();
    boolean up = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') { up = true; continue; }
      out.append(up ? Character.toUpperCase(c) : c);
      up = false;
    }
    return out.toString();
  }

  static Object invoke(Method m, Object target, Object... args) throws Exception {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw (e.getCause() instanceof Exception) ? (Exception) e.getCause() : e;
    }
  }

  // What a call said ("ok", "error: ...", "unsupported: ...") and what the SDK returned.
  record Outcome(String said, Object answer) {}

  static Outcome unsupported(String why) {
    return new Outcome("unsupported: " + why, null);
  }

  static Outcome callOperation(PlivoClient client, JsonNode op, JsonNode query) throws Exception {
    String[] entry = METHODS.get(op.get("id").asText().replaceAll("By(Name|Uuid)$", ""));
    if (entry == null) return unsupported("the SDK has no method for it");
    Map<String, Object> values = new LinkedHashMap<>();
    for (JsonNode p : op.get("path_params")) values.put(p.get(0).asText(), p.get(1));
    JsonNode body = op.get("body");
    if (body != null && body.isObject()) body.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue()));
    for (JsonNode q : query) values.put(q.get(0).asText(), q.get(1));
    rangeFilters(values);
    List<Object> args = new ArrayList<>();
    if (!entry[0].equals("lister")) {
      args.add(values.containsKey("mpc_name") ? MultiPartyCallUtils.friendlyName(((JsonNode) values.get("mpc_name")).asText())
                                              : MultiPartyCallUtils.mpcUuid(((JsonNode) values.get("mpc_uuid")).asText()));
    }
    for (int i = 1; i < entry.length; i++) {
      JsonNode v = (JsonNode) values.get(entry[i]);
      args.add(v == null ? null : v.asText());
    }
    Method factory = null;
    for (Method m : MultiPartyCall.class.getMethods()) {
      if (m.getName().equals(entry[0]) && Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == args.size()
          && Arrays.stream(m.getParameterTypes()).allMatch(t -> t == String.class)) factory = m;
    }
    if (factory == null) return unsupported("no MultiPartyCall." + entry[0] + " with " + args.size() + " string(s)");
    Object request = invoke(factory, null, args.toArray());
    List<String> unfit = new ArrayList<>();
    for (Map.Entry<String, Object> v : values.entrySet()) {
      String name = v.getKey();
      if (name.equals("auth_id") || name.equals("mpc_name") || name.equals("mpc_uuid")
          || Arrays.asList(entry).subList(1, entry.length).contains(name)) continue;
      for (Method m : request.getClass().getMethods()) {
        if (!m.getName().equals(camel(name)) || m.getParameterCount() != 1) continue;
        if (v.getValue() instanceof PropertyFilter) {
          invoke(m, request, v.getValue());
          break;
        }
        try {
          JsonNode given = (JsonNode) v.getValue();
          // A list setter for a comma-separated field of the API: the list a caller would pass.
          if (List.class.isAssignableFrom(m.getParameterTypes()[0]) && given.isTextual()) {
            ArrayNode items = json.createArrayNode();
            for (String item : given.asText().split(",")) items.add(item);
            given = items;
          }
          Object value = json.convertValue(given, json.constructType(m.getGenericParameterTypes()[0]));
          invoke(m, request, value);
        } catch (IllegalArgumentException e) {
          unfit.add(m.getName() + "(" + m.getParameterTypes()[0].getSimpleName() + ") cannot take " + v.getValue());
        }
        break;
      }
    }
    invoke(request.getClass().getMethod("client", PlivoClient.class), request, client);
    for (String verb : VERBS) {
      Method send;
      try {
        send = request.getClass().getMethod(verb);
      } catch (NoSuchMethodException e) {
        continue;
      }
      Object answer = invoke(send, request);
      return new Outcome(unfit.isEmpty() ? "ok" : "error: the SDK's setter " + String.join("; ", unfit), answer);
    }
    return unsupported(request.getClass().getSimpleName() + " has no verb to send it");
  }

  // What the SDK returned, as JSON with the API's names: a list page as listing() writes it, a
  // list item by item, a model of the SDK (a nested one too: addParticipant's calls) by its own
  // fields and its superclasses', anything else (text, numbers) by Jackson. Jackson is not asked
  // for the SDK's models: it would name their fields by their getters (callUuid), not as the SDK
  // reads them.
  static JsonNode answerJson(Object o) throws IllegalAccessException {
    if (o == null) return NullNode.getInstance();
    if (o instanceof ListResponse<?> page) {
      ObjectNode out = json.createObjectNode();
      out.put("api_id", page.getApiId());
      out.set("meta", page.getMeta() == null ? NullNode.getInstance() : fields(page.getMeta(), Meta.class));
      ArrayNode objects = out.putArray("objects");
      for (Object item : page.getObjects()) objects.add(answerJson(item));
      return out;
    }
    if (o instanceof List<?> items) {
      ArrayNode out = json.createArrayNode();
      for (Object item : items) out.add(answerJson(item));
      return out;
    }
    if (!o.getClass().getName().startsWith("com.plivo.") || o.getClass().isEnum()) return json.valueToTree(o);
    ObjectNode out = json.createObjectNode();
    for (Class<?> type = o.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
      // The subclass's field first (Jackson 2.7 here: no putIfAbsent).
      fields(o, type).fields().forEachRemaining(f -> {
        if (!out.has(f.getKey())) out.set(f.getKey(), f.getValue());
      });
    }
    return out;
  }

  // An SDK exception as the runner compares it: its class, and its message as the body when the
  // message is the answer's JSON (the SDK keeps no status).
  static ObjectNode raised(Exception e) {
    ObjectNode out = json.createObjectNode();
    out.put("$raises", e.getClass().getSimpleName());
    out.put("$error", errorText(e));
    try {
      JsonNode body = e.getMessage() == null ? null : json.readTree(e.getMessage());
      if (body != null && body.isObject()) out.set("$body", body);
    } catch (Exception notJson) {
      // the message is not a body
    }
    return out;
  }

  static ObjectNode operations(PlivoClient client, JsonNode cfg) {
    ObjectNode outcome = json.createObjectNode();
    for (JsonNode op : cfg.get("operations")) {
      String id = op.get("id").asText();
      Map<String, JsonNode> runs = new LinkedHashMap<>();
      runs.put(id, json.createArrayNode());
      if (op.get("query").size() > 0) runs.put(id + "+query", op.get("query"));
      for (Map.Entry<String, JsonNode> run : runs.entrySet()) {
        try {
          outcome.put(run.getKey(), callOperation(client, op, run.getValue()).said());
        } catch (Exception e) {
          outcome.put(run.getKey(), "error: " + errorText(e));
        }
      }
    }
    return outcome;
  }

  // Every response example of each operation the SDK implements, from the base URL that serves it.
  static ObjectNode examples(PlivoClient client, JsonNode cfg, ObjectNode outcome) {
    ObjectNode out = json.createObjectNode();
    for (JsonNode op : cfg.get("operations")) {
      String id = op.get("id").asText();
      if (outcome.get(id).asText().startsWith("unsupported")) continue;
      ObjectNode parses = out.putObject(id);
      for (JsonNode ex : op.get("examples")) {
        base = HttpUrl.parse(ex.get("url").asText());
        try {
          parses.set(ex.get("name").asText(), answerJson(callOperation(client, op, json.createArrayNode()).answer()));
        } catch (Exception e) {
          parses.set(ex.get("name").asText(), raised(e));
        }
      }
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    JsonNode cfg = json.readTree(new String(Files.readAllBytes(Paths.get(args[0])), "UTF-8"));
    for (JsonNode name : cfg.get("api_names")) apiNames.add(name.asText());
    OkHttpClient.Builder http = new OkHttpClient.Builder().addInterceptor(chain -> {
      Request r = chain.request();
      String prefix = base.encodedPath().replaceAll("/+$", "");
      HttpUrl url = r.url().newBuilder().scheme(base.scheme()).host(base.host()).port(base.port())
          .encodedPath(prefix + r.url().encodedPath()).build();
      return chain.proceed(r.newBuilder().url(url).build());
    });
    PlivoClient client = new PlivoClient(cfg.get("auth_id").asText(), cfg.get("auth_token").asText(), http);
    ObjectNode out = json.createObjectNode();
    out.put("client", "plivo-java");
    if (cfg.has("operations")) {
      base = HttpUrl.parse(cfg.get("requests_url").asText());
      ObjectNode outcome = operations(client, cfg);
      out.set("operations", outcome);
      out.set("examples", examples(client, cfg, outcome));
      System.out.println(json.writeValueAsString(out));
      System.exit(0);
    }
    ObjectNode parses = out.putObject("parses");
    Iterator<Map.Entry<String, JsonNode>> it = cfg.get("examples").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> ex = it.next();
      base = HttpUrl.parse(ex.getValue().asText());
      ObjectNode both = parses.putObject(ex.getKey());
      String[][] ways = {{"by_name", "name", cfg.get("mpc_name").asText()},
                         {"by_uuid", "uuid", cfg.get("mpc_uuid").asText()}};
      for (String[] w : ways) {
        try {
          both.set(w[0], listing(client, w[1], w[2], null));
        } catch (Exception e) {
          both.putObject(w[0]).put("$error", errorText(e));
        }
      }
    }
    base = HttpUrl.parse(cfg.get("requests_url").asText());
    ObjectNode calls = out.putObject("calls");
    for (JsonNode call : cfg.get("request_calls")) {
      JsonNode cu = call.get("call_uuid");
      try {
        listing(client, call.get("by").asText(), call.get("mpc").asText(), cu.isNull() ? null : cu.asText());
        calls.put(call.get("id").asText(), "ok");
      } catch (Exception e) {
        calls.put(call.get("id").asText(), "error: " + errorText(e));
      }
    }
    System.out.println(json.writeValueAsString(out));
    System.exit(0); // OkHttp's pool threads would keep the JVM up for a minute
  }
}
