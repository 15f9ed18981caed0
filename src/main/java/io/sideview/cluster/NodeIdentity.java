package io.sideview.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * This node's name among the Sideview nodes sharing a metadata DB (who holds a job's lease). Until a
 * configured {@code cluster.nodeName} exists it is unique per process: host, pid and a random part, so
 * a restarted node is a new owner (its old jobs are taken over once their leases expire, like any
 * dead node's) and two processes on one host never share leases.
 */
public record NodeIdentity(String name) {
    public NodeIdentity {
        if (name == null || name.isBlank() || name.length() > 255) {
            throw new IllegalArgumentException("a node name must have 1 to 255 characters, got '" + name + "'");
        }
    }

    public static NodeIdentity ofProcess() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        String random = Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0xfffffff);
        return new NodeIdentity(truncate(host, 200) + "-" + ProcessHandle.current().pid() + "-" + random);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    @Override
    public String toString() {
        return name;
    }
}
