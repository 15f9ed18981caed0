package io.sideview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.configuration.DefaultConfigurationFactoryFactory;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Source groups that would break capture are refused at start-up, with the reason. */
class ConfigurationTest {
    private static final YamlConfigurationFactory<SideviewConfiguration> FACTORY = new YamlConfigurationFactory<>(
            SideviewConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

    private static SideviewConfiguration parse(String yaml) throws Exception {
        Path file = Files.createTempFile("sideview-config-", ".yml");
        Files.writeString(file, "database:\n  driverClass: org.h2.Driver\n  url: jdbc:h2:mem:config\n" + yaml);
        return FACTORY.build(new File(file.toString()));
    }

    private static String group(String name, String... shards) {
        StringBuilder y = new StringBuilder("  " + name + ":\n    flavor: mariadb\n    shards:\n");
        for (String s : shards) {
            String[] parts = s.split(":");
            y.append("      - {name: ").append(parts[0]).append(", host: 127.0.0.1, port: 3307, user: cdc, serverId: ")
                    .append(parts[1]).append("}\n");
        }
        return y.toString();
    }

    @Test
    void securityIsStrictByDefaultAndConfigurable() throws Exception {
        SideviewConfiguration defaults = parse("");
        assertThat(defaults.getSecurity().allowOpenOnNetwork()).isFalse();
        assertThat(defaults.getSecurity().hostSet()).isEmpty();
        SideviewConfiguration set = parse("security:\n  allowedHosts: \" Sideview.Example, ,10.0.0.5 \"\n  allowOpenOnNetwork: true\n");
        assertThat(set.getSecurity().hostSet()).containsExactlyInAnyOrder("sideview.example", "10.0.0.5");
        assertThat(set.getSecurity().allowOpenOnNetwork()).isTrue();
        // As the service reads config.yml (DefaultConfigurationFactoryFactory): a misspelt key is refused,
        // so a typo in the auth or security block can never quietly leave the defaults in place.
        ConfigurationFactory<SideviewConfiguration> strict = new DefaultConfigurationFactoryFactory<SideviewConfiguration>()
                .create(SideviewConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");
        for (String typo : new String[] {"security:\n  allowedHost: x\n", "auth:\n  adminToken: x\n"}) {
            Path file = Files.createTempFile("sideview-config-", ".yml");
            Files.writeString(file, "database:\n  driverClass: org.h2.Driver\n  url: jdbc:h2:mem:config\n" + typo);
            assertThatThrownBy(() -> strict.build(new File(file.toString()))).as(typo)
                    .isInstanceOf(ConfigurationException.class).hasMessageContaining("Unrecognized field");
        }
    }

    @Test
    void wellFormedGroupsParse() throws Exception {
        SideviewConfiguration c = parse("sources:\n" + group("friends", "shard0:5401", "shard1:5402") + group("likes", "shard0:5403"));
        assertThat(c.getSources()).containsOnlyKeys("friends", "likes");
    }

    @Test
    void aShardNameTwiceInAGroupIsRefused() {
        assertThatThrownBy(() -> parse("sources:\n" + group("friends", "shard0:5401", "shard0:5402")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("shard name 'shard0' appears twice in source group 'friends'");
    }

    @Test
    void aServerIdUsedTwiceIsRefused() {
        assertThatThrownBy(() -> parse("sources:\n" + group("friends", "shard0:5401") + group("likes", "shard0:5401")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("serverId 5401 is used by both");
    }

    /** A group's debezium map: tuning passes through; what Sideview sets or relies on is refused, with the reason. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "snapshot.mode: initial | history comes from Sideview's chunked copy",
        "snapshot.locking.mode: none | history comes from Sideview's chunked copy",
        "offset.storage.file.filename: /tmp/x | Sideview keeps each engine's offsets",
        "database.server.id: '9' | set on the shard entry (serverId)",
        "table.include.list: a.b | follow the views' bindings",
        "skipped.operations: d | every insert, update and delete reaches the views",
        "transforms.unwrap.type: x | the row mapping reads Debezium's own change events",
        "schema.history.internal.kafka.topic: t | Sideview keeps each engine's schema history",
        "Max.Batch: '1' | is not a Debezium setting name",
    })
    void aDebeziumSettingSideviewOwnsIsRefused(String setting, String reason) {
        String yaml = "sources:\n" + group("friends", "shard0:5401") + "    debezium:\n      " + setting + "\n";
        assertThatThrownBy(() -> parse(yaml)).as(setting).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("sources.friends.debezium").hasMessageContaining(reason);
    }

    @Test
    void debeziumTuningPassesThrough() throws Exception {
        SideviewConfiguration c = parse("sources:\n" + group("friends", "shard0:5401")
                + "    debezium:\n      max.batch.size: '4096'\n      database.ssl.mode: required\n");
        assertThat(c.getSources().get("friends").debezium())
                .containsExactly(java.util.Map.entry("database.ssl.mode", "required"), java.util.Map.entry("max.batch.size", "4096"));
        java.util.Properties engine = new java.util.Properties();
        engine.setProperty("max.batch.size", "2048");
        io.sideview.ingest.DebeziumSettings.applyTo(engine, c.getSources().get("friends").debezium());
        assertThat(engine.getProperty("max.batch.size")).as("over Sideview's tuning default").isEqualTo("4096");
    }

    @Test
    void aGroupNameThatCannotBeATopicNameIsRefused() {
        assertThatThrownBy(() -> parse("sources:\n" + group("Friends.v2", "shard0:5401")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("source group name 'Friends.v2' must match");
    }
}
