package io.sideview.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The test-side reader of the text format must refuse what Prometheus refuses, or the scrape tests prove nothing. */
class PrometheusTextTest {
    private static final String GOOD = """
            # HELP q_seconds Query time, with a \\\\ and a \\n.
            # TYPE q_seconds summary
            q_seconds{view="fr\\"iends",shape="scan",quantile="0.5"} 1.5E-4
            q_seconds{view="fr\\"iends",shape="scan",quantile="0.99",} NaN
            q_seconds_count{view="fr\\"iends",shape="scan"} 3.0
            # TYPE lag gauge
            lag{shard="shard-0"} +Inf 1700000000000
            lag{shard="shard-1"} -12
            untyped_one 0
            """;

    @Test
    void readsFamiliesSamplesLabelsAndValues() {
        Map<String, PrometheusText.Family> families = PrometheusText.parse(GOOD);
        assertThat(families).containsOnlyKeys("q_seconds", "lag", "untyped_one");
        PrometheusText.Family q = families.get("q_seconds");
        assertThat(q.type()).isEqualTo("summary");
        assertThat(q.help()).isEqualTo("Query time, with a \\ and a \n.");
        assertThat(q.samples()).hasSize(3);
        assertThat(q.samples().get(0).labels()).containsEntry("view", "fr\"iends").containsEntry("quantile", "0.5");
        assertThat(q.samples().get(2).name()).isEqualTo("q_seconds_count");
        assertThat(q.samples().get(2).value()).isEqualTo(3.0);
        assertThat(families.get("lag").samples().get(0).value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(families.get("untyped_one").type()).isEqualTo("untyped");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "1bad 1\n",                                   // metric name starts with a digit
        "bad-name 1\n",                               // hyphen in a metric name
        "m{1l=\"x\"} 1\n",                            // label name starts with a digit
        "m{__name=\"x\"} 1\n",                        // reserved label name
        "m{l=x} 1\n",                                 // unquoted label value
        "m{l=\"x\\q\"} 1\n",                          // invalid escape
        "m{l=\"x\",l=\"y\"} 1\n",                     // label twice
        "m{l=\"x\" 1\n",                              // unterminated label set
        "m one\n",                                    // value not a float
        "m 1 2.5\n",                                  // timestamp not an integer
        "m  1\n",                                     // two spaces
        "m 1",                                        // no newline at the end
        "m 1\nm 2\n",                                 // the same series twice
        "a 1\nb 1\na{x=\"1\"} 1\n",                   // a family in two groups
        "# TYPE m gauge\n# TYPE m counter\nm 1\n",    // two TYPEs
        "# TYPE m meter\nm 1\n",                      // unknown type
        "m 1\n# TYPE m gauge\n",                      // TYPE after the samples
        "# TYPE s summary\ns 1\n",                    // summary sample without quantile
        "# TYPE h histogram\nh_bucket 1\n",           // bucket without le
    })
    void refusesWhatTheFormatDoesNotAllow(String text) {
        assertThatThrownBy(() -> PrometheusText.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
