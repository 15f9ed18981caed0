package io.sideview.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.server.SimpleServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.health.DefaultHealthFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.jetty.setup.ServletEnvironment;
import io.sideview.SideviewConfiguration;
import io.sideview.api.JsonBodyFilter;
import io.sideview.api.QueryParamsFilter;
import io.sideview.edge.resources.MutationResource;
import io.sideview.ops.TaskInputFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet filters that keep a browser page of another site from using the service, on the API
 * port and on the admin port, and the start-up refusal of open mode on a network. Call it before any
 * other filter is added, so these run first.
 */
public final class WebSecurity {
    private static final Logger LOG = LoggerFactory.getLogger(WebSecurity.class);

    /** Every other body (jobs, tasks, retries): small documents. */
    public static final int DEFAULT_BODY_BYTES = 64 * 1024;
    private static final Pattern MUTATIONS = Pattern.compile("/api/v1/views/[^/]+/mutations");
    private static final Pattern DEFINITIONS = Pattern.compile("/api/v1/views(/[^/]+)?|/tasks/view-create");

    private WebSecurity() {}

    public static void register(SideviewConfiguration config, Environment environment) {
        List<String> bindHosts = bindHosts(config.getServerFactory());
        refuseOpenOnNetwork(config.getAuth(), config.getSecurity(), bindHosts);
        RequestLogScrub.apply(config.getServerFactory());
        ObjectMapper mapper = environment.getObjectMapper();
        Set<String> addresses = new HashSet<>();
        bindHosts.stream().filter(h -> h != null).forEach(addresses::add);
        AllowedHosts hosts = new AllowedHosts(config.getSecurity().hostSet(), addresses);
        // Filters run in the order they are added: cheap header checks first, then (admin port) the token,
        // then the body is read and checked, then parameters; a caller without the token learns nothing
        // about what its body or task input would have been told.
        for (ServletEnvironment servlets : List.of(environment.servlets(), environment.admin())) {
            add(servlets, "security-headers", new SecurityHeadersFilter());
            add(servlets, "request-guard", new RequestGuardFilter(hosts, mapper));
        }
        if (!config.getAuth().isOpen()) {
            add(environment.admin(), "admin-token", new AdminTokenFilter(config.getAuth(), mapper, healthPaths(config)));
        }
        for (ServletEnvironment servlets : List.of(environment.servlets(), environment.admin())) {
            add(servlets, "json-body", new JsonBodyFilter(mapper, path -> bodyLimit(config, path)));
        }
        environment.servlets().addFilter("query-params", new QueryParamsFilter(mapper))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");
        environment.admin().addFilter("task-input", new TaskInputFilter(mapper, shardNames(config)))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, TaskInputFilter.MAPPING);
    }

    /** Each source group's shard names, in configuration order: what the shard tasks may name. */
    private static java.util.Map<String, List<String>> shardNames(SideviewConfiguration config) {
        java.util.Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        config.getSources().forEach((group, source) -> out.put(group,
                source.shards().stream().map(io.sideview.ingest.ShardConfig::name).toList()));
        return out;
    }

    /** The largest body each endpoint takes, in bytes: definitions and mutation batches have their own. */
    static int bodyLimit(SideviewConfiguration config, String path) {
        if (MUTATIONS.matcher(path).matches()) {
            return MutationResource.MAX_BODY_BYTES;
        }
        if (DEFINITIONS.matcher(path).matches()) {
            return config.getRegistry().maxDefinitionBytes();
        }
        return DEFAULT_BODY_BYTES;
    }

    private static void add(ServletEnvironment servlets, String name, Filter filter) {
        servlets.addFilter(name, filter).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
    }

    /**
     * Open mode means anyone who reaches a port is an admin: refused on a connector that listens beyond
     * loopback, unless {@code security.allowOpenOnNetwork} says it is meant.
     */
    static void refuseOpenOnNetwork(AuthConfig auth, SecurityConfig security, List<String> bindHosts) {
        if (!auth.isOpen()) {
            return;
        }
        List<String> exposed = bindHosts.stream().filter(h -> h == null || !AllowedHosts.isLoopback(h))
                .map(h -> h == null ? "every interface" : h).toList();
        if (exposed.isEmpty()) {
            return;
        }
        if (!security.allowOpenOnNetwork()) {
            throw new IllegalStateException("refusing to start: no token is configured (auth.adminTokens / "
                    + "auth.readerTokens), so anyone who reaches the service is an admin, and a connector listens on "
                    + exposed + ". Bind to 127.0.0.1, configure tokens, or set security.allowOpenOnNetwork: true");
        }
        LOG.warn("AUTH IS OPEN ON THE NETWORK: no token is configured and a connector listens on {}; "
                + "anyone who reaches it may change every view (security.allowOpenOnNetwork is true)", exposed);
    }

    /** Where the liveness and readiness servlet is (admin port; the health block's healthCheckUrlPaths). */
    static List<String> healthPaths(SideviewConfiguration config) {
        return config.health() instanceof DefaultHealthFactory h ? h.getHealthCheckUrlPaths() : List.of("/health-check");
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
