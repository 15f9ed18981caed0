package io.sideview.auth;

import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.setup.ServletEnvironment;
import io.sideview.SideviewConfiguration;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.util.EnumSet;
import java.util.List;

/**
 * The servlet filters that keep a browser page of another site from using the service, on the API
 * port and on the admin port. Call it before any other filter is added, so these run first.
 */
public final class WebSecurity {
    private WebSecurity() {}

    public static void register(SideviewConfiguration config, Environment environment) {
        for (ServletEnvironment servlets : List.of(environment.servlets(), environment.admin())) {
            add(servlets, "security-headers", new SecurityHeadersFilter());
        }
    }

    private static void add(ServletEnvironment servlets, String name, Filter filter) {
        servlets.addFilter(name, filter).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }
}
