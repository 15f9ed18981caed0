package io.sideview.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.sideview.Examples;
import io.sideview.Http;
import io.sideview.SideviewApplication;
import io.sideview.SideviewConfiguration;
import io.sideview.TestApps;
import io.sideview.query.QueryFilter;
import jakarta.ws.rs.Path;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document is served, and it documents exactly what Jersey serves under /api: every
 * (method, path template) of every resource registered in the running app, and nothing else. An
 * endpoint added without documentation, or documentation left behind by a removed one, fails here.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
@Tag("integration")
class OpenApiIntegrationTest {
    static final DropwizardAppExtension<SideviewConfiguration> APP = new DropwizardAppExtension<>(
            SideviewApplication.class, TestApps.CONFIG, TestApps.overrides(TestApps.tempDir("sideview-openapi-")));

    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final Pattern TEMPLATE_VAR = Pattern.compile("\\{\\s*([^}:\\s]+)\\s*(:[^}]*)?}");

    private static Http.Reply reply;
    private static JsonNode doc;

    @BeforeAll
    static void fetch() {
        reply = new Http(APP.client(), "http://127.0.0.1:" + APP.getLocalPort() + "/api", null).get("/openapi.json");
        doc = reply.json();
    }

    @Test
    void servesTheClasspathDocumentAsJson() throws Exception {
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.mediaType()).startsWith("application/json");
        try (InputStream in = OpenApiResource.class.getResourceAsStream(OpenApiResource.DOCUMENT)) {
            assertThat(in).isNotNull();
            assertThat(Examples.MAPPER.readTree(in)).isEqualTo(doc);
        }
        assertThat(doc.get("openapi").asText()).isEqualTo("3.0.3");
        assertThat(doc.at("/servers/0/url").asText()).isEqualTo("/api");
        assertThat(doc.at("/components/securitySchemes/bearerAuth/scheme").asText()).isEqualTo("bearer");
    }

    @Test
    void documentsEveryServedEndpointAndNothingElse() {
        Set<String> served = servedEndpoints();
        // Guard against a walk that finds nothing (then the comparison below would prove nothing).
        assertThat(served).contains("GET /v1/views", "POST /v1/views/{view}/mutations", "GET /v1/views/{view}/scan",
                "GET /openapi.json");
        assertThat(documentedEndpoints()).as("OpenAPI paths x methods vs Jersey's resource model")
                .containsExactlyInAnyOrderElementsOf(served);
    }

    @Test
    void everyOperationIsCompleteAndEveryReferenceResolves() {
        for (Map.Entry<String, JsonNode> path : doc.get("paths").properties()) {
            Set<String> templateVars = new TreeSet<>();
            Matcher m = TEMPLATE_VAR.matcher(path.getKey());
            while (m.find()) {
                templateVars.add(m.group(1));
            }
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (!HTTP_METHODS.contains(op.getKey())) {
                    continue;
                }
                String where = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
                JsonNode operation = op.getValue();
                assertThat(operation.path("operationId").asText()).as(where + " operationId").isNotEmpty();
                Set<String> pathParams = new TreeSet<>();
                for (JsonNode p : concat(path.getValue().path("parameters"), operation.path("parameters"))) {
                    JsonNode param = resolve(p);
                    if ("path".equals(param.path("in").asText())) {
                        pathParams.add(param.path("name").asText());
                    }
                }
                assertThat(pathParams).as(where + " path parameters").isEqualTo(templateVars);
                JsonNode responses = operation.path("responses");
                List<String> codes = new ArrayList<>();
                responses.fieldNames().forEachRemaining(codes::add);
                assertThat(codes).as(where + " responses").anyMatch(c -> c.startsWith("2"));
                // Every operation may fail unexpectedly; all but the explicitly open ones (security: []) need a token.
                assertThat(codes).as(where + " responses").contains("500");
                boolean open = operation.has("security") && operation.get("security").isEmpty();
                if (!open) {
                    assertThat(codes).as(where + " responses").contains("401");
                }
                responses.properties().forEach(r -> {
                    if (!r.getKey().startsWith("2")) {
                        assertThat(resolve(r.getValue()).at("/content/application~1problem+json/schema/$ref").asText())
                                .as(where + " " + r.getKey() + " is a problem document")
                                .isEqualTo("#/components/schemas/Problem");
                    }
                });
            }
        }
        List<String> refs = new ArrayList<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as("unresolved $ref " + ref).isFalse();
        }
    }

    /** "METHOD /template" for every resource method Jersey serves, from the app's own resource config, and QueryFilter's. */
    private static Set<String> servedEndpoints() {
        ResourceConfig config = APP.getEnvironment().jersey().getResourceConfig();
        List<Resource> roots = new ArrayList<>(config.getResources());
        List<Class<?>> classes = new ArrayList<>(config.getClasses());
        config.getInstances().forEach(i -> classes.add(i.getClass()));
        for (Class<?> cls : classes) {
            if (cls.isAnnotationPresent(Path.class) && Resource.isAcceptable(cls)) {
                roots.add(Resource.from(cls));
            }
        }
        Set<String> out = new TreeSet<>();
        for (Resource r : roots) {
            walk(r, "", out);
        }
        // The read shapes are served in front of Jersey.
        out.addAll(QueryFilter.endpoints());
        return out;
    }

    private static void walk(Resource resource, String parent, Set<String> out) {
        String path = join(parent, resource.getPath());
        assertThat(resource.getResourceLocator()).as("sub-resource locator at " + path + " cannot be checked: document it and extend this test")
                .isNull();
        for (ResourceMethod m : resource.getResourceMethods()) {
            out.add(m.getHttpMethod().toUpperCase(Locale.ROOT) + " " + path);
        }
        for (Resource child : resource.getChildResources()) {
            walk(child, path, out);
        }
    }

    /** "METHOD /template" for every operation of the document, template variables without regexes. */
    private static Set<String> documentedEndpoints() {
        Set<String> out = new LinkedHashSet<>();
        doc.get("paths").properties().forEach(p -> p.getValue().fieldNames().forEachRemaining(method -> {
            if (HTTP_METHODS.contains(method)) {
                out.add(method.toUpperCase(Locale.ROOT) + " " + join("", p.getKey()));
            }
        }));
        return out;
    }

    /** Joins path segments as Jersey does, dropping empty segments, regexes in templates and trailing slashes. */
    private static String join(String parent, String path) {
        String raw = (parent + "/" + (path == null ? "" : path));
        raw = TEMPLATE_VAR.matcher(raw).replaceAll("{$1}");
        String joined = raw.replaceAll("/+", "/");
        if (joined.length() > 1 && joined.endsWith("/")) {
            joined = joined.substring(0, joined.length() - 1);
        }
        return joined;
    }

    private static JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : doc.at(ref.asText().substring(1));
    }

    private static List<JsonNode> concat(JsonNode a, JsonNode b) {
        List<JsonNode> out = new ArrayList<>();
        a.forEach(out::add);
        b.forEach(out::add);
        return out;
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, refs));
        }
    }
}
