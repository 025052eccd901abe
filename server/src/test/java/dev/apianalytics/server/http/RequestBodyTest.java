package dev.apianalytics.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** How far a gzip body may inflate: freely to 4 MiB, then by its compression ratio, never past the cap. */
class RequestBodyTest {

    private static final int MB = 1024 * 1024;

    @Test
    void aBodyPastTheRatioFreeSizeIsRefusedOnceItInflatesMoreThanTheRatio() throws IOException {
        byte[] bomb = gzip(" ".repeat(MB).getBytes(), 48); // 48 MB of spaces, about 1,000 to 1
        long allowed = bomb.length * 100L;
        assertThat(allowed).as("past the free size").isGreaterThan(RequestBody.RATIO_FREE_BYTES);
        RequestBody body = read(bomb, 64L * MB);
        assertThat(drain(body.open(100), allowed)).isEqualTo(allowed);
        assertThatThrownBy(() -> drain(body.open(100), Long.MAX_VALUE)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(413);
            assertThat(e.getMessage()).contains("more than 100 times its compressed size of " + bomb.length + " bytes");
        });
        assertThat(drain(body.open(1_100), Long.MAX_VALUE)).as("with a ratio above gzip's own limit").isEqualTo(48L * MB);
    }

    @Test
    void anyBodyInflatesToTheRatioFreeSizeAndNoBodyPastTheCap() throws IOException {
        byte[] small = gzip(" ".repeat(MB).getBytes(), 4); // 1,000 to 1, but within the first 4 MiB
        assertThat(drain(read(small, 64L * MB).open(100), Long.MAX_VALUE)).isEqualTo(4 * MB);

        byte[] plain = new byte[6 * MB]; // about 2 to 1: the ratio never matters, the cap does
        var random = new Random(3);
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) ('a' + random.nextInt(16));
        }
        assertThat(drain(read(gzip(plain, 1), 8L * MB).open(100), Long.MAX_VALUE)).isEqualTo(6 * MB);
        RequestBody capped = read(gzip(plain, 1), 5L * MB);
        assertThatThrownBy(() -> drain(capped.open(100), Long.MAX_VALUE)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(413);
            assertThat(e.getMessage()).contains("larger than the limit of " + 5 * MB + " bytes");
        });
    }

    private static RequestBody read(byte[] wire, long maxDecoded) throws IOException {
        return RequestBody.read(new ByteArrayInputStream(wire), Integer.toString(wire.length), "gzip", 16L * MB, maxDecoded,
                bytes -> {});
    }

    /** Reads up to {@code limit} bytes and returns how many there were. */
    private static long drain(InputStream in, long limit) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while (total < limit && (read = in.read(buffer, 0, (int) Math.min(buffer.length, limit - total))) != -1) {
            total += read;
        }
        return total;
    }

    private static byte[] gzip(byte[] raw, int times) {
        var out = new ByteArrayOutputStream();
        try (var zip = new GZIPOutputStream(out)) {
            for (int i = 0; i < times; i++) {
                zip.write(raw);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
