package io.sideview.cluster;

import io.dropwizard.util.Duration;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * This node among the nodes that share one metadata DB.
 *
 * @param nodeName unique and stable name of this node (letters, digits and {@code . _ : -}, at most 128,
 *                 starting with a letter or digit). Empty: {@code <hostname>:<application port>}, which is
 *                 stable across restarts and unique, since two processes on one host cannot listen on
 *                 one port; with port 0 (ephemeral) there is no stable port, so a random suffix is used
 *                 instead: name the node when the port is 0.
 * @param heartbeatInterval how often this node refreshes its row in {@code cluster_nodes}
 * @param nodeTimeout a row whose heartbeat is older than this is a dead node: it blocks no start
 */
public record ClusterConfig(String nodeName, Duration heartbeatInterval, Duration nodeTimeout) {
    /** The name reaches SQL, log lines and Kafka client ids: keep it to characters that are plain in all three. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    public ClusterConfig {
        nodeName = nodeName == null ? "" : nodeName.strip();
        heartbeatInterval = heartbeatInterval == null ? Duration.seconds(1) : heartbeatInterval;
        nodeTimeout = nodeTimeout == null ? Duration.seconds(10) : nodeTimeout;
        if (!nodeName.isEmpty()) {
            checkName(nodeName, "cluster.nodeName");
        }
        if (heartbeatInterval.toMilliseconds() < 10) {
            throw new IllegalArgumentException("cluster.heartbeatInterval must be at least 10ms, got " + heartbeatInterval);
        }
        // Two missed heartbeats must not make a live node look dead to the others.
        if (nodeTimeout.toMilliseconds() < 3 * heartbeatInterval.toMilliseconds()) {
            throw new IllegalArgumentException("cluster.nodeTimeout must be at least 3 x cluster.heartbeatInterval ("
                    + heartbeatInterval + "), got " + nodeTimeout);
        }
    }

    public static ClusterConfig defaults() {
        return new ClusterConfig(null, null, null);
    }

    /**
     * The configured name, or {@code <hostname>:<applicationPort>} (see the record doc); checked either way,
     * since a host name may carry characters the name does not allow.
     */
    public String buildNodeName(int applicationPort) {
        if (!nodeName.isEmpty()) {
            return nodeName;
        }
        String host = NodeAddress.hostName();
        String suffix = applicationPort > 0 ? Integer.toString(applicationPort)
                : "ephemeral-" + UUID.randomUUID().toString().substring(0, 8);
        return checkName(host + ":" + suffix, "the node name made from the host name (set cluster.nodeName instead)");
    }

    /** Refuses a name that is not one (the configured one, or one made from the host name). */
    public static String checkName(String name, String what) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be 1 to 128 letters, digits or . _ : - (starting with a "
                    + "letter or digit), got '" + name + "'");
        }
        return name;
    }
}
