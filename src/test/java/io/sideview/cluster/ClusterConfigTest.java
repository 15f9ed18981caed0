package io.sideview.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.sideview.SideviewConfiguration;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The cluster block: defaults, and a node name that could not be one is a config error naming the key. */
class ClusterConfigTest {
    private static final YamlConfigurationFactory<SideviewConfiguration> FACTORY = new YamlConfigurationFactory<>(
            SideviewConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

    private static ClusterConfig parse(String cluster) throws Exception {
        Path file = Files.createTempFile("sideview-cluster-", ".yml");
        Files.writeString(file, "database:\n  driverClass: org.h2.Driver\n  url: jdbc:h2:mem:config\n" + cluster);
        return FACTORY.build(new File(file.toString())).getCluster();
    }

    @Test
    void defaultsNameTheNodeAfterItsHostAndPort() throws Exception {
        ClusterConfig c = parse("");
        assertThat(c.nodeName()).isEmpty();
        assertThat(c.heartbeatInterval().toMilliseconds()).isEqualTo(1_000);
        assertThat(c.nodeTimeout().toMilliseconds()).isEqualTo(10_000);
        assertThat(c.buildNodeName(8080)).isEqualTo(NodeAddress.hostName() + ":8080");
        assertThat(c.buildNodeName(0)).startsWith(NodeAddress.hostName() + ":ephemeral-");
        ClusterConfig named = parse("cluster:\n  nodeName: node-1.dc2\n  heartbeatInterval: 200ms\n  nodeTimeout: 2s\n");
        assertThat(named.buildNodeName(0)).isEqualTo("node-1.dc2");
        assertThat(named.nodeTimeout().toMilliseconds()).isEqualTo(2_000);
    }

    @Test
    void aBadNameOrTimingIsAConfigError() {
        for (String bad : new String[] {"\"a'b\"", "\"node one\"", "-lead", "x".repeat(129), "\"n;DROP\""}) {
            assertThatThrownBy(() -> parse("cluster:\n  nodeName: " + bad + "\n")).as(bad)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("cluster.nodeName must be 1 to 128 letters, digits or . _ : -");
        }
        assertThatThrownBy(() -> parse("cluster:\n  heartbeatInterval: 5s\n  nodeTimeout: 10s\n"))
                .hasMessageContaining("cluster.nodeTimeout must be at least 3 x cluster.heartbeatInterval");
    }
}
