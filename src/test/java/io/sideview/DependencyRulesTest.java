package io.sideview;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The package rules of the write-path issue, checked on the sources so a change that breaks one
 * fails here: which package may import which, where the side rule is written, and that only the
 * HTTP layer (api, resources, servlet filters, admin tasks) speaks in HTTP problems.
 */
class DependencyRulesTest {
    private static final Path MAIN = Path.of("src/main/java/io/sideview");

    private static List<Path> sources(String pkg) {
        try (Stream<Path> files = Files.walk(MAIN.resolve(pkg))) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0} does not import io.sideview.{1}")
    @CsvSource({"edge, query", "storage, registry", "query, jobs", "query, storage"})
    void aPackageDoesNotImportAnother(String pkg, String forbidden) {
        Pattern imp = Pattern.compile("^import (static )?io\\.sideview\\." + forbidden + "\\.", Pattern.MULTILINE);
        assertThat(sources(pkg)).filteredOn(p -> imp.matcher(read(p)).find())
                .as("files of io.sideview.%s importing io.sideview.%s", pkg, forbidden).isEmpty();
    }

    @Test
    void theSideRuleIsWrittenOnlyInSide() {
        Pattern rule = Pattern.compile("Side\\.(OUT|IN)\\s*\\?|==\\s*Side\\.(OUT|IN)|this == OUT \\?");
        assertThat(sources("")).filteredOn(p -> !p.endsWith(Path.of("edge", "Side.java")))
                .filteredOn(p -> rule.matcher(read(p)).find())
                .as("files deciding which node a side lives under").isEmpty();
    }

    @Test
    void onlyTheHttpLayerThrowsProblems() {
        assertThat(sources("")).filteredOn(p -> read(p).contains("ProblemException"))
                .filteredOn(p -> !httpLayer(p))
                .as("services must throw io.sideview.errors.Refused, not ProblemException").isEmpty();
    }

    private static boolean httpLayer(Path p) {
        String s = p.toString().replace('\\', '/');
        String text = read(p);
        return s.contains("/resources/") || s.contains("/sideview/api/") || s.endsWith("SideviewApplication.java")
                || text.contains("implements Filter") || text.contains("extends Task ") || text.contains("extends PostBodyTask");
    }
}
