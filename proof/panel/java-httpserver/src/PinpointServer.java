import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small server for part of the Amazon Pinpoint REST API (2016-12-01, rest-json). */
public final class PinpointServer implements HttpHandler {

    static final int MAX_BODY = 5 * 1024 * 1024;
    static final int THROTTLE_EVERY = 150;

    private final Model model = new Model();
    private final AtomicLong requestCounter = new AtomicLong();

    // ------------------------------------------------------------------ main

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 8080;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String val = null;
            if (a.startsWith("--host=")) { host = a.substring(7); continue; }
            if (a.startsWith("--port=")) { val = a.substring(7); }
            else if (a.equals("--host") || a.equals("--port")) {
                if (i + 1 >= args.length) usage("missing value for " + a);
                if (a.equals("--host")) { host = args[++i]; continue; }
                val = args[++i];
            } else {
                usage("unknown argument: " + a);
            }
            try {
                port = Integer.parseInt(val);
                if (port < 0 || port > 65535) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                usage("invalid port: " + val);
            }
        }

        // Bound the time a client may take to send a request / read a response (seconds),
        // so slow or stalled clients can't hold connections forever.
        System.setProperty("sun.net.httpserver.maxReqTime", "60");
        System.setProperty("sun.net.httpserver.maxRspTime", "60");

        int threads = Math.max(16, Runtime.getRuntime().availableProcessors() * 4);
        AtomicInteger tn = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "pinpoint-worker-" + tn.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });

        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 256);
        server.createContext("/", new PinpointServer());
        server.setExecutor(pool);
        server.start();

        Runnable stop = new Runnable() {
            private boolean done;
            @Override public synchronized void run() {
                if (done) return;
                done = true;
                server.stop(1);
                pool.shutdown();
                try { pool.awaitTermination(5, TimeUnit.SECONDS); } catch (InterruptedException ignored) { }
                System.out.println("stopped");
                System.out.flush();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "shutdown"));
        installTermHandler(stop);

        int boundPort = server.getAddress().getPort();
        String shownHost = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        System.out.println("listening on http://" + shownHost + ":" + boundPort);
        System.out.flush();
    }

    /** On SIGTERM: stop the server and exit with status 0. Falls back to the shutdown hook. */
    private static void installTermHandler(Runnable stop) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> {
                stop.run();
                System.exit(0);
            });
        } catch (Throwable ignored) {
            // the shutdown hook still stops the server
        }
    }

    private static void usage(String msg) {
        System.err.println(msg);
        System.err.println("usage: java -cp build PinpointServer [--host HOST] [--port PORT]");
        System.exit(2);
    }

    // --------------------------------------------------------------- routing

    private enum Route {
        APPS("GET, POST"), APP("GET, DELETE"), BATCH("PUT"), ENDPOINT("GET, PUT, DELETE"), USER("GET, DELETE");
        final String allow;
        Route(String allow) { this.allow = allow; }
        boolean allows(String method) {
            for (String m : allow.split(", ")) if (m.equals(method)) return true;
            return false;
        }
    }

    /** Matches the raw (still percent-encoded) path segments against the routes. */
    private static Route match(String[] seg) {
        if (seg.length < 2 || !seg[0].equals("v1") || !seg[1].equals("apps")) return null;
        switch (seg.length) {
            case 2: return Route.APPS;
            case 3: return Route.APP;
            case 4: return seg[3].equals("endpoints") ? Route.BATCH : null;
            case 5:
                if (seg[3].equals("endpoints")) return Route.ENDPOINT;
                if (seg[3].equals("users")) return Route.USER;
                return null;
            default: return null;
        }
    }

    @Override
    public void handle(HttpExchange ex) {
        String requestId = UUID.randomUUID().toString();
        try {
            try {
                Object[] res = dispatch(ex, requestId);
                sendJson(ex, requestId, (Integer) res[0], res[1], null);
            } catch (ApiException e) {
                sendError(ex, requestId, e);
            } catch (Throwable t) {
                System.err.println("internal error for request " + requestId + ": " + t);
                sendError(ex, requestId, new ApiException(500, "InternalServerErrorException",
                        "Internal server error"));
            }
        } catch (Throwable t) {
            // The response could not be written (client went away); nothing more to do.
        } finally {
            ex.close();
        }
    }

    private Object[] dispatch(HttpExchange ex, String requestId) throws ApiException, IOException {
        long n = requestCounter.incrementAndGet();
        if (n % THROTTLE_EVERY == 0) {
            ex.getResponseHeaders().set("Retry-After", "1");
            throw new ApiException(429, "TooManyRequestsException", "Too many requests");
        }

        String method = ex.getRequestMethod();
        URI uri = ex.getRequestURI();
        String rawPath = uri.getRawPath();
        Route route = null;
        String[] seg = new String[0];
        if (rawPath != null && rawPath.startsWith("/")) {
            seg = rawPath.substring(1).split("/", -1);
            route = match(seg);
        }

        if (method.equals("HEAD") || method.equals("OPTIONS")) {
            throw new ApiException(405, "MethodNotAllowedException",
                    "Method " + method + " is not allowed", route == null ? "" : route.allow);
        }
        if (route == null) throw ApiException.notFound("No such resource: " + safePath(rawPath));
        if (!route.allows(method)) {
            throw new ApiException(405, "MethodNotAllowedException",
                    "Method " + Util.printable(method) + " is not allowed on this resource", route.allow);
        }

        String appId = seg.length > 2 ? decodeSegment(seg[2], "application-id") : null;
        if (appId != null) {
            if (appId.isEmpty()) throw ApiException.badRequest("application-id must not be empty");
            if (Model.hasControlChar(appId))
                throw ApiException.badRequest("application-id must not contain control characters");
        }
        String region = Util.regionFrom(ex.getRequestHeaders());

        switch (route) {
            case APPS:
                if (method.equals("POST")) return createApp(ex, region);
                return getApps(uri);
            case APP:
                if (method.equals("GET")) {
                    return new Object[]{200, model.requireApp(appId).toJson()};
                } else {
                    Model.App a = model.requireApp(appId);
                    synchronized (a) {
                        if (a.deleted) throw ApiException.notFound("Application not found: " + appId);
                        a.deleted = true;
                        model.apps.remove(appId, a);
                        a.endpoints.clear();
                    }
                    return new Object[]{200, a.toJson()};
                }
            case BATCH:
                return updateEndpointsBatch(ex, appId, requestId);
            case ENDPOINT: {
                String endpointId = decodeSegment(seg[4], "endpoint-id");
                Model.checkEndpointId(endpointId);
                if (method.equals("PUT")) return updateEndpoint(ex, appId, endpointId, requestId);
                Model.App a = model.requireApp(appId);
                synchronized (a) {
                    if (a.deleted) throw ApiException.notFound("Application not found: " + appId);
                    String key = Model.endpointKey(endpointId);
                    Model.Endpoint e = a.endpoints.get(key);
                    if (e == null) throw ApiException.notFound("Endpoint not found: " + endpointId);
                    Map<String, Object> snapshot = e.toJson();
                    if (method.equals("GET")) return new Object[]{200, snapshot};
                    a.endpoints.remove(key);
                    return new Object[]{202, snapshot};
                }
            }
            case USER: {
                String userId = decodeSegment(seg[4], "user-id");
                Model.checkId("User ID", userId);
                Model.App a = model.requireApp(appId);
                List<Object> items = new ArrayList<>();
                synchronized (a) {
                    if (a.deleted) throw ApiException.notFound("Application not found: " + appId);
                    var it = a.endpoints.values().iterator();
                    while (it.hasNext()) {
                        Model.Endpoint e = it.next();
                        if (userId.equals(e.userId)) {
                            items.add(e.toJson());
                            if (method.equals("DELETE")) it.remove();
                        }
                    }
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("Item", items);
                return new Object[]{method.equals("GET") ? 200 : 202, body};
            }
            default:
                throw ApiException.notFound("No such resource");
        }
    }

    // ------------------------------------------------------------ operations

    private Object[] createApp(HttpExchange ex, String region) throws ApiException, IOException {
        Map<String, Object> body = readJsonObject(ex);
        String name = Model.optString(body, "Name", "");
        if (name == null) throw ApiException.badRequest("Name is required");
        if (name.isEmpty()) throw ApiException.badRequest("Name must not be empty");
        Map<String, String> tags = new LinkedHashMap<>();
        Map<String, Object> t = Model.optObject(body, "tags", "");
        if (t != null) {
            for (Map.Entry<String, Object> e : t.entrySet()) {
                if (!(e.getValue() instanceof String))
                    throw ApiException.badRequest("tags." + e.getKey() + " must be a string");
                tags.put(e.getKey(), (String) e.getValue());
            }
        }
        return new Object[]{201, model.createApp(name, tags, region).toJson()};
    }

    private Object[] getApps(URI uri) throws ApiException {
        Map<String, String> q = Util.parseQuery(uri.getRawQuery());
        int pageSize = Integer.MAX_VALUE;
        String ps = q.get("page-size");
        if (ps != null) {
            try {
                pageSize = Integer.parseInt(ps);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("page-size must be a positive integer");
            }
            if (pageSize < 1) throw ApiException.badRequest("page-size must be a positive integer");
        }
        int offset = 0;
        String token = q.get("token");
        if (token != null && !token.isEmpty()) {
            try {
                String dec = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                if (!dec.startsWith("offset:")) throw new IllegalArgumentException();
                offset = Integer.parseInt(dec.substring(7));
                if (offset < 0) throw new IllegalArgumentException();
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("Invalid token");
            }
        }
        List<Model.App> all = new ArrayList<>(model.apps.values());
        all.sort(Comparator.comparingLong(a -> a.seq));
        List<Object> items = new ArrayList<>();
        int end = (int) Math.min((long) offset + pageSize, all.size());
        for (int i = offset; i < end; i++) items.add(all.get(i).toJson());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Item", items);
        if (end < all.size()) {
            body.put("NextToken", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(("offset:" + end).getBytes(StandardCharsets.UTF_8)));
        }
        return new Object[]{200, body};
    }

    private Object[] updateEndpoint(HttpExchange ex, String appId, String endpointId, String requestId)
            throws ApiException, IOException {
        Model.App a = model.requireApp(appId);
        Map<String, Object> body = readJsonObject(ex);
        Model.EndpointUpdate u = Model.parseEndpointUpdate(body, false, "");
        synchronized (a) {
            if (a.deleted) throw ApiException.notFound("Application not found: " + appId);
            Model.apply(a, endpointId, u, requestId);
        }
        return new Object[]{202, messageBody("Accepted", requestId)};
    }

    @SuppressWarnings("unchecked")
    private Object[] updateEndpointsBatch(HttpExchange ex, String appId, String requestId)
            throws ApiException, IOException {
        Model.App a = model.requireApp(appId);
        Map<String, Object> body = readJsonObject(ex);
        Object item = body.get("Item");
        if (Model.isAbsent(item)) throw ApiException.badRequest("Item is required");
        if (!(item instanceof List)) throw ApiException.badRequest("Item must be an array");
        List<Object> list = (List<Object>) item;
        if (list.size() > Model.MAX_BATCH)
            throw ApiException.badRequest("Item can contain a maximum of " + Model.MAX_BATCH + " items");
        List<Model.EndpointUpdate> updates = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Object o = list.get(i);
            if (!(o instanceof Map)) throw ApiException.badRequest("Item[" + i + "] must be an object");
            updates.add(Model.parseEndpointUpdate((Map<String, Object>) o, true, "Item[" + i + "]."));
        }
        synchronized (a) {
            if (a.deleted) throw ApiException.notFound("Application not found: " + appId);
            for (Model.EndpointUpdate u : updates) Model.apply(a, u.id, u, requestId);
        }
        return new Object[]{202, messageBody("Accepted", requestId)};
    }

    // --------------------------------------------------------------- helpers

    static Map<String, Object> messageBody(String message, String requestId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Message", message);
        m.put("RequestID", requestId);
        return m;
    }

    private static String safePath(String p) {
        if (p == null) return "";
        String s = Util.printable(p);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** Strict percent-decoding of one raw path segment, then strict UTF-8 decoding. */
    static String decodeSegment(String raw, String what) throws ApiException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) throw ApiException.badRequest("Invalid percent-encoding in " + what);
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0 || raw.charAt(i + 1) > 0x7f || raw.charAt(i + 2) > 0x7f)
                    throw ApiException.badRequest("Invalid percent-encoding in " + what);
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c <= 0xff) {
                // The JDK reads the request line as ISO-8859-1, so each char is one raw octet.
                bytes.write(c);
            } else {
                throw ApiException.badRequest("Invalid character in " + what);
            }
        }
        return Util.strictUtf8(bytes.toByteArray(), what);
    }

    private static byte[] readBody(HttpExchange ex) throws ApiException {
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
        if (cl != null) {
            try {
                if (Long.parseLong(cl.trim()) > MAX_BODY)
                    throw ApiException.tooLarge("Request body is larger than " + MAX_BODY + " bytes");
            } catch (NumberFormatException ignored) {
                // the JDK validates framing; we just read what arrives
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[16384];
            int total = 0;
            int r;
            while ((r = in.read(buf)) > 0) {
                total += r;
                if (total > MAX_BODY)
                    throw ApiException.tooLarge("Request body is larger than " + MAX_BODY + " bytes");
                out.write(buf, 0, r);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw ApiException.badRequest("Could not read request body");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readJsonObject(HttpExchange ex) throws ApiException {
        byte[] body = readBody(ex);
        if (body.length == 0) throw ApiException.badRequest("Request body is required");
        String text = Util.strictUtf8(body, "request body");
        Object v;
        try {
            v = Json.parse(text);
        } catch (Json.ParseException e) {
            throw ApiException.badRequest("Invalid JSON: " + e.getMessage());
        } catch (StackOverflowError e) {
            throw ApiException.badRequest("Invalid JSON: nested too deeply");
        }
        if (!(v instanceof Map)) throw ApiException.badRequest("Request body must be a JSON object");
        return (Map<String, Object>) v;
    }

    private static void sendError(HttpExchange ex, String requestId, ApiException e) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("x-amzn-ErrorType", e.type);
        if (e.status == 405) h.set("Allow", e.allow == null ? "" : e.allow);
        sendJson(ex, requestId, e.status, messageBody(e.getMessage(), requestId), null);
    }

    private static void sendJson(HttpExchange ex, String requestId, int status, Object body, Void unused)
            throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", "application/json");
        h.set("x-amzn-RequestId", requestId);
        if (ex.getRequestMethod().equals("HEAD")) {
            // A HEAD response has no content; Content-Length tells the size the body would have.
            h.set("Content-Length", Integer.toString(bytes.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(bytes);
        }
    }

    /** Small static helpers. */
    static final class Util {
        private Util() { }

        static String strictUtf8(byte[] b, String what) throws ApiException {
            try {
                CharBuffer cb = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b));
                return cb.toString();
            } catch (CharacterCodingException e) {
                throw ApiException.badRequest("Invalid UTF-8 in " + what);
            }
        }

        /** Escapes control characters so they never reach a message verbatim. */
        static String printable(String s) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < s.length() && sb.length() < 300; i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
                else sb.append(c);
            }
            return sb.toString();
        }

        static Map<String, String> parseQuery(String raw) throws ApiException {
            Map<String, String> q = new LinkedHashMap<>();
            if (raw == null || raw.isEmpty()) return q;
            for (String part : raw.split("&")) {
                if (part.isEmpty()) continue;
                int eq = part.indexOf('=');
                String k = eq < 0 ? part : part.substring(0, eq);
                String v = eq < 0 ? "" : part.substring(eq + 1);
                q.put(decodeSegment(k.replace("+", "%20"), "query string"),
                        decodeSegment(v.replace("+", "%20"), "query string"));
            }
            return q;
        }

        private static final Pattern CREDENTIAL_SCOPE =
                Pattern.compile("Credential=[^/,\\s]*/\\d{8}/([a-z0-9-]{1,32})/");

        /** The region of the SigV4 credential scope, if the request has one; otherwise us-east-1. */
        static String regionFrom(Headers h) {
            String auth = h.getFirst("Authorization");
            if (auth != null) {
                Matcher m = CREDENTIAL_SCOPE.matcher(auth);
                if (m.find()) return m.group(1);
            }
            return "us-east-1";
        }
    }
}
