package io.sideview.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.jetty.setup.ServletEnvironment;
import io.sideview.SideviewConfiguration;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The servlet filters that keep a browser page of another site from using the service, on the API
 * port and on the admin port. Call it before any other filter is added, so these run first.
 */
public final class WebSecurity {
    private WebSecurity() {}

    public static void register(SideviewConfiguration config, Environment environment) {
        List<String> bindHosts = bindHosts(config.getServerFactory());
        ObjectMapper mapper = environment.getObjectMapper();
        Set<String> addresses = new HashSet<>();
        bindHosts.stream().filter(h -> h != null).forEach(addresses::add);
        AllowedHosts hosts = new AllowedHosts(config.getSecurity().hostSet(), addresses);
        for (ServletEnvironment servlets : List.of(environment.servlets(), environment.admin())) {
            add(servlets, "security-headers", new SecurityHeadersFilter());
            add(servlets, "request-guard", new RequestGuardFilter(hosts, mapper));
        }
    }

    private static void add(ServletEnvironment servlets, String name, Filter filter) {
        servlets.addFilter(name, filter).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }

    /** The bind host of every HTTP connector (API and admin); null stands for every interface. */
    static List<String> bindHosts(ServerFactory server) {
        List<ConnectorFactory> connectors = new ArrayList<>();
        if (server instanceof DefaultServerFactory d) {
            connectors.addAll(d.getApplicationConnectors());
            connectors.addAll(d.getAdminConnectors());
        } else if (server instanceof SimpleServerFactory s) {
            connectors.add(s.getConnector());
        }
        List<String> hosts = new ArrayList<>();
        for (ConnectorFactory c : connectors) {
            if (c instanceof HttpConnectorFactory http) {
                String h = http.getBindHost();
                hosts.add(h == null || AllowedHosts.isWildcard(h) ? null : h);
            }
        }
        return hosts;
    }
}
