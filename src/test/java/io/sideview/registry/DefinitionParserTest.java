package io.sideview.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sideview.Examples;
import io.sideview.api.Problem;
import io.sideview.api.RefusedMapper;
import io.sideview.errors.Refused;
import io.sideview.registry.api.ViewSpec;
import org.junit.jupiter.api.Test;

/** Definitions are read exactly as written: no coercion, no duplicate keys, nothing after the document. */
class DefinitionParserTest {
    private static final DefinitionParser PARSER = new DefinitionParser(Examples.MAPPER, 65_536);
    private static final String PROPS = "\"sourceType\":\"long\",\"targetType\":\"long\",\"direction\":\"OUT\",\"indexes\":[]";

    private static String property(String nullable) {
        return "{\"name\":\"v\"," + PROPS + ",\"properties\":[{\"name\":\"p\",\"type\":\"long\",\"nullable\":" + nullable + "}]}";
    }

    private static Problem refused(String body) {
        Refused e = catchThrowableOfType(() -> PARSER.parse(body), Refused.class);
        assertThat(e).as(body).isNotNull();
        Problem p = RefusedMapper.problem(e);
        assertThat(p.status()).as(body).isEqualTo(400);
        return p;
    }

    private static void refusedAt(String body, String field) {
        Problem p = refused(body);
        assertThat(p.errors()).as(body).isNotEmpty();
        assertThat(p.errors().get(0).field()).as(body + " -> " + p.detail()).isEqualTo(field);
    }

    @Test
    void noCoercion() {
        refusedAt("{\"name\":\"v\",\"description\":true," + PROPS + ",\"properties\":[]}", "description");
        refusedAt("{\"name\":\"v\",\"description\":12," + PROPS + ",\"properties\":[]}", "description");
        refusedAt("{\"name\":1," + PROPS + ",\"properties\":[]}", "name");
        for (String nullable : new String[] {"0", "1", "\"\"", "\"true\"", "\"false\""}) {
            refusedAt(property(nullable), "properties[0].nullable");
        }
        refusedAt("{\"name\":\"v\"," + PROPS + ",\"properties\":[{\"id\":1.5,\"name\":\"p\",\"type\":\"long\"}]}",
                "properties[0].id");
        refusedAt("{\"name\":\"v\"," + PROPS + ",\"properties\":[{\"id\":\"1\",\"name\":\"p\",\"type\":\"long\"}]}",
                "properties[0].id");
        refusedAt("{\"name\":\"v\"," + PROPS + ",\"properties\":\"\"}", "properties");
    }

    @Test
    void strictValuesStillParse() {
        ViewSpec spec = PARSER.parse(property("true"));
        assertThat(spec.properties().get(0).nullable()).isTrue();
        assertThat(PARSER.parse(property("null")).properties().get(0).nullable()).isNull();
        assertThat(PARSER.parse("{\"name\":\"v\",\"description\":\"\"," + PROPS
                + ",\"properties\":[{\"id\":3,\"name\":\"p\",\"type\":\"long\",\"default\":\"x\"}]}").properties().get(0).id())
                .isEqualTo(3);
        assertThat(PARSER.parse(Examples.text("friends-view.json")).name()).isEqualTo("friends");
    }

    @Test
    void duplicateKeysAndTrailingContentAreRefused() {
        refusedAt("{\"name\":\"v\",\"name\":\"w\"," + PROPS + ",\"properties\":[]}", "name");
        refusedAt("{\"name\":\"v\"," + PROPS + ",\"properties\":[{\"name\":\"p\",\"type\":\"long\",\"type\":\"int\"}]}",
                "properties[0].type");
        refused("{\"name\":\"v\"," + PROPS + ",\"properties\":[]} garbage {");
        refused("{\"name\":\"v\"," + PROPS + ",\"properties\":[]} {}");
    }
}
