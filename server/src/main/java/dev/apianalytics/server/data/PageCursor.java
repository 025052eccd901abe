package dev.apianalytics.server.data;

import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.storage.RowPosition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;

/**
 * The {@code after} token of the data API's {@code Link rel="next"}: the position of a page's
 * last row, opaque to clients. It holds no key; a check value computed with the key's id ties it
 * to the key it was issued for, so a token altered, truncated or issued for another key is a 400
 * (and even a forged one could only position a read within the caller's own rows).
 */
final class PageCursor {

    static final String PARAMETER = "after";

    private static final int POSITION_BYTES = 16;
    private static final int CHECK_BYTES = 8;

    private PageCursor() {}

    static String encode(RowPosition position, long keyId) {
        ByteBuffer bytes = ByteBuffer.allocate(POSITION_BYTES + CHECK_BYTES);
        bytes.putLong(ChronoUnit.MICROS.between(Instant.EPOCH, position.createdAt())).putLong(position.tieBreaker());
        bytes.put(check(bytes.array(), keyId));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /** The position in {@code token}; a 400 naming {@code after} when it is not one this key was given. */
    static RowPosition decode(String token, long keyId) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token.trim());
        } catch (IllegalArgumentException e) {
            bytes = new byte[0];
        }
        if (bytes.length != POSITION_BYTES + CHECK_BYTES || !MessageDigest.isEqual(check(bytes, keyId),
                Arrays.copyOfRange(bytes, POSITION_BYTES, bytes.length))) {
            String shown = token.length() <= 40 ? token : token.substring(0, 40) + "...";
            throw ApiException.badRequest(PARAMETER + " must be the cursor from this key's Link header, was '" + shown + "'");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new RowPosition(Instant.EPOCH.plus(buffer.getLong(), ChronoUnit.MICROS), buffer.getLong());
    }

    private static byte[] check(byte[] position, long keyId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("api-analytics data cursor 1".getBytes(StandardCharsets.US_ASCII));
            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(keyId).array());
            sha.update(position, 0, POSITION_BYTES);
            return Arrays.copyOf(sha.digest(), CHECK_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
