package dev.apianalytics.server.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * Key secrets: random UUIDv4 ({@link UUID#randomUUID()} draws from {@link java.security.SecureRandom})
 * and their SHA-256, which is all the database keeps. A key carries 122 random bits, so a plain
 * hash cannot be reversed by guessing; no salt or slow hash is needed.
 */
public final class ApiKeys {

    private ApiKeys() {}

    public static String newKey() {
        return UUID.randomUUID().toString();
    }

    /** The canonical form of a presented key, or {@code null} when it is not a UUID. */
    public static String canonical(String presented) {
        if (presented == null) {
            return null;
        }
        String trimmed = presented.trim();
        if (trimmed.length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(trimmed).toString().toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Hex SHA-256 of the canonical key. */
    public static String hash(String canonicalKey) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(canonicalKey.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
