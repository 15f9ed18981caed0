package io.sideview.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sideview.Examples;
import org.junit.jupiter.api.Test;

/** Client limits apply to direct writes, not to WAL records Sideview wrote itself from captured rows. */
class MutationParserTest {
    private static ObjectNode item(String nick) {
        ObjectNode n = Examples.MAPPER.createObjectNode().put("type", "INSERT").put("source", 1).put("target", 2).put("version", 5);
        n.putObject("properties").put("nick", nick);
        return n;
    }

    @Test
    void longCapturedValuesAreAppliedFromTheWalButRefusedFromClients() throws Exception {
        String long70k = "x".repeat(70_000);
        assertThatThrownBy(() -> MutationParser.parse(item(long70k), TestViews.EDGES))
                .hasMessageContaining("strings are at most");
        Mutation m = MutationParser.parse(item(long70k), TestViews.EDGES, false);
        assertThat(m.properties().get("nick")).isEqualTo(long70k);
        assertThat(m.version()).isEqualTo(5);
    }
}
