// Harness for Plivo's Java SDK (com.plivo:plivo-java), pointed at the mock (see ../run.py).
//
// PlivoClient takes an OkHttpClient.Builder: an application interceptor added to it first
// sends each request to the current base URL instead of Plivo's host (the SDK's voice base URL
// is a constant): its scheme, host and port, and its path (the example's `/__example/NAME`) put
// before the SDK's path; the SDK's own interceptor then adds Basic auth.
// The parse is printed field by field from the SDK's model classes (camelCase fields written
// back in snake_case, the SDK's own naming strategy); a Java field cannot tell a missing key
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
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Iterator;
import java.util.Map;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;

public class Harness {
  static volatile HttpUrl base;
  static final ObjectMapper json = new ObjectMapper();

  static String snake(String camel) {
    return camel.replaceAll("([A-Z])", "_$1").toLowerCase();
  }

  static ObjectNode fields(Object o, Class<?> type) throws IllegalAccessException {
    ObjectNode out = json.createObjectNode();
    // The model's own fields (not BaseResource's client handle).
    for (Field f : type.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) || f.getType() == PlivoClient.class) continue;
      f.setAccessible(true);
      out.set(snake(f.getName()), json.valueToTree(f.get(o)));
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

  public static void main(String[] args) throws Exception {
    JsonNode cfg = json.readTree(new String(Files.readAllBytes(Paths.get(args[0])), "UTF-8"));
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
