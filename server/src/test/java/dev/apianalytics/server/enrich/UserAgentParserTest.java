package dev.apianalytics.server.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;

class UserAgentParserTest {

    // building a parser loads yauaa's rules (seconds): one for the whole class, as in production
    private static final UserAgentParser PARSER = UserAgentParser.create(64);

    @ParameterizedTest(name = "{4}")
    @CsvFileSource(resources = "/user-agents.tsv", delimiter = '\t', quoteCharacter = '\u0000')
    void recognisesRealHeaders(String client, String os, String device, boolean bot, String userAgent) {
        assertThat(PARSER.parse(userAgent)).isEqualTo(new UserAgentInfo(client, os, device, bot));
    }

    @Test
    void anEmptyHeaderIsUnknownAndNotABot() {
        assertThat(PARSER.parse(null)).isEqualTo(UserAgentInfo.EMPTY);
        assertThat(PARSER.parse("")).isEqualTo(UserAgentInfo.EMPTY);
        assertThat(PARSER.parse("   ")).isEqualTo(UserAgentInfo.EMPTY);
        assertThat(UserAgentInfo.EMPTY).isEqualTo(new UserAgentInfo("Unknown", "Unknown", "other", false));
    }

    @Test
    void garbageAndHugeHeadersGiveAnAnswerInsteadOfAnException() {
        String huge = "Mozilla/5.0 (" + "x".repeat(200_000) + ")";
        assertThat(PARSER.parse(huge).device()).isIn("desktop", "mobile", "tablet", "bot", "other");
        assertThat(PARSER.parse("\u0000\u00ff\ud800 ;;; ((( /// ").device()).isIn("desktop", "mobile", "tablet", "bot", "other");
    }

    @Test
    void toolVersionsDoNotMatterAndToolsAreNotBots() {
        assertThat(PARSER.parse("curl/8.11.1")).isEqualTo(PARSER.parse("curl/7.68.0"));
        assertThat(PARSER.parse("PostmanRuntime/7.39.1").client()).isEqualTo("Postman");
        assertThat(PARSER.parse("Java-http-client/25").bot()).isFalse();
    }

    @Test
    void manyThreadsWithMoreDistinctHeadersThanTheCacheHoldsGetConsistentAnswers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<UserAgentInfo>> answers = IntStream.range(0, 400)
                    .mapToObj(i -> pool.submit(() -> PARSER.parse(
                            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"
                                    + (100 + i % 200) + ".0.0.0 Safari/537.36")))
                    .toList();
            for (Future<UserAgentInfo> answer : answers) {
                assertThat(answer.get()).isEqualTo(new UserAgentInfo("Chrome", "Windows", "desktop", false));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCacheSizeBelowOneIsRefusedByName() {
        assertThatThrownBy(() -> UserAgentParser.create(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cacheSize");
    }
}
