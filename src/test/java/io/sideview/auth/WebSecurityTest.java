package io.sideview.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.access.common.spi.IAccessEvent;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.logging.common.ConsoleAppenderFactory;
import io.dropwizard.request.logging.LogbackAccessRequestLogFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebSecurityTest {
    private static final AuthConfig OPEN = AuthConfig.open();
    private static final SecurityConfig STRICT = SecurityConfig.defaults();

    @Test
    void openModeBeyondLoopbackRefusesToStart() {
        for (List<String> hosts : List.of(Arrays.asList((String) null), List.of("10.0.0.5"), List.of("127.0.0.1", "sideview.example"))) {
            assertThatThrownBy(() -> WebSecurity.refuseOpenOnNetwork(OPEN, STRICT, hosts)).as(hosts.toString())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("security.allowOpenOnNetwork");
        }
    }

    @Test
    void loopbackTokensOrAnExplicitYesStart() {
        assertThatCode(() -> WebSecurity.refuseOpenOnNetwork(OPEN, STRICT, List.of("127.0.0.1", "localhost", "::1")))
                .doesNotThrowAnyException();
        assertThatCode(() -> WebSecurity.refuseOpenOnNetwork(new AuthConfig("t", ""), STRICT, Arrays.asList((String) null)))
                .doesNotThrowAnyException();
        assertThatCode(() -> WebSecurity.refuseOpenOnNetwork(OPEN, new SecurityConfig("", true), Arrays.asList((String) null)))
                .doesNotThrowAnyException();
    }

    @Test
    void everyConnectorIsLookedAt() {
        DefaultServerFactory server = new DefaultServerFactory();
        HttpConnectorFactory app = new HttpConnectorFactory();
        app.setBindHost("127.0.0.1");
        HttpConnectorFactory admin = new HttpConnectorFactory();
        admin.setBindHost("0.0.0.0");
        server.setApplicationConnectors(List.of(app));
        server.setAdminConnectors(List.of(admin));
        assertThat(WebSecurity.bindHosts(server)).containsExactly("127.0.0.1", null);
        admin.setBindHost(null);
        assertThat(WebSecurity.bindHosts(server)).containsExactly("127.0.0.1", null);
    }

    @Test
    void theRequestLogLeavesQueryStringsOut() {
        DefaultServerFactory server = new DefaultServerFactory();
        LogbackAccessRequestLogFactory requestLog = new LogbackAccessRequestLogFactory();
        ConsoleAppenderFactory<IAccessEvent> plain = new ConsoleAppenderFactory<>();
        ConsoleAppenderFactory<IAccessEvent> own = new ConsoleAppenderFactory<>();
        own.setLogFormat("%h \"%r\" %s");
        requestLog.setAppenders(List.of(plain, own));
        server.setRequestLogFactory(requestLog);
        RequestLogScrub.apply(server);
        assertThat(plain.getLogFormat()).contains("%m %U %H").doesNotContain("%r").doesNotContain("%q");
        assertThat(own.getLogFormat()).as("an operator's own format is kept").isEqualTo("%h \"%r\" %s");
    }

    @Test
    void hostNames() {
        AllowedHosts hosts = new AllowedHosts(Set.of("Sideview.Example"), Set.of("10.0.0.5"));
        assertThat(hosts.allows("localhost:8080")).isTrue();
        assertThat(hosts.allows("127.0.0.1")).isTrue();
        assertThat(hosts.allows("[::1]:8080")).isTrue();
        assertThat(hosts.allows("sideview.example:8080")).isTrue();
        assertThat(hosts.allows("10.0.0.5:8080")).isTrue();
        assertThat(hosts.allows("evil.example")).isFalse();
        assertThat(hosts.allows("localhost.evil.example")).isFalse();
        assertThat(hosts.allows("0.0.0.0:8080")).isFalse();
        assertThat(hosts.allows("[::1")).isFalse();
        assertThat(hosts.allows("a:b:c")).isFalse();
        assertThat(new AllowedHosts(Set.of("*"), Set.of()).allows("anything.example")).isTrue();
    }

    @Test
    void contentTypes() {
        assertThat(RequestGuardFilter.jsonContentTypeProblem("application/json")).isNull();
        assertThat(RequestGuardFilter.jsonContentTypeProblem("Application/JSON; charset=\"UTF-8\"")).isNull();
        assertThat(RequestGuardFilter.jsonContentTypeProblem(null)).contains("none was sent");
        assertThat(RequestGuardFilter.jsonContentTypeProblem("*/*")).contains("must be application/json");
        assertThat(RequestGuardFilter.jsonContentTypeProblem("application/json; charset=latin1")).contains("charset");
    }
}
