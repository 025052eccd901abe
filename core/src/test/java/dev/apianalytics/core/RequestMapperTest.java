package dev.apianalytics.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestMapperTest {

    private static TestRequest from(String peer, Map<String, String> headers) {
        return new TestRequest("GET", "/", peer, headers);
    }

    @Test
    void forwardedForTakesTheFirstAddressOfTheHeader() {
        RequestMapper mapper = RequestMapper.forwardedFor();

        assertThat(mapper.map(from("10.0.0.1", Map.of("X-Forwarded-For", "203.0.113.7")))).isEqualTo("203.0.113.7");
        assertThat(mapper.map(from("10.0.0.1", Map.of("x-forwarded-for", " 203.0.113.7 , 10.0.0.2"))))
                .isEqualTo("203.0.113.7");
        assertThat(mapper.map(from("10.0.0.1", Map.of("X-Forwarded-For", "2001:db8::7, 10.0.0.2"))))
                .isEqualTo("2001:db8::7");
    }

    @Test
    void forwardedForFallsBackToThePeerWhenTheHeaderSaysNothing() {
        RequestMapper mapper = RequestMapper.forwardedFor();

        assertThat(mapper.map(from("10.0.0.1", Map.of()))).isEqualTo("10.0.0.1");
        assertThat(mapper.map(from("10.0.0.1", Map.of("X-Forwarded-For", "  ")))).isEqualTo("10.0.0.1");
        assertThat(mapper.map(from("10.0.0.1", Map.of("X-Forwarded-For", " , 203.0.113.7")))).isEqualTo("10.0.0.1");
    }

    @Test
    void headerReadsOneHeaderCaseInsensitively() {
        RequestMapper mapper = RequestMapper.header("X-User-Id");

        assertThat(mapper.map(from("10.0.0.1", Map.of("x-user-id", "alice")))).isEqualTo("alice");
        assertThat(mapper.map(from("10.0.0.1", Map.of()))).isNull();
    }
}
