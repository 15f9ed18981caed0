package io.sideview;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written byte for byte, for requests the JAX-RS and JDK clients refuse to send (a foreign
 * {@code Host}, a body without Content-Type, {@code Origin} and {@code Sec-Fetch-Site} as a browser
 * would send them). One request per connection.
 */
public final class RawHttp {
    private RawHttp() {}

    public record Reply(int status, Map<String, String> headers, String body) {
        /** A header by its name, any case; null if absent. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public boolean isProblem() {
            String type = header("Content-Type");
            return type != null && type.startsWith("application/problem+json");
        }
    }

    /** {@code headers} are sent as given, in order; Host defaults to 127.0.0.1:port, Content-Length is added for a body. */
    public static Reply send(int port, String method, String path, Map<String, String> headers, String body) {
        return send(port, method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** The body as these exact bytes (invalid UTF-8, say). */
    public static Reply send(int port, String method, String path, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Host", "127.0.0.1:" + port);
        all.putAll(headers);
        byte[] bytes = body == null ? new byte[0] : body;
        if (body != null) {
            all.put("Content-Length", String.valueOf(bytes.length));
        }
        all.put("Connection", "close");
        all.forEach((k, v) -> {
            if (v != null) {
                head.append(k).append(": ").append(v).append("\r\n");
            }
        });
        head.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            try {
                socket.getOutputStream().write(out.toByteArray());
            } catch (java.net.SocketException early) {
                // The server answered and closed before taking the whole body (it refused the request
                // line or the headers): its answer is what counts, as for any HTTP client.
                byte[] answer = socket.getInputStream().readAllBytes();
                if (answer.length == 0) {
                    throw early;
                }
                return parse(answer);
            }
            return parse(socket.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Reply send(int port, String method, String path, Map<String, String> headers) {
        return send(port, method, path, headers, (byte[]) null);
    }

    private static Reply parse(byte[] raw) {
        String all = new String(raw, StandardCharsets.ISO_8859_1);
        int end = all.indexOf("\r\n\r\n");
        String[] lines = all.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new Reply(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] unchunk(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1); // one char per byte: indexes are byte offsets
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int eol = text.indexOf("\r\n", at);
            int size = Integer.parseInt(text.substring(at, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(body, eol + 2, size);
            at = eol + 2 + size + 2;
        }
    }
}
