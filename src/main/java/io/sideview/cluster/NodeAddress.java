package io.sideview.cluster;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Where this node's API listens: the configured port names the node, the actual one goes into its row. */
public final class NodeAddress {
    private NodeAddress() {}

    /** The configured port of the first application connector (0: ephemeral, or none known). */
    public static int applicationPort(ServerFactory server) {
        return connector(server) instanceof HttpConnectorFactory http ? http.getPort() : 0;
    }

    /** {@code http://<host>:<port>}: the bind host when it is one address, else this host's name. */
    public static String of(ServerFactory server, int actualPort) {
        String bind = connector(server) instanceof HttpConnectorFactory http ? http.getBindHost() : null;
        boolean wildcard = bind == null || bind.isEmpty() || bind.equals("0.0.0.0") || bind.equals("::");
        return "http://" + (wildcard ? hostName() : bind) + ":" + actualPort;
    }

    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "localhost" : env;
        }
    }

    private static ConnectorFactory connector(ServerFactory server) {
        if (server instanceof DefaultServerFactory d && !d.getApplicationConnectors().isEmpty()) {
            return d.getApplicationConnectors().get(0);
        }
        return server instanceof SimpleServerFactory s ? s.getConnector() : null;
    }
}
