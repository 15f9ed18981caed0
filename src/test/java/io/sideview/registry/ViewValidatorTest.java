package io.sideview.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.sideview.Examples;
import io.sideview.api.FieldError;
import io.sideview.api.Problem;
import io.sideview.api.RefusedMapper;
import io.sideview.errors.Refused;
import io.sideview.registry.model.Direction;
import io.sideview.registry.model.IdType;
import io.sideview.registry.model.PropertyType;
import io.sideview.registry.model.SortOrder;
import io.sideview.registry.model.VersionRule;
import io.sideview.registry.model.ViewDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ViewValidatorTest {
    private final DefinitionParser parser = new DefinitionParser(Examples.MAPPER, 65_536);
    private final ViewValidator validator = new ViewValidator(Set.of("friends"));

    static List<InvalidDefinitions.Case> invalid() {
        return InvalidDefinitions.all();
    }

    @Test
    void tableHasAtLeastTwentyCases() {
        assertThat(invalid()).hasSizeGreaterThanOrEqualTo(20);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refusesWithFieldAndReason(InvalidDefinitions.Case c) {
        Refused refused = catchThrowableOfType(Refused.class, () -> {
            List<FieldError> errors = new ArrayList<>();
            validator.validate(parser.parse(c.body()), errors);
            if (!errors.isEmpty()) {
                throw Refused.of(Refused.Kind.INVALID, "Invalid view definition",
                        errors.stream().map(f -> new Refused.Reason(f.field(), f.reason())).toList());
            }
        });
        assertThat(refused).as("refused").isNotNull();
        Problem problem = RefusedMapper.problem(refused);
        assertThat(problem.status()).isEqualTo(c.status());
        assertThat(problem.errors())
                .anySatisfy(err -> {
                    assertThat(err.field()).isEqualTo(c.field());
                    assertThat(err.reason()).contains(c.reason());
                });
    }

    @Test
    void friendsExampleIsValid() {
        List<FieldError> errors = new ArrayList<>();
        ViewDefinition d = validator.validate(parser.parse(Examples.text("friends-view.json")), errors);
        assertThat(errors).isEmpty();
        assertThat(d.direction()).isEqualTo(Direction.BOTH);
        assertThat(d.sourceType()).isEqualTo(IdType.LONG);
        assertThat(d.property("favorite").orElseThrow().defaultValue()).isEqualTo(false);
        assertThat(d.property("nickname").orElseThrow().nullable()).isTrue();
        assertThat(d.index("recent").orElseThrow().fields().get(0).order()).isEqualTo(SortOrder.DESC);
        assertThat(d.binding().version()).isEqualTo(VersionRule.binlog());
        assertThat(d.binding().softDelete().equals()).isEqualTo("DELETED");
        assertThat(d.binding().columnFor("source").orElseThrow().column()).isEqualTo("user_id");
    }

    @Test
    void followsExampleIsValid() {
        List<FieldError> errors = new ArrayList<>();
        ViewDefinition d = validator.validate(parser.parse(Examples.text("follows-view.json")), errors);
        assertThat(errors).isEmpty();
        assertThat(d.property("created_at").orElseThrow().type()).isEqualTo(PropertyType.LONG);
        assertThat(d.isCaptured()).isFalse();
    }

    @Test
    void friendsExampleNeedsItsSourceGroup() {
        List<FieldError> errors = new ArrayList<>();
        new ViewValidator(Set.of()).validate(parser.parse(Examples.text("friends-view.json")), errors);
        assertThat(errors).extracting(FieldError::field).containsExactly("binding.sourceGroup");
    }

    @Test
    void reportsEveryProblemNotOnlyTheFirst() {
        List<FieldError> errors = new ArrayList<>();
        validator.validate(parser.parse("{\"name\":\"X\",\"sourceType\":\"int\",\"targetType\":\"long\",\"direction\":\"UP\"}"), errors);
        assertThat(errors).extracting(FieldError::field).containsExactly("name", "sourceType", "direction");
    }

    @Test
    void systemFieldsMayBeIndexed() {
        String body = "{\"name\":\"v\",\"sourceType\":\"string\",\"targetType\":\"long\",\"direction\":\"OUT\","
                + "\"indexes\":[{\"name\":\"by_target\",\"fields\":[{\"field\":\"target\"},{\"field\":\"version\",\"order\":\"DESC\"}]}]}";
        List<FieldError> errors = new ArrayList<>();
        ViewDefinition d = validator.validate(parser.parse(body), errors);
        assertThat(errors).isEmpty();
        assertThat(d.index("by_target").orElseThrow().fields().get(0).order()).isEqualTo(SortOrder.ASC);
    }
}
