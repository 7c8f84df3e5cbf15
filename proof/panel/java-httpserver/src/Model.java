import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** In-memory data: applications and their endpoints. Each application is guarded by its own monitor. */
final class Model {

    static final DateTimeFormatter ISO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    static String now() { return ISO.format(Instant.now()); }

    static final Set<String> CHANNEL_TYPES = new TreeSet<>(Arrays.asList(
            "PUSH", "GCM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "ADM", "SMS",
            "VOICE", "EMAIL", "BAIDU", "CUSTOM", "IN_APP"));
    static final Set<String> ENDPOINT_STATUS = new TreeSet<>(Arrays.asList("ACTIVE", "INACTIVE"));
    static final Set<String> OPT_OUT = new TreeSet<>(Arrays.asList("ALL", "NONE"));
    static final String[] DEMOGRAPHIC_FIELDS = {
            "AppVersion", "Locale", "Make", "Model", "ModelVersion", "Platform", "PlatformVersion", "Timezone"};
    static final String[] LOCATION_STRING_FIELDS = {"City", "Country", "PostalCode", "Region"};
    static final String[] LOCATION_DOUBLE_FIELDS = {"Latitude", "Longitude"};
    static final int MAX_BATCH = 100;
    static final int MAX_ID_LENGTH = 4096;
    static final int MAX_ATTR_NAME = 50;
    static final int MAX_ATTR_VALUE = 100;

    // ------------------------------------------------------------ applications

    static final class App {
        final String id;
        final String arn;
        final String name;
        final Map<String, String> tags;
        final String creationDate;
        final long seq;
        boolean deleted; // guarded by this
        /** key: endpoint ID folded to lower case (endpoint IDs are case-insensitive). Guarded by this. */
        final LinkedHashMap<String, Endpoint> endpoints = new LinkedHashMap<>();

        App(String id, String arn, String name, Map<String, String> tags, long seq) {
            this.id = id;
            this.arn = arn;
            this.name = name;
            this.tags = tags;
            this.creationDate = now();
            this.seq = seq;
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Arn", arn);
            m.put("Id", id);
            m.put("Name", name);
            m.put("tags", new LinkedHashMap<String, Object>(tags));
            m.put("CreationDate", creationDate);
            return m;
        }
    }

    final ConcurrentHashMap<String, App> apps = new ConcurrentHashMap<>();
    private final AtomicLong appSeq = new AtomicLong();

    App createApp(String name, Map<String, String> tags, String region) {
        String id = UUID.randomUUID().toString().replace("-", "");
        String arn = "arn:aws:mobiletargeting:" + region + ":000000000000:apps/" + id;
        App a = new App(id, arn, name, tags, appSeq.incrementAndGet());
        apps.put(id, a);
        return a;
    }

    App requireApp(String id) throws ApiException {
        App a = apps.get(id);
        if (a == null) throw ApiException.notFound("Application not found: " + id);
        return a;
    }

    static String endpointKey(String endpointId) { return endpointId.toLowerCase(Locale.ROOT); }

    // --------------------------------------------------------------- endpoints

    static final class Endpoint {
        String id;
        String applicationId;
        String creationDate;
        String cohortId;
        String address, channelType, effectiveDate, endpointStatus, optOut, requestId;
        LinkedHashMap<String, List<String>> attributes;
        LinkedHashMap<String, String> demographic;
        LinkedHashMap<String, Object> location;
        LinkedHashMap<String, Double> metrics;
        boolean hasUser;
        String userId;
        LinkedHashMap<String, List<String>> userAttributes;

