package io.sideview.ingest;

import java.lang.management.ManagementFactory;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Reads Debezium's streaming metrics MBean: is the binlog reader of an engine connected? */
final class StreamingMetrics {
    private StreamingMetrics() {}

    static Boolean connected(String topicPrefix) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = server.queryNames(
                    new ObjectName("debezium.*:type=connector-metrics,context=streaming,server=" + topicPrefix + ",*"), null);
            for (ObjectName n : names) {
                Object v = server.getAttribute(n, "Connected");
                if (v instanceof Boolean b) {
                    return b;
                }
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    static boolean awaitConnected(String topicPrefix, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (Boolean.TRUE.equals(connected(topicPrefix))) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
