package io.sideview.ops;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests. The client_java 0.16 this
 * service uses has writers only (so does 1.x's expositionformats), so this checks the grammar itself
 * and fails on the first line that breaks it: metric and label names, label value escapes, float
 * values (NaN, +Inf, -Inf), optional integer timestamps, one HELP and one TYPE per family, TYPE before
 * the family's samples, each family's lines in one group, summary and histogram suffixes, no series
 * twice, and a newline at the end.
 */
public final class PrometheusText {
    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern FLOAT = Pattern.compile("[+-]?(NaN|Inf|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)");
    private static final Pattern INT = Pattern.compile("-?\\d+");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    public record Sample(String name, Map<String, String> labels, double value) {}

    public record Family(String name, String type, String help, List<Sample> samples) {}

    private final Map<String, Family> families = new LinkedHashMap<>();

    private PrometheusText() {}

    /** The families, by name, in the order they appear; an {@link IllegalArgumentException} names the bad line. */
    public static Map<String, Family> parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the last line does not end with a newline");
        }
        PrometheusText p = new PrometheusText();
        Map<String, String> types = new LinkedHashMap<>();
        Map<String, String> helps = new LinkedHashMap<>();
        Set<String> closed = new HashSet<>();
        Set<String> series = new HashSet<>();
        String current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            try {
                if (line.isEmpty()) {
                    continue;
                }
                if (line.startsWith("#")) {
                    String[] parts = line.split(" ", 4);
                    if (parts.length >= 3 && parts[0].equals("#") && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                        String name = name(parts[2], METRIC, "metric name");
                        if (closed.contains(name) || p.families.containsKey(name)) {
                            throw new IllegalArgumentException(parts[1] + " after the samples of " + name);
                        }
                        if (parts[1].equals("TYPE")) {
                            if (parts.length != 4 || !TYPES.contains(parts[3])) {
                                throw new IllegalArgumentException("unknown type");
                            }
                            if (types.putIfAbsent(name, parts[3]) != null) {
                                throw new IllegalArgumentException("a second TYPE for " + name);
                            }
                        } else {
                            if (helps.putIfAbsent(name, parts.length == 4 ? unescape(parts[3], false) : "") != null) {
                                throw new IllegalArgumentException("a second HELP for " + name);
                            }
                        }
                    }
                    continue;
                }
                Sample s = sample(line);
                String family = familyOf(s.name(), types);
                if (!family.equals(current)) {
                    if (current != null) {
                        closed.add(current);
                    }
                    if (closed.contains(family)) {
                        throw new IllegalArgumentException("the lines of " + family + " are not in one group");
                    }
                    current = family;
                }
                String type = types.getOrDefault(family, "untyped");
                checkSuffix(s, family, type);
                if (!series.add(s.name() + new TreeMap<>(s.labels()))) {
                    throw new IllegalArgumentException("the series is there twice");
                }
                p.families.computeIfAbsent(family, f -> new Family(f, type, helps.get(f), new ArrayList<>())).samples().add(s);
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                // An index out of bounds is a line that ends inside a label set.
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage() + ": " + line, e);
            }
        }
        return p.families;
    }

    private static String familyOf(String name, Map<String, String> types) {
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String type = types.get(base);
                if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
                    return base;
                }
            }
        }
        return name;
    }

    private static void checkSuffix(Sample s, String family, String type) {
        boolean base = s.name().equals(family);
        if (type.equals("summary") && base && !s.labels().containsKey("quantile")) {
            throw new IllegalArgumentException("a summary sample without a quantile label");
        }
        if (type.equals("histogram") && (base || (s.name().endsWith("_bucket") && !s.labels().containsKey("le")))) {
            throw new IllegalArgumentException("a histogram sample that is not a bucket with le, _sum or _count");
        }
    }

    private static Sample sample(String line) {
        int at = 0;
        while (at < line.length() && line.charAt(at) != '{' && line.charAt(at) != ' ') {
            at++;
        }
        String name = name(line.substring(0, at), METRIC, "metric name");
        Map<String, String> labels = new LinkedHashMap<>();
        if (at < line.length() && line.charAt(at) == '{') {
            at++;
            while (line.charAt(at) != '}') {
                int eq = line.indexOf('=', at);
                if (eq < 0) {
                    throw new IllegalArgumentException("a label without '='");
                }
                String label = name(line.substring(at, eq), LABEL, "label name");
                if (label.startsWith("__")) {
                    throw new IllegalArgumentException("reserved label name " + label);
                }
                if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("a label value must be quoted");
                }
                int end = eq + 2;
                StringBuilder raw = new StringBuilder();
                while (line.charAt(end) != '"') {
                    if (line.charAt(end) == '\\') {
                        raw.append(line.charAt(end));
                        end++;
                    }
                    raw.append(line.charAt(end));
                    end++;
                }
                if (labels.put(label, unescape(raw.toString(), true)) != null) {
                    throw new IllegalArgumentException("label " + label + " twice");
                }
                at = end + 1;
                if (line.charAt(at) == ',') {
                    at++;
                } else if (line.charAt(at) != '}') {
                    throw new IllegalArgumentException("expected ',' or '}' after a label");
                }
            }
            at++;
        }
        if (at >= line.length() || line.charAt(at) != ' ') {
            throw new IllegalArgumentException("expected one space before the value");
        }
        String[] rest = line.substring(at + 1).split(" ", -1);
        if (rest.length > 2 || !FLOAT.matcher(rest[0]).matches() || (rest.length == 2 && !INT.matcher(rest[1]).matches())) {
            throw new IllegalArgumentException("expected a float value and an optional integer timestamp");
        }
        String v = rest[0];
        double value = v.endsWith("Inf") ? (v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                : v.endsWith("NaN") ? Double.NaN : Double.parseDouble(v);
        return new Sample(name, labels, value);
    }

    private static String name(String text, Pattern pattern, String what) {
        if (!pattern.matcher(text).matches()) {
            throw new IllegalArgumentException("invalid " + what + " '" + text + "'");
        }
        return text;
    }

    /** HELP escapes backslash and newline; label values also the double quote. Anything else after a backslash is an error. */
    private static String unescape(String s, boolean quotes) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char next = ++i < s.length() ? s.charAt(i) : ' ';
            switch (next) {
                case '\\' -> out.append('\\');
                case 'n' -> out.append('\n');
                case '"' -> {
                    if (!quotes) {
                        throw new IllegalArgumentException("a \\\" escape in HELP");
                    }
                    out.append('"');
                }
                default -> throw new IllegalArgumentException("invalid escape \\" + next);
            }
        }
        return out.toString();
    }
}
