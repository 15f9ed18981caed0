package io.sideview.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop HTTP/1.1 GET load over keep-alive connections, driven by a few selector threads
 * (like wrk), so that 64 connections cost 2 threads instead of 64 and the load generator takes as
 * little CPU as possible from the service. Each connection sends its next request as soon as the
 * previous answer is complete; latency (send to last byte) goes to the thread's HdrHistogram (µs).
 */
final class NioLoad {
    /** Result of one run. */
    record Result(Histogram histogram, long errors, double seconds) {}

    private static final class Conn {
        final SocketChannel ch;
        final SplittableRandom rnd;
        ByteBuffer out;
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        long sentAt;

        Conn(SocketChannel ch, SplittableRandom rnd) {
            this.ch = ch;
            this.rnd = rnd;
        }
    }

    static Result run(int port, int conns, int threads, Function<SplittableRandom, String> pathOf, double seconds,
                      boolean recordErrors) throws Exception {
        Histogram[] hs = new Histogram[threads];
        long[] errs = new long[threads];
        Thread[] ts = new Thread[threads];
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        Exception[] failure = new Exception[1];
        for (int t = 0; t < threads; t++) {
            int id = t;
            int mine = conns / threads + (t < conns % threads ? 1 : 0);
            hs[t] = new Histogram(600_000_000L, 3);
            ts[t] = new Thread(() -> {
                try {
                    errs[id] = loop(port, mine, id, pathOf, end, hs[id]);
                } catch (Exception e) {
                    failure[0] = e;
                }
            }, "nio-load-" + t);
            ts[t].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        Histogram all = new Histogram(600_000_000L, 3);
        long errors = 0;
        for (int t = 0; t < threads; t++) {
            all.add(hs[t]);
            errors += errs[t];
        }
        return new Result(all, errors, elapsed);
    }

    private static long loop(int port, int n, int id, Function<SplittableRandom, String> pathOf, long end, Histogram h)
            throws IOException {
        long errors = 0;
        String hostHeader = "\r\nHost: 127.0.0.1:" + port + "\r\n\r\n";
        try (Selector sel = Selector.open()) {
            Conn[] cs = new Conn[n];
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open();
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.connect(new InetSocketAddress("127.0.0.1", port));
                ch.configureBlocking(false);
                cs[i] = new Conn(ch, new SplittableRandom(id * 1000L + i));
                ch.register(sel, SelectionKey.OP_WRITE, cs[i]);
                cs[i].out = request(pathOf.apply(cs[i].rnd), hostHeader);
                cs[i].sentAt = System.nanoTime();
            }
            int open = n;
            while (open > 0) {
                sel.select(100);
                for (SelectionKey k : sel.selectedKeys()) {
                    Conn c = (Conn) k.attachment();
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isWritable()) {
                        c.ch.write(c.out);
                        if (!c.out.hasRemaining()) {
                            k.interestOps(SelectionKey.OP_READ);
                        }
                    } else if (k.isReadable()) {
                        if (c.in.remaining() == 0) {
                            ByteBuffer bigger = ByteBuffer.allocate(c.in.capacity() * 2);
                            c.in.flip();
                            bigger.put(c.in);
                            c.in = bigger;
                        }
                        int r = c.ch.read(c.in);
                        if (r < 0) {
                            throw new IOException("server closed a connection");
                        }
                        int status = complete(c.in);
                        if (status == 0) {
                            continue;
                        }
                        long now = System.nanoTime();
                        if (status == 200) {
                            h.recordValue(Math.max(1, (now - c.sentAt) / 1000));
                        } else {
                            errors++;
                        }
                        c.in.clear();
                        if (now >= end) {
                            k.cancel();
                            c.ch.close();
                            open--;
                            continue;
                        }
                        c.out = request(pathOf.apply(c.rnd), hostHeader);
                        c.sentAt = System.nanoTime();
                        c.ch.write(c.out);
                        k.interestOps(c.out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                    }
                }
                sel.selectedKeys().clear();
            }
        }
        return errors;
    }

    private static ByteBuffer request(String path, String hostHeader) {
        return ByteBuffer.wrap(("GET " + path + " HTTP/1.1" + hostHeader).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** 0 while the response in buf[0, position) is incomplete, else its status code. */
    static int complete(ByteBuffer buf) {
        byte[] a = buf.array();
        int len = buf.position();
        int headEnd = -1;
        for (int i = 3; i < len; i++) {
            if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                headEnd = i + 1;
                break;
            }
        }
        if (headEnd < 0) {
            return 0;
        }
        String head = new String(a, 0, headEnd, StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(head.substring(9, 12));
        String lower = head.toLowerCase();
        int cl = lower.indexOf("\ncontent-length:");
        if (cl >= 0) {
            int eol = lower.indexOf('\r', cl);
            int length = Integer.parseInt(lower.substring(cl + 16, eol).trim());
            return len - headEnd >= length ? status : 0;
        }
        if (lower.contains("\ntransfer-encoding: chunked")) {
            // done when the body ends with the last chunk "0\r\n\r\n"
            return len - headEnd >= 5 && a[len - 5] == '0' && a[len - 4] == '\r' && a[len - 3] == '\n'
                    && a[len - 2] == '\r' && a[len - 1] == '\n' ? status : 0;
        }
        return status; // no body
    }
}
