package io.sideview.corpus;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A seeded generator of hostile requests over every endpoint of the API and the admin port: wrong
 * types, huge and non-finite numbers, unicode edge cases, injection strings in every identifier and
 * parameter, truncated and deeply nested JSON, oversized bodies, tampered cursors, wrong and missing
 * content types, bad charsets, foreign origins and hosts, tokens in the URL. Every request is built
 * so that it must change nothing: each write carries at least one defect (the test asserts it did).
 */
final class HostileCorpus {
    /** One request: to the API port or the admin port, with its raw body bytes (or null). */
    record Req(boolean admin, String method, String path, Map<String, String> headers, byte[] body, String kind) {
        @Override
        public String toString() {
            return kind + ": " + method + " " + (admin ? "[admin]" : "") + path + " " + headers
                    + (body == null ? "" : " body=" + abbreviate(new String(body, StandardCharsets.UTF_8)));
        }

        private static String abbreviate(String s) {
            return s.length() <= 200 ? s : s.substring(0, 200) + "...(" + s.length() + ")";
        }
    }

    static final List<String> INJECTIONS = List.of(
            "' OR '1'='1", "1; DROP TABLE views; --", "\" OR \"\"=\"", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
            "../../../etc/passwd", "..%2F..%2Fetc", "${jndi:ldap://127.0.0.1/x}", "%s%s%s%n", "{{7*7}}", "#{7*7}",
            "$(id)", "`id`", "\u0000", "a\u0000b", "\r\nX-Injected: 1", "\u202Eevil", "\uFEFF", "\u200B", "Ω", "😀",
            "\uD800", "\uDC00", "x".repeat(600), "x".repeat(70_000), "", " ", "null", "true", "-1", "0x10", "1e309",
            "NaN", "-Infinity", "99999999999999999999999", "9223372036854775808", "-9223372036854775809", "١", "１",
            "+1", "01", "1.0", "Follows", "FOLLOWS", "follows ", "views", "api", "../follows", "follows/../named");

    static final List<String> NUMBERS = List.of("1e309", "-1e309", "1e-400", "NaN", "Infinity", "-Infinity",
            "99999999999999999999999", "9223372036854775808", "-9223372036854775809", "1.5", "-0", "0.0", "1e2",
            "\"1\"", "true", "null", "[]", "{}", "\"\"", "0x1F", "01", "+1");

    /** Raw query-string values: percent-escapes as an attacker writes them, valid or not. */
    static final List<String> RAW_VALUES = List.of("%ED%A0%80", "%FF", "%C0%AF", "%C3", "%zz", "%", "%00", "%D9%A1",
            "%EF%BC%91", "%2B1", "01", "-0", "1%20", "%E2%80%AE", "%F0%9F%98%80", "a%2Fb", "%252F", "1&start=2",
            "", "1e309", "NaN", "99999999999999999999", "-1", "0");

    static final List<String> CONTENT_TYPES = List.of("", "text/plain", "*/*", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/json; charset=nonsense",
            "application/json; charset=\"\"", "application/xml", "application/jsonp", "json",
            "application/json; charset=latin1", "text/json");

    private final Random random;
    private final String[] views;

