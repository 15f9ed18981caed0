package io.sideview;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dropwizard.jackson.Jackson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The documented examples under docs/examples/, read from the source tree so tests use exactly what users read. */
public final class Examples {
    public static final ObjectMapper MAPPER = Jackson.newObjectMapper();
    private static final Path DIR = Path.of("docs", "examples");

    private Examples() {}

    public static String text(String name) {
        try {
            return Files.readString(DIR.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode json(String name) {
        try {
            return (ObjectNode) MAPPER.readTree(text(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
