package io.sideview.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class WebSecurityTest {
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
