package dev.apianalytics.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Ant-style path patterns, compiled once when a {@link Config} is built and matched on every
 * request without allocating: {@code *} matches within one segment, {@code **} any number of
 * whole segments, {@code ?} one character other than {@code /}. A pattern that does not start
 * with {@code /} matches at any depth ({@code *.css} is {@code /**}{@code /*.css}). A query
 * string and one trailing slash of the path are ignored.
 *
 * <p>Matching works segment by segment with the two-pointer wildcard algorithm at both levels,
 * so its cost is bounded by (path segments x pattern segments x segment length) whatever the
 * path: a hostile path cannot make it backtrack exponentially. Before it, each pattern's literal
 * start and end are compared with the path's, so the common miss (an API path against
 * {@code /actuator/**} or {@code *.css}) costs two region comparisons per pattern. Before those,
 * the path's first and last characters are looked up among the patterns' literal starts and
 * ends, so most API paths are passed after two table lookups, whatever the number of patterns.
 */
final class ExcludedPaths {

    static final ExcludedPaths NONE = new ExcludedPaths(new String[0][], new String[0], new String[0]);

    private static final int TABLE = 128;

    // per pattern its segments; null stands for "**"
    private final String[][] patterns;
    // per pattern the text every matching path starts with, and the text it ends with
    private final String[] prefixes;
    private final String[] suffixes;
    // the characters a matching path may start with (after its slash), or end with, for patterns
    // that have a literal start, or else a literal end; any path when a pattern has neither
    private final boolean[] firstCharacters = new boolean[TABLE];
    private final boolean[] lastCharacters = new boolean[TABLE];
    private final boolean anyPath;

    private ExcludedPaths(String[][] patterns, String[] prefixes, String[] suffixes) {
        this.patterns = patterns;
        this.prefixes = prefixes;
        this.suffixes = suffixes;
        boolean any = false;
        for (int i = 0; i < patterns.length; i++) {
            if (!prefixes[i].isEmpty()) {
                any |= !mark(firstCharacters, prefixes[i].charAt(0));
            } else if (!suffixes[i].isEmpty()) {
                any |= !mark(lastCharacters, suffixes[i].charAt(suffixes[i].length() - 1));
            } else {
                any = true;
            }
        }
        this.anyPath = any;
    }

    /** False for a character past the table, which then cannot rule a path out. */
    private static boolean mark(boolean[] table, char c) {
        if (c >= TABLE) {
            return false;
        }
        table[c] = true;
        return true;
    }

    /**
     * @throws IllegalArgumentException naming a blank pattern or one with a query or whitespace
     */
    static ExcludedPaths compile(List<String> patterns) {
        if (patterns.isEmpty()) {
            return NONE;
        }
        String[][] compiled = new String[patterns.size()][];
        String[] prefixes = new String[compiled.length];
        String[] suffixes = new String[compiled.length];
        for (int i = 0; i < compiled.length; i++) {
            String rooted = rooted(patterns.get(i));
            compiled[i] = segments(rooted);
            prefixes[i] = literalStart(rooted);
            suffixes[i] = literalEnd(rooted);
        }
        return new ExcludedPaths(compiled, prefixes, suffixes);
    }

    /**
     * The pattern's text before its first wildcard, without a final slash: a "**" after it may
     * match no segment ({@code /actuator/**} matches {@code /actuator}).
     */
    private static String literalStart(String rooted) {
        int wildcard = firstWildcard(rooted);
        String start = wildcard < 0 ? rooted : rooted.substring(0, wildcard);
        return start.endsWith("/") ? start.substring(0, start.length() - 1) : start;
    }

    /** The pattern's text after its last wildcard, without a first slash, for the same reason. */
    private static String literalEnd(String rooted) {
        int wildcard = Math.max(rooted.lastIndexOf('*'), rooted.lastIndexOf('?'));
        String end = rooted.substring(wildcard + 1);
        return end.startsWith("/") ? end.substring(1) : end;
    }

    private static int firstWildcard(String rooted) {
        int star = rooted.indexOf('*');
        int question = rooted.indexOf('?');
        return star < 0 ? question : question < 0 ? star : Math.min(star, question);
    }

    /** The pattern as matched against a path without its first slash: "*.css" is "**{@literal /}*.css". */
    private static String rooted(String pattern) {
        if (pattern == null || pattern.isBlank() || pattern.chars().anyMatch(c -> c <= ' ' || c == '#')) {
            throw new IllegalArgumentException("excludePaths must be path patterns such as /health, /actuator/** or *.css,"
                    + " but one was '" + pattern + "'");
        }
        String rooted = pattern.startsWith("/") ? pattern.substring(1) : "**/" + pattern;
        return rooted.endsWith("/") ? rooted.substring(0, rooted.length() - 1) : rooted;
    }

    private static String[] segments(String rooted) {
        List<String> segments = new ArrayList<>();
        if (!rooted.isEmpty()) {
            for (String segment : rooted.split("/", -1)) {
                boolean any = segment.equals("**");
                // "/**/**" means the same as "/**"
                if (!(any && !segments.isEmpty() && segments.get(segments.size() - 1) == null)) {
                    segments.add(any ? null : segment);
                }
            }
        }
        return segments.toArray(new String[0]);
    }

    /** Whether any pattern matches {@code path}; false for {@code null}. Never allocates. */
    boolean matches(String path) {
        if (patterns.length == 0 || path == null) {
            return false;
        }
        int start = path.startsWith("/") ? 1 : 0;
        int end = path.indexOf('?');
        if (end < 0) {
            end = path.length();
        }
        if (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        int length = end - start;
        if (!anyPath && (length == 0
                || !(listed(firstCharacters, path.charAt(start)) || listed(lastCharacters, path.charAt(end - 1))))) {
            return false;
        }
        for (int i = 0; i < patterns.length; i++) {
            String prefix = prefixes[i];
            String suffix = suffixes[i];
            if (prefix.length() <= length && path.startsWith(prefix, start)
                    && suffix.length() <= length && path.startsWith(suffix, end - suffix.length())
                    && matches(patterns[i], path, start, end)) {
                return true;
            }
        }
        return false;
    }

    private static boolean listed(boolean[] table, char c) {
        return c < TABLE && table[c];
    }

    /** The segments of {@code path} between {@code start} and {@code end} against one pattern. */
    private static boolean matches(String[] pattern, String path, int start, int end) {
        int p = 0;
        // the start of the current path segment; end + 1 once every segment is consumed
        int s = start < end ? start : end + 1;
        int anyAt = -1;
        int anyFrom = 0;
        while (s <= end) {
            int segmentEnd = segmentEnd(path, s, end);
            if (p < pattern.length && pattern[p] == null) {
                anyAt = p++;
                anyFrom = s;
            } else if (p < pattern.length && glob(pattern[p], path, s, segmentEnd)) {
                p++;
                s = segmentEnd + 1;
            } else if (anyAt >= 0) {
                // let the last "**" take one more segment and try again from there
                p = anyAt + 1;
                anyFrom = segmentEnd(path, anyFrom, end) + 1;
                s = anyFrom;
            } else {
                return false;
            }
        }
        while (p < pattern.length && pattern[p] == null) {
            p++;
        }
        return p == pattern.length;
    }

    private static int segmentEnd(String path, int from, int end) {
        int slash = path.indexOf('/', from);
        return slash < 0 || slash > end ? end : slash;
    }

    /** One segment, {@code path[from, to)}, against a glob of {@code *} and {@code ?}. */
    private static boolean glob(String glob, String path, int from, int to) {
        int g = 0;
        int s = from;
        int starAt = -1;
        int starFrom = 0;
        while (s < to) {
            char c = g < glob.length() ? glob.charAt(g) : 0;
            if (g < glob.length() && (c == '?' || c == path.charAt(s)) && c != '*') {
                g++;
                s++;
            } else if (c == '*') {
                starAt = g++;
                starFrom = s;
            } else if (starAt >= 0) {
                g = starAt + 1;
                s = ++starFrom;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }
}