        /** Snapshot as an EndpointResponse (member order as in the model). Call under the app's lock. */
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            if (address != null) m.put("Address", address);
            m.put("ApplicationId", applicationId);
            if (attributes != null) m.put("Attributes", copyListMap(attributes));
            if (channelType != null) m.put("ChannelType", channelType);
            m.put("CohortId", cohortId);
            m.put("CreationDate", creationDate);
            if (demographic != null) m.put("Demographic", new LinkedHashMap<String, Object>(demographic));
            m.put("EffectiveDate", effectiveDate);
            m.put("EndpointStatus", endpointStatus);
            m.put("Id", id);
            if (location != null) m.put("Location", new LinkedHashMap<String, Object>(location));
            if (metrics != null) m.put("Metrics", new LinkedHashMap<String, Object>(metrics));
            if (optOut != null) m.put("OptOut", optOut);
            m.put("RequestId", requestId);
            if (hasUser) {
                Map<String, Object> u = new LinkedHashMap<>();
                if (userAttributes != null) u.put("UserAttributes", copyListMap(userAttributes));
                if (userId != null) u.put("UserId", userId);
                m.put("User", u);
            }
            return m;
        }
    }

    private static Map<String, Object> copyListMap(Map<String, List<String>> src) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : src.entrySet()) m.put(e.getKey(), new ArrayList<Object>(e.getValue()));
        return m;
    }

    static String cohortFor(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            int v = ((h[0] & 0xff) << 8) | (h[1] & 0xff);
            return Integer.toString(v % 100);
        } catch (Exception e) {
            return Integer.toString(Math.floorMod(key.hashCode(), 100));
        }
    }

    // ------------------------------------------------------------- validation

    /** A validated endpoint update (EndpointRequest or EndpointBatchItem). Null fields were absent. */
    static final class EndpointUpdate {
        String id; // only for batch items
        String address, channelType, effectiveDate, endpointStatus, optOut, requestId;
        LinkedHashMap<String, List<String>> attributes;
        LinkedHashMap<String, String> demographic;
        LinkedHashMap<String, Object> location;
        LinkedHashMap<String, Double> metrics;
        boolean hasUser;
        String userId;
        LinkedHashMap<String, List<String>> userAttributes;
    }

    static boolean isAbsent(Object v) { return v == null || v == Json.NULL; }

    static boolean hasControlChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x1f || c == 0x7f) return true;
        }
        return false;
    }

    /** Checks shared by user IDs and endpoint IDs. */
    static void checkId(String what, String v) throws ApiException {
        if (v.isEmpty()) throw ApiException.badRequest(what + " must not be empty");
        if (v.length() > MAX_ID_LENGTH)
            throw ApiException.badRequest(what + " is longer than " + MAX_ID_LENGTH + " characters");
        if (hasControlChar(v)) throw ApiException.badRequest(what + " must not contain control characters");
    }

    static void checkEndpointId(String v) throws ApiException {
        checkId("Endpoint ID", v);
        if (v.indexOf('$') >= 0 || v.indexOf('{') >= 0 || v.indexOf('}') >= 0)
            throw ApiException.badRequest("Endpoint ID can't contain $, { or }");
    }

    static String optString(Map<String, Object> m, String key, String path) throws ApiException {
        Object v = m.get(key);
        if (isAbsent(v)) return null;
        if (!(v instanceof String)) throw ApiException.badRequest(path + key + " must be a string");
        return (String) v;
    }

    static String optEnum(Map<String, Object> m, String key, Set<String> allowed) throws ApiException {
        String v = optString(m, key, "");
        if (v != null && !allowed.contains(v))
            throw ApiException.badRequest(key + " must be one of " + String.join(", ", allowed));
        return v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> optObject(Map<String, Object> m, String key, String path) throws ApiException {
        Object v = m.get(key);
        if (isAbsent(v)) return null;
        if (!(v instanceof Map)) throw ApiException.badRequest(path + key + " must be an object");
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    static LinkedHashMap<String, List<String>> optAttributes(Map<String, Object> m, String key, String path)
            throws ApiException {
        Map<String, Object> o = optObject(m, key, path);
        if (o == null) return null;
        LinkedHashMap<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : o.entrySet()) {
            String name = e.getKey();
            if (name.isEmpty()) throw ApiException.badRequest(path + key + ": attribute name must not be empty");
            if (name.codePointCount(0, name.length()) > MAX_ATTR_NAME)
                throw ApiException.badRequest(path + key + ": attribute name longer than " + MAX_ATTR_NAME + " characters");
            if (!(e.getValue() instanceof List))
                throw ApiException.badRequest(path + key + "." + name + " must be an array of strings");
            List<String> vals = new ArrayList<>();
            for (Object x : (List<Object>) e.getValue()) {
                if (!(x instanceof String))
                    throw ApiException.badRequest(path + key + "." + name + " must be an array of strings");
                String s = (String) x;
                if (s.codePointCount(0, s.length()) > MAX_ATTR_VALUE)
                    throw ApiException.badRequest(path + key + "." + name + ": attribute value longer than "
                            + MAX_ATTR_VALUE + " characters");
                vals.add(s);
            }
            out.put(name, vals);
        }
        return out;
    }

    static Double optDouble(Map<String, Object> m, String key, String path) throws ApiException {
        Object v = m.get(key);
        if (isAbsent(v)) return null;
        if (!(v instanceof Double)) throw ApiException.badRequest(path + key + " must be a number");
        return (Double) v;
    }

    static EndpointUpdate parseEndpointUpdate(Map<String, Object> m, boolean batchItem, String path)
            throws ApiException {
        EndpointUpdate u = new EndpointUpdate();
        if (batchItem) {
            u.id = optString(m, "Id", path);
            if (u.id == null) throw ApiException.badRequest(path + "Id is required for each batch item");
            checkEndpointId(u.id);
        }
        u.address = optString(m, "Address", path);
        u.channelType = optEnum(m, "ChannelType", CHANNEL_TYPES);
        u.effectiveDate = optString(m, "EffectiveDate", path);
        u.endpointStatus = optEnum(m, "EndpointStatus", ENDPOINT_STATUS);
        u.optOut = optEnum(m, "OptOut", OPT_OUT);
        u.requestId = optString(m, "RequestId", path);
        u.attributes = optAttributes(m, "Attributes", path);

        Map<String, Object> demo = optObject(m, "Demographic", path);
        if (demo != null) {
            u.demographic = new LinkedHashMap<>();
            for (String f : DEMOGRAPHIC_FIELDS) {
                String v = optString(demo, f, path + "Demographic.");
                if (v != null) u.demographic.put(f, v);
            }
        }
        Map<String, Object> loc = optObject(m, "Location", path);
        if (loc != null) {
            u.location = new LinkedHashMap<>();
            for (String f : new String[]{"City", "Country", "Latitude", "Longitude", "PostalCode", "Region"}) {
                Object v = Arrays.asList(LOCATION_DOUBLE_FIELDS).contains(f)
                        ? optDouble(loc, f, path + "Location.") : optString(loc, f, path + "Location.");
                if (v != null) u.location.put(f, v);
            }
        }
        Map<String, Object> met = optObject(m, "Metrics", path);
        if (met != null) {
            u.metrics = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : met.entrySet()) {
                if (!(e.getValue() instanceof Double))
                    throw ApiException.badRequest(path + "Metrics." + e.getKey() + " must be a number");
                u.metrics.put(e.getKey(), (Double) e.getValue());
            }
        }
        Map<String, Object> user = optObject(m, "User", path);
        if (user != null) {
            u.hasUser = true;
            u.userId = optString(user, "UserId", path + "User.");
            if (u.userId != null) checkId("User.UserId", u.userId);
            u.userAttributes = optAttributes(user, "UserAttributes", path + "User.");
        }
        return u;
    }

    // ------------------------------------------------------------------ apply

    /** Creates or merges an endpoint. Caller holds the app's lock. */
    static Endpoint apply(App app, String endpointId, EndpointUpdate u, String serverRequestId) {
        String key = endpointKey(endpointId);
        String ts = now();
        Endpoint e = app.endpoints.get(key);
        if (e == null) {
            e = new Endpoint();
            e.id = endpointId;
            e.applicationId = app.id;
            e.creationDate = ts;
            e.cohortId = cohortFor(app.id + "/" + key);
            app.endpoints.put(key, e);
        }
        if (u.address != null) e.address = u.address;
        if (u.channelType != null) e.channelType = u.channelType;
        if (u.optOut != null) e.optOut = u.optOut;
        e.effectiveDate = u.effectiveDate != null ? u.effectiveDate : ts;
        e.endpointStatus = u.endpointStatus != null ? u.endpointStatus : "ACTIVE";
        e.requestId = u.requestId != null ? u.requestId : serverRequestId;
        if (u.attributes != null) {
            if (e.attributes == null) e.attributes = new LinkedHashMap<>();
            e.attributes.putAll(u.attributes);
        }
        if (u.demographic != null) {
            if (e.demographic == null) e.demographic = new LinkedHashMap<>();
            e.demographic.putAll(u.demographic);
        }
        if (u.location != null) {
            if (e.location == null) e.location = new LinkedHashMap<>();
            e.location.putAll(u.location);
        }
        if (u.metrics != null) {
            if (e.metrics == null) e.metrics = new LinkedHashMap<>();
            e.metrics.putAll(u.metrics);
        }
        if (u.hasUser) {
            e.hasUser = true;
            if (u.userId != null) e.userId = u.userId;
            if (u.userAttributes != null) {
                if (e.userAttributes == null) e.userAttributes = new LinkedHashMap<>();
                e.userAttributes.putAll(u.userAttributes);
            }
        }
        // "Amazon Pinpoint automatically sets this value to INACTIVE if you update another endpoint
        //  that has the same address specified by the Address property."
        if (e.address != null) {
            for (Endpoint other : app.endpoints.values()) {
                if (other != e && e.address.equals(other.address)
                        && java.util.Objects.equals(e.channelType, other.channelType)) {
                    other.endpointStatus = "INACTIVE";
                }
            }
        }
        return e;
    }
}
