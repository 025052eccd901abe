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
 * path: a hostile path cannot make it backtrack exponentially.
 */
final class ExcludedPaths {

    static final ExcludedPaths NONE = new ExcludedPaths(new String[0][]);

    // per pattern its segments; null stands for "**"
    private final String[][] patterns;

    private ExcludedPaths(String[][] patterns) {
        this.patterns = patterns;
    }

    /**
     * @throws IllegalArgumentException naming a blank pattern or one with a query or whitespace
     */
    static ExcludedPaths compile(List<String> patterns) {
        if (patterns.isEmpty()) {
            return NONE;
        }
        String[][] compiled = new String[patterns.size()][];
        for (int i = 0; i < compiled.length; i++) {
            compiled[i] = segments(patterns.get(i));
        }
        return new ExcludedPaths(compiled);
    }

    private static String[] segments(String pattern) {
        if (pattern == null || pattern.isBlank() || pattern.chars().anyMatch(c -> c <= ' ' || c == '#')) {
            throw new IllegalArgumentException("excludePaths must be path patterns such as /health, /actuator/** or *.css,"
                    + " but one was '" + pattern + "'");
        }
        String rooted = pattern.startsWith("/") ? pattern.substring(1) : "**/" + pattern;
        if (rooted.endsWith("/")) {
            rooted = rooted.substring(0, rooted.length() - 1);
        }
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
        for (String[] pattern : patterns) {
            if (matches(pattern, path, start, end)) {
                return true;
            }
        }
        return false;
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