    HostileCorpus(long seed, String... views) {
        this.random = new Random(seed);
        this.views = views;
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private String view() {
        return random.nextInt(4) == 0 ? pick(INJECTIONS) : views[random.nextInt(views.length)];
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A query value: an injection string (encoded) or a raw escape sequence. */
    private String value() {
        return random.nextBoolean() ? enc(pick(INJECTIONS)) : pick(RAW_VALUES);
    }

    private static Map<String, String> json() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        return h;
    }

    /** A hostile header set for a write (with a body) that would otherwise be allowed. */
    private Map<String, String> foreign() {
        return foreign(5);
    }

    /** The same for a write without a body: a content type is no defect there. */
    private Map<String, String> foreignNoBody() {
        Map<String, String> h = foreign(3);
        h.remove("Content-Type");
        if (random.nextInt(4) == 0) {
            h.put("X-Marker", "access_token");
        }
        return h;
    }

    private Map<String, String> foreign(int kinds) {
        Map<String, String> h = json();
        switch (random.nextInt(kinds)) {
            case 0 -> h.put("Origin", pick(List.of("http://evil.example", "null", "https://127.0.0.1.evil.example", "file://")));
            case 1 -> h.put("Sec-Fetch-Site", pick(List.of("cross-site", "same-site")));
            case 2 -> h.put("Host", pick(List.of("evil.example", "localhost.evil.example", "0.0.0.0", "[::ffff:7f00:1]x")));
            case 3 -> h.put("Content-Type", pick(CONTENT_TYPES));
            default -> h.put("X-Marker", "access_token"); // the caller adds ?access_token= to the path
        }
        return h;
    }

    private String withToken(String path, Map<String, String> headers) {
        if ("access_token".equals(headers.remove("X-Marker"))) {
            return path + (path.contains("?") ? "&" : "?") + "access_token=stolen";
        }
        return path;
    }

    /** A JSON body with a defect at the document level (never a valid document). */
    private byte[] brokenJson(String valid) {
        return switch (random.nextInt(10)) {
            case 0 -> bytes(valid.substring(0, Math.max(1, random.nextInt(valid.length()))));   // truncated
            case 1 -> bytes(valid + " garbage {");                                             // trailing
            case 2 -> bytes(valid + valid);                                                    // two documents
            case 3 -> bytes("[".repeat(2000 + random.nextInt(3000)) + "]".repeat(10));          // deeply nested
            case 4 -> bytes("{\"a\":".repeat(1500) + "1" + "}".repeat(1500));                  // deep objects
            case 5 -> concat(bytes(valid.substring(0, valid.length() / 2)), new byte[] {(byte) 0xFF, (byte) 0xC3},
                    bytes(valid.substring(valid.length() / 2)));                              // invalid UTF-8
            case 6 -> bytes(valid.replaceFirst("\\{", "{\"dup\":1,\"dup\":2,"));                // duplicate key
            case 7 -> bytes("{\"x\":\"" + "y".repeat(5 * 1024 * 1024 + random.nextInt(1000)) + "\"}"); // oversized
            case 8 -> bytes(valid.replace("\"", "'"));                                         // not JSON
            default -> bytes("\uFEFF" + valid + "\u0000");                                     // BOM and NUL
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private String definition(String name, String extra) {
        return "{\"name\":\"" + name + "\",\"sourceType\":\"long\",\"targetType\":\"long\",\"direction\":\"OUT\"" + extra
                + ",\"properties\":[{\"name\":\"w\",\"type\":\"long\",\"nullable\":true}],\"indexes\":[]}";
    }

    /** A definition that is never valid: wrong types, coerced values, bad names, unknown fields, injections. */
    private byte[] badDefinition() {
        String name = pick(INJECTIONS).replace("\\", "\\\\").replace("\"", "\\\"");
        return switch (random.nextInt(8)) {
            case 0 -> bytes(definition("ok_" + random.nextInt(1000), ",\"description\":"
                    + pick(NUMBERS.stream().filter(n -> !n.equals("null") && !n.equals("\"\"") && !n.equals("\"1\"")).toList())));
            case 1 -> bytes(definition("ok_" + random.nextInt(1000), "").replace("\"nullable\":true",
                    "\"nullable\":" + pick(List.of("0", "1", "\"\"", "\"true\"", "\"yes\"", "[]", "{}"))));
            case 2 -> bytes(definition("ok_" + random.nextInt(1000), "").replace("{\"name\":\"w\"",
                    "{\"id\":" + pick(List.of("1.5", "\"1\"", "1e309", "true", "[]")) + ",\"name\":\"w\""));
            case 3 -> bytes(definition(jsonEscape(name), ""));
            case 4 -> bytes(definition("ok_" + random.nextInt(1000), ",\"extra\":1"));
            case 5 -> bytes(definition("ok_" + random.nextInt(1000), "").replace("\"long\"", pick(NUMBERS)));
            case 6 -> bytes(definition("ok_" + random.nextInt(1000), ",\"binding\":{\"sourceGroup\":\""
                    + jsonEscape(pick(INJECTIONS)) + "\",\"database\":\"x\",\"table\":\"y\",\"columns\":[]}"));
            default -> brokenJson(definition("ok_" + random.nextInt(1000), ""));
        };
    }

    private static String jsonEscape(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Version values that are never a version: no item carrying one can apply. */
    static final List<String> BAD_VERSIONS = List.of("\"1\"", "1.5", "1e309", "-1e309", "true", "null", "[]", "{}", "\"\"",
            "99999999999999999999999", "\"never\"");

    /** A mutation batch in which no item can apply (each has a bad version, and maybe more), or a broken document. */
    private byte[] badMutations() {
        int items = 1 + random.nextInt(3);
        StringBuilder b = new StringBuilder("{\"mutations\":[");
        for (int i = 0; i < items; i++) {
            b.append(i == 0 ? "" : ",");
            String source = "1";
            String target = "2";
            String type = "\"INSERT\"";
            switch (random.nextInt(5)) {
                case 0 -> source = pick(NUMBERS);
                case 1 -> target = "\"" + jsonEscape(pick(INJECTIONS)) + "\"";
                case 2 -> type = "\"" + jsonEscape(pick(INJECTIONS)) + "\"";
                case 3 -> type = pick(NUMBERS);
                default -> { }
            }
            b.append("{\"type\":").append(type).append(",\"source\":").append(source).append(",\"target\":").append(target)
                    .append(",\"version\":").append(pick(BAD_VERSIONS)).append("}");
        }
        String valid = b.append("]}").toString();
        return random.nextInt(3) == 0 ? brokenJson(valid) : bytes(valid);
    }

    private byte[] badJob() {
        return switch (random.nextInt(6)) {
            case 0 -> bytes("{\"type\":\"VERIFY\",\"view\":\"follows\",\"extra\":" + pick(NUMBERS) + "}");
            case 1 -> bytes("{\"type\":" + pick(NUMBERS) + ",\"view\":\"follows\"}");
            case 2 -> bytes("{\"type\":\"" + jsonEscape(pick(INJECTIONS)) + "\",\"view\":\"follows\"}");
            case 3 -> bytes("{\"type\":\"REBUILD\",\"view\":\"" + jsonEscape(pick(INJECTIONS)) + "\"}");
            case 4 -> bytes("{\"type\":\"VERIFY\",\"view\":\"follows\",\"type\":\"REBUILD\"}");
            default -> brokenJson("{\"type\":\"VERIFY\",\"view\":\"follows\"}");
        };
    }

    private String cursor() {
        byte[] raw = new byte[random.nextInt(80)];
        random.nextBytes(raw);
        String c = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        return random.nextBoolean() ? c : value();
    }

    private List<Function<HostileCorpus, Req>> shapes() {
        List<Function<HostileCorpus, Req>> s = new ArrayList<>();
        // Reads of the registry, with hostile names and parameters.
        s.add(g -> new Req(false, "GET", "/api/v1/views/" + enc(g.view()), Map.of(), null, "view get"));
        s.add(g -> new Req(false, "GET", "/api/v1/views/" + enc(g.view()) + "/revisions", Map.of(), null, "revisions"));
        s.add(g -> new Req(false, "GET", "/api/v1/views/" + enc(g.view()) + "/stats", Map.of(), null, "stats"));
        s.add(g -> new Req(false, "GET", "/api/v1/views?" + g.value() + "=" + g.value(), Map.of(), null, "view list"));
        // The query shapes.
        s.add(g -> new Req(false, "GET", "/api/v1/views/" + enc(g.view()) + "/edge?source=" + g.value() + "&target="
                + g.value(), Map.of(), null, "edge"));
        s.add(g -> new Req(false, "GET", "/api/v1/views/" + g.views[0] + "/count?start=" + g.value()
                + (g.random.nextBoolean() ? "&direction=" + g.value() : ""), Map.of(), null, "count"));
        s.add(g -> new Req(false, "GET", "/api/v1/views/" + g.views[g.random.nextInt(g.views.length)] + "/scan?start="
                + (g.random.nextBoolean() ? "1" : g.value()) + "&index=" + (g.random.nextBoolean() ? "recent" : g.value())
                + "&range=" + (g.random.nextBoolean() ? "created_at:gte:" + g.value() : g.value()) + "&limit=" + g.value()
                + (g.random.nextBoolean() ? "&cursor=" + g.cursor() : ""), Map.of(), null, "scan"));
        s.add(g -> new Req(false, "GET", "/api/v1/views/" + g.views[0] + "/scan?start=1&limit=1&cursor=" + g.cursor(),
                Map.of(), null, "tampered cursor"));
        s.add(g -> new Req(false, "GET", "/api/v1/views/" + g.views[0] + "/mutual?a=" + g.value() + "&b=" + g.value()
                + "&limit=" + g.value() + "&cursor=" + g.cursor(), Map.of(), null, "mutual"));
        s.add(g -> new Req(false, g.pick(List.of("POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")), "/api/v1/views/"
                + g.views[0] + "/count?start=1", g.foreign(), null, "query method"));
        // Definition writes: always invalid, or hostile headers.
        s.add(g -> new Req(false, "POST", "/api/v1/views", json(), g.badDefinition(), "create"));
        s.add(g -> new Req(false, "POST", "/api/v1/views/validate", json(), g.badDefinition(), "validate"));
        s.add(g -> new Req(false, "PUT", "/api/v1/views/" + enc(g.view()), json(), g.badDefinition(), "update"));
        s.add(g -> {
            Map<String, String> h = g.foreign();
            return new Req(false, "POST", g.withToken("/api/v1/views", h), h,
                    bytes(g.definition("ok_" + g.random.nextInt(1000), "")), "create, foreign");
        });
        s.add(g -> {
            Map<String, String> h = g.foreignNoBody();
            String path = "/api/v1/views/" + g.views[g.random.nextInt(g.views.length)] + "/" + g.pick(List.of("deactivate", "activate"));
            return new Req(false, "POST", g.withToken(path, h), h, null, "status, foreign");
        });
        s.add(g -> {
            Map<String, String> h = g.foreignNoBody();
            return new Req(false, "DELETE", g.withToken("/api/v1/views/" + enc(g.view()), h), h, null, "delete");
        });
        s.add(g -> new Req(false, "POST", "/api/v1/views/" + enc(g.view()) + "/" + g.pick(List.of("deactivate", "activate")),
                Map.of("Content-Type", g.pick(CONTENT_TYPES)), bytes("x"), "status with a body"));
        // Mutations.
        s.add(g -> new Req(false, "POST", "/api/v1/views/" + g.views[g.random.nextInt(g.views.length)] + "/mutations"
                + (g.random.nextInt(5) == 0 ? "?force=" + g.value() : ""), json(), g.badMutations(), "mutations"));
        s.add(g -> {
            Map<String, String> h = g.foreign();
            String good = "{\"mutations\":[{\"type\":\"INSERT\",\"source\":7,\"target\":8,\"version\":1}]}";
            return new Req(false, "POST", g.withToken("/api/v1/views/" + g.views[0] + "/mutations", h), h, bytes(good),
                    "mutations, foreign");
        });
        s.add(g -> new Req(false, "POST", "/api/v1/views/" + enc(g.view()) + "/mutations",
                Map.of("Content-Type", g.pick(CONTENT_TYPES)), g.badMutations(), "mutations, content type"));
        s.add(g -> new Req(false, "POST", "/api/v1/views/" + g.views[0] + "/mutations?wait=" + g.pick(List.of(g.value(),
                "accepted", "APPLIED", "never")), json(), g.badMutations(), "mutations, wait"));
        // Jobs.
        s.add(g -> new Req(false, "POST", "/api/v1/jobs", json(), g.badJob(), "job"));
        s.add(g -> {
            Map<String, String> h = g.foreign();
            return new Req(false, "POST", g.withToken("/api/v1/jobs", h), h, bytes("{\"type\":\"VERIFY\",\"view\":\"follows\"}"),
                    "job, foreign");
        });
        s.add(g -> new Req(false, "GET", "/api/v1/jobs/" + g.value(), Map.of(), null, "job get"));
        s.add(g -> new Req(false, "GET", "/api/v1/jobs?view=" + g.value() + "&before=" + g.value() + "&limit=" + g.value(),
                Map.of(), null, "job list"));
        s.add(g -> new Req(false, "POST", "/api/v1/jobs/" + g.pick(List.of(g.value(), "999999", "0", "-1")) + "/cancel",
                Map.of(), null, "job cancel"));
        // Ingest.
        s.add(g -> new Req(false, "GET", "/api/v1/ingest/status?" + g.value() + "=" + g.value(), Map.of(), null, "ingest status"));
        s.add(g -> new Req(false, "GET", "/api/v1/ingest/dead-letters?status=" + g.value() + "&after=" + g.value()
                + "&limit=" + g.value(), Map.of(), null, "dead letters"));
        s.add(g -> {
            boolean body = g.random.nextBoolean();
            Map<String, String> h = body ? (g.random.nextBoolean() ? json() : g.foreign()) : g.foreignNoBody();
            return new Req(false, "POST", g.withToken("/api/v1/ingest/dead-letters/" + g.value() + "/retry", h), h,
                    body ? g.badJob() : null, "retry");
        });
        s.add(g -> {
            boolean foreign = g.random.nextBoolean();
            Map<String, String> h = foreign ? g.foreignNoBody() : Map.of();
            String path = "/api/v1/ingest/shards/" + g.pick(List.of(g.value(), "friends")) + "/"
                    + g.pick(List.of(g.value(), "shard0")) + "/" + g.pick(List.of("pause", "resume", g.value()));
            return new Req(false, "POST", foreign ? g.withToken(path, h) : path, h, null, "shard control");
        });
        s.add(g -> new Req(false, "GET", "/api/v1/cluster" + g.pick(List.of("", "?" + g.value() + "=" + g.value(), "/" + g.value())),
                Map.of(), null, "cluster"));
        // Everything else: me, ping, the OpenAPI document, unknown routes, the UI's files.
        s.add(g -> new Req(false, "GET", g.pick(List.of("/api/v1/me", "/api/v1/ping", "/api/openapi.json", "/", "/app.js",
                "/api/v2/x", "/api/v1/views/a/b/c/d", "/../../etc/passwd", "/api/v1/views/follows/edge/", "/%2e%2e/"))
                + (g.random.nextBoolean() ? "?access_token=x" : "?" + g.value()), Map.of(), null, "misc"));
        s.add(g -> new Req(false, "GET", "/api/v1/views", Map.of("Host", g.pick(List.of("evil.example", "a.b.c.d", "x:y:z",
                "[::1", "127.0.0.1.nip.io", "localhost:notaport"))), null, "host"));
        s.add(g -> new Req(false, "GET", "/api/v1/views", Map.of("Accept", g.pick(List.of("text/html", "image/png", "*/*;q=0",
                "application/json;q=nonsense", "\u00ff"))), null, "accept"));
        // The admin port.
        s.add(g -> new Req(true, "POST", "/tasks/view-create", json(), g.badDefinition(), "task create"));
        s.add(g -> new Req(true, "POST", "/tasks/view-create", Map.of("Content-Type", g.pick(CONTENT_TYPES)),
                bytes(g.definition("ok_" + g.random.nextInt(1000), "")), "task create, content type"));
        s.add(g -> new Req(true, "POST", "/tasks/view-deactivate?name=" + g.value(), Map.of(), null, "task deactivate"));
        s.add(g -> {
            Map<String, String> h = g.foreignNoBody();
            return new Req(true, "POST", g.withToken("/tasks/view-deactivate?name=" + g.views[0], h), h, null,
                    "task deactivate, foreign");
        });
        s.add(g -> new Req(true, "POST", "/tasks/" + g.pick(List.of("shard-pause", "shard-resume", "shard-restart"))
                + "?group=" + g.value() + "&shard=" + g.value(), Map.of(), null, "task shard"));
        s.add(g -> new Req(true, "POST", "/tasks/" + g.pick(List.of("view-backfill", "view-verify", "view-rebuild", "view-replay"))
                + "?name=" + g.pick(List.of(g.value(), "nope")), Map.of(), null, "task view job"));
        s.add(g -> new Req(true, "POST", "/tasks/log-level?logger=io.sideview&level=" + g.pick(List.of("LOUD", g.value(), "INFO"))
                + "&duration=" + g.pick(List.of("NaN", "-PT1S", "PT0S", "P999999999999D", g.value())), Map.of(), null, "log-level"));
        // (No POST here: a POST to /tasks/gc would run a collection each time.)
        s.add(g -> new Req(true, g.pick(List.of("GET", "PUT", "DELETE")), g.pick(List.of("/tasks/" + g.value(),
                "/tasks/gc?" + g.value(), "/threads?" + g.value(), "/healthcheck?" + g.value(), "/metrics?" + g.value(),
                "/nope", "/tasks")), Map.of(), null, "admin misc"));
        return s;
    }

    List<Req> generate(int count) {
        List<Function<HostileCorpus, Req>> shapes = shapes();
        List<Req> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(shapes.get(i % shapes.size()).apply(this));
        }
        return out;
    }
}
