package dev.apianalytics.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The reasons a failed ping is stored with, for the shapes in which the JDK client reports failures. */
class PingerTest {

    @Test
    void failuresAreNamedByKindFirst() {
        assertThat(Pinger.describe(new CompletionException(new HttpTimeoutException("request timed out"))))
                .isEqualTo("timeout: request timed out");
        assertThat(Pinger.describe(new HttpConnectTimeoutException("HTTP connect timed out")))
                .isEqualTo("timeout: HTTP connect timed out");
        ConnectException refused = new ConnectException();
        refused.initCause(new ConnectException("Connection refused"));
        assertThat(Pinger.describe(new CompletionException(refused))).isEqualTo("refused: Connection refused");
        ConnectException unresolved = new ConnectException();
        unresolved.initCause(new UnresolvedAddressException());
        assertThat(Pinger.describe(unresolved)).isEqualTo("dns: the host name could not be resolved");
        assertThat(Pinger.describe(new SSLHandshakeException("PKIX path building failed")))
                .isEqualTo("tls: PKIX path building failed");
    }

    @Test
    void onlyAnAnswerBelow400IsUp() {
        assertThat(new PingResult(200, 3, null).up()).isTrue();
        assertThat(new PingResult(301, 3, null).up()).isTrue();
        assertThat(new PingResult(404, 3, null).up()).isFalse();
        assertThat(new PingResult(503, 3, null).up()).isFalse();
        assertThat(new PingResult(0, 1000, "timeout").up()).isFalse();
    }
}
