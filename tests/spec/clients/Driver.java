// The round trip through the Java client of openapi-generator (library `native`: java.net.http and
// Jackson). Errors arrive as ApiException; the generated NotFoundException model types the body.
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pinpoint.ApiClient;
import pinpoint.ApiException;
import pinpoint.api.AppsApi;
import pinpoint.api.EndpointsApi;
import pinpoint.api.UserApi;
import pinpoint.model.CreateApplicationRequest;
import pinpoint.model.EndpointBatchRequest;
import pinpoint.model.EndpointRequest;
import pinpoint.model.EndpointResponse;
import pinpoint.model.EndpointUser;
import pinpoint.model.EndpointsResponse;
import pinpoint.model.NotFoundException;

public class Driver {
  public static void main(String[] args) throws Exception {
    ApiClient client = new ApiClient();
    ObjectMapper mapper = client.getObjectMapper();
    JsonNode s = mapper.readTree(new File(args[0]));
    client.updateBaseUri(s.get("baseUrl").asText());
    AppsApi apps = new AppsApi(client);
    EndpointsApi endpoints = new EndpointsApi(client);
    UserApi users = new UserApi(client);
    String app = apps.createApp(new CreateApplicationRequest().name(s.get("appName").asText())).getId();
    JsonNode single = s.get("single");
    endpoints.updateEndpoint(app, single.get("endpointId").asText(), new EndpointRequest()
        .channelType(single.get("channelType").asText()).address(single.get("address").asText())
        .user(new EndpointUser().userId(single.get("userId").asText())));
    ObjectMapper plain = new ObjectMapper();
    Map<String, Object> batch = new LinkedHashMap<>();
    batch.put("Item", plain.treeToValue(s.get("batch"), List.class));
    endpoints.updateEndpointsBatch(app, mapper.convertValue(batch, EndpointBatchRequest.class));

    Map<String, Object> result = new LinkedHashMap<>();
    Map<String, Object> listed = new LinkedHashMap<>();
    for (JsonNode user : s.get("users")) {
      EndpointsResponse body = users.getUserEndpoints(app, user.asText());
      List<String> ids = new ArrayList<>();
      List<String> userIds = new ArrayList<>();
      for (EndpointResponse e : body.getItem()) {
        ids.add(e.getId());
        userIds.add(e.getUser().getUserId());
      }
      listed.put(user.asText(), Map.of("ids", ids, "userIds", userIds));
    }
    result.put("listed", listed);
    EndpointResponse varied = users.getUserEndpoints(app, s.get("variedUser").asText()).getItem().get(0);
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("channelType", varied.getChannelType());
    v.put("cohortId", varied.getCohortId());
    v.put("address", varied.getAddress());
    v.put("demographic", varied.getDemographic());
    v.put("city", varied.getLocation().getCity());
    result.put("varied", v);
    List<String> deleted = new ArrayList<>();
    for (EndpointResponse e : users.deleteUserEndpoints(app, s.get("deletedUser").asText()).getItem()) {
      deleted.add(e.getId());
    }
    result.put("deleted", deleted);
    Map<String, Object> errors = new LinkedHashMap<>();
    String[][] cases = {{"afterDelete", app, s.get("deletedUser").asText()},
        {"lowercase", app, s.get("lowercaseUser").asText()}, {"unknownApp", s.get("unknownApp").asText(), "anyone"}};
    for (String[] c : cases) {
      try {
        users.getUserEndpoints(c[1], c[2]);
        errors.put(c[0], Map.of("status", 200));
      } catch (ApiException error) {
        NotFoundException typed = mapper.readValue(error.getResponseBody(), NotFoundException.class);
        // The documented fallback: Message, else the member `message` some front ends send.
        String text = typed.getMessage() != null ? typed.getMessage()
            : mapper.readTree(error.getResponseBody()).path("message").asText(null);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("status", error.getCode());
        e.put("type", typed.getClass().getSimpleName());
        e.put("text", text);
        errors.put(c[0], e);
      }
    }
    result.put("errors", errors);
    apps.deleteApp(app);
    plain.getFactory().configure(JsonGenerator.Feature.ESCAPE_NON_ASCII, true);
    System.out.println(plain.writeValueAsString(result));
  }
}
