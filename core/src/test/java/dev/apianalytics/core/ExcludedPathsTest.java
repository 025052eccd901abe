package dev.apianalytics.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExcludedPathsTest {

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
            "/health, /health, true",
            "/health, /health/, true",
            "/health, /health?full=1, true",
            "/health, /healthz, false",
            "/health, /health/live, false",
            "/health, /api/health, false",
            "/actuator/**, /actuator, true",
            "/actuator/**, /actuator/health/liveness, true",
            "/actuator/**, /actuators, false",
            "*.css, /app.css, true",
            "*.css, /static/css/app.css, true",
            "*.css, /static/app.css.map, false",
            "*.css, /css, false",
            "/static/*.js, /static/app.js, true",
            "/static/*.js, /static/lib/app.js, false",
            "/static/**/*.js, /static/app.js, true",
            "/static/**/*.js, /static/lib/x/app.js, true",
            "/v?/ping, /v1/ping, true",
            "/v?/ping, /v10/ping, false",
            "/v?/ping, /v/ping, false",
            "/**/admin/**, /a/b/admin/c, true",
            "/**/admin/**, /admin, true",
            "/**/admin/**, /a/administrator, false",
            "/users/*/avatar, /users/42/avatar, true",
            "/users/*/avatar, /users//avatar, true",
            "/users/*/avatar, /users/42/avatar/big, false",
            "/, /, true",
            "/, /hello, false",
            "/**, /anything/at/all, true",
            "*.css, /app.css?v=2, true",
            "*.css, /dir.css/, true",
            "health, /health, true",
            "health, /api/health, true",
            "health, /api/health/x, false",
            "/users/x*, /users/x, true",
            "/users/x*, /users/, false",
            "/a/**/b, /a/b, true",
            "/a/**/b, /a/x/y/b, true",
            "/a/**/b, /a/x/b/c, false",
            "/api/*, /api, false",
    })
    void matchesAntStylePatterns(String pattern, String path, boolean expected) {
        assertThat(ExcludedPaths.compile(List.of(pattern)).matches(path)).isEqualTo(expected);
    }

    /**
     * Random patterns and paths over a small alphabet, several patterns at once, against a
     * regular expression built from the documented rules: the shortcuts never change an answer.
     */
    @Test
    void agreesWithARegularExpressionOfTheRules() {
        var random = new java.util.Random(20261203);
        String[] tokens = {"a", "b", "ab", "*", "?", "**", ".c", "a*", "*.c", "é"};
        for (int round = 0; round < 20_000; round++) {
            List<String> patterns = new java.util.ArrayList<>();
            for (int p = 1 + random.nextInt(3); p > 0; p--) {
                var pattern = new StringBuilder(random.nextInt(4) == 0 ? "" : "/");
                for (int t = 1 + random.nextInt(3); t > 0; t--) {
                    pattern.append(t < 3 && pattern.length() > 1 ? "/" : "").append(tokens[random.nextInt(tokens.length)]);
                }
                patterns.add(pattern.toString());
            }
            var path = new StringBuilder();
            for (int c = random.nextInt(9); c > 0; c--) {
                path.append("/ab.cé".charAt(random.nextInt(6)));
            }
            if (random.nextInt(5) == 0) {
                path.append("?q=a/b");
            }
            String text = path.toString();
            boolean expected = patterns.stream().anyMatch(pattern -> ruleOf(pattern).matcher(comparable(text)).matches());
            assertThat(ExcludedPaths.compile(patterns).matches(text)).as("%s against %s", patterns, text).isEqualTo(expected);
        }
    }

    /** The path as the rules see it: no query, no first slash, no one trailing slash, each segment after a "/". */
    private static String comparable(String path) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        bare = bare.startsWith("/") ? bare.substring(1) : bare;
        bare = bare.endsWith("/") ? bare.substring(0, bare.length() - 1) : bare;
        return bare.isEmpty() ? "" : "/" + bare;
    }

    /** "**" is any number of whole segments, "*" any text within one, "?" one character other than "/". */
    private static java.util.regex.Pattern ruleOf(String pattern) {
        String rooted = pattern.startsWith("/") ? pattern.substring(1) : "**/" + pattern;
        rooted = rooted.endsWith("/") ? rooted.substring(0, rooted.length() - 1) : rooted;
        var regex = new StringBuilder();
        if (!rooted.isEmpty()) {
            for (String segment : rooted.split("/", -1)) {
                if (segment.equals("**")) {
                    regex.append("(?:/[^/]*)*");
                    continue;
                }
                regex.append('/');
                for (char c : segment.toCharArray()) {
                    regex.append(c == '*' ? "[^/]*" : c == '?' ? "[^/]" : java.util.regex.Pattern.quote(String.valueOf(c)));
                }
            }
        }
        return java.util.regex.Pattern.compile(regex.toString());
    }

    @Test
    void noPatternsMatchNothing() {
        assertThat(ExcludedPaths.compile(List.of()).matches("/health")).isFalse();
        assertThat(ExcludedPaths.compile(List.of("/health")).matches(null)).isFalse();
    }

    @Test
    void aBlankPatternFailsAtBuildNamingTheField() {
        assertThatThrownBy(() -> Config.builder("k").excludePaths("/health", " ").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("excludePaths");
    }

    /** A hostile path against several wildcards finishes at once rather than backtracking exponentially. */
    @Test
    void aLongHostilePathIsMatchedInBoundedTime() {
        ExcludedPaths patterns = ExcludedPaths.compile(List.of("/**/a*a*a*a*a*b/**/x"));
        String path = "/" + "a/".repeat(2_000) + "a".repeat(4_000);

        assertThat(patterns.matches(path)).isFalse();
    }

    @Test
    void aTrackedRequestIsCheckedWithoutAllocating() {
        Config config = Config.builder("key").serverUrl("http://127.0.0.1:9").flushOnShutdown(false)
                .excludePaths("/health", "/actuator/**", "*.css", "*.js", "/static/**").build();
        try (ApiAnalytics analytics = ApiAnalytics.create(config, "Test")) {
            String path = "/users/42/orders";
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long thread = Thread.currentThread().getId();
            int calls = 200_000;
            boolean tracked = true;
            for (int i = 0; i < calls; i++) { // warm up, so the figure is not the interpreter's
                tracked &= analytics.tracks(path);
            }
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < calls; i++) {
                tracked &= analytics.tracks(path);
            }
            long allocated = threads.getThreadAllocatedBytes(thread) - before;

            assertThat(tracked).isTrue();
            assertThat(analytics.tracks("/static/app.js?v=3")).isFalse();
            assertThat(allocated).as("bytes allocated by %d calls", calls).isLessThan(calls / 10);
        }
    }
}
