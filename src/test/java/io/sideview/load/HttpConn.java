package io.sideview.load;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking HTTP/1.1 client over one keep-alive socket, one request at a time. Much
 * cheaper per request than java.net.http.HttpClient (no executor hops, no async machinery), so
 * the load generator takes less of the 2 cores it shares with the service. Shared by the bench
 * harness (bench/pom.xml compiles this package too) and the load suite's integration test.
 */
public final class HttpConn implements AutoCloseable {
    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int timeoutMillis = 120_000;
    public int status;

    public HttpConn(String host, int port) {
        this.host = host;
        this.port = port;
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        out = socket.getOutputStream();
    }

    /**
     * How long one read of the answer may block (default 120 s); a {@link SocketTimeoutException}
     * then closes the connection and is not retried.
     */
    public void timeout(int millis) throws IOException {
        timeoutMillis = Math.max(1, millis);
        if (socket != null) {
            socket.setSoTimeout(timeoutMillis);
        }
    }

    /** GET; returns the body (needed only by callers that follow cursors), sets {@link #status}. */
    public byte[] get(String path) throws IOException {
        return exchange(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1), null);
    }

    public byte[] post(String path, byte[] body) throws IOException {
        return exchange(("POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1), body);
    }

    private byte[] exchange(byte[] head, byte[] body) throws IOException {
        for (int attempt = 0; ; attempt++) {
            if (socket == null) {
                connect();
            }
            try {
                if (body == null) {
                    out.write(head);
                } else {
                    byte[] all = new byte[head.length + body.length];
                    System.arraycopy(head, 0, all, 0, head.length);
                    System.arraycopy(body, 0, all, head.length, body.length);
                    out.write(all);
                }
                out.flush();
                return readResponse();
            } catch (IOException e) {
                close();
                // One retry on a fresh connection: the server may have closed an idle keep-alive one.
                // A timeout is the server being slow, not a stale connection: never retried.
                if (attempt > 0 || e instanceof SocketTimeoutException) {
                    throw e;
                }
            }
        }
    }

    private byte[] readResponse() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed");
        }
        status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        String h;
        while (!(h = line()).isEmpty()) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim().toLowerCase();
            String value = h.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
                closeAfter = true;
            }
        }
        byte[] result;
        if (chunked) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = line();
                int semi = sizeLine.indexOf(';');
                int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
                if (size == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    break;
                }
                buf.write(in.readNBytes(size));
                line();
            }
            result = buf.toByteArray();
        } else if (length >= 0) {
            result = in.readNBytes((int) length);
            if (result.length != length) {
                throw new IOException("short body");
            }
        } else {
            result = in.readAllBytes();
            closeAfter = true;
        }
        if (closeAfter) {
            close();
        }
        return result;
    }

    private final StringBuilder sb = new StringBuilder(128);

    private String line() throws IOException {
        sb.setLength(0);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = sb.length();
                if (n > 0 && sb.charAt(n - 1) == '\r') {
                    sb.setLength(n - 1);
                }
                return sb.toString();
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        socket = null;
    }
}
