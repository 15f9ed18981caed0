package io.sideview.ingest;

import com.codahale.metrics.health.HealthCheck;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** The WAL's Kafka cluster answers a describe-cluster within 3 seconds. */
public class KafkaHealthCheck extends HealthCheck {
    private final KafkaConfig config;

    public KafkaHealthCheck(KafkaConfig config) {
        this.config = config;
    }

    @Override
    protected Result check() throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", config.bootstrapServers());
        p.put("request.timeout.ms", "3000");
        p.put("default.api.timeout.ms", "3000");
        try (Admin admin = Admin.create(p)) {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(3000)).nodes().get(4, TimeUnit.SECONDS).size();
            return Result.healthy(nodes + " broker(s)");
        }
    }
}
