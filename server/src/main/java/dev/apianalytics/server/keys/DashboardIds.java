package dev.apianalytics.server.keys;

import dev.apianalytics.server.storage.Migration;
import dev.apianalytics.server.storage.Storage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Read-only dashboard ids: 256 random bits from {@link SecureRandom}, unrelated to the key. The
 * database keeps their SHA-256 (the unique index answers a presented id in one lookup) and, so
 * the key holder can see the id again, the id sealed with AES-GCM under a secret derived from the
 * key itself: the rows alone reveal neither the id nor the key. A row with no hash is an id that
 * was turned off; no row means none was made yet.
 */
final class DashboardIds {

    static final String TABLE = "dashboard_ids";
    private static final String PREFIX = "dash_";
    private static final Pattern SHAPE = Pattern.compile("dash_[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    static List<Migration> migrations() {
        return List.of(Migration.of("keys-001-dashboard-ids", """
                CREATE TABLE IF NOT EXISTS dashboard_ids (
                  key_id BIGINT PRIMARY KEY,
                  id_hash VARCHAR UNIQUE,
                  sealed VARCHAR,
                  changed_at TIMESTAMP NOT NULL
                )"""));
    }

    /** What the key holder sees: the id, or null when it is turned off. */
    record State(String id) {}

    private final Storage storage;

    DashboardIds(Storage storage) {
        this.storage = storage;
    }

    /** Whether a presented token has a dashboard id's shape (never a key's). */
    static boolean looksLike(String presented) {
        return presented != null && SHAPE.matcher(presented.strip()).matches();
    }

    /** The key whose live dashboard id this is; read from the database every time, so a change holds at once on every collector. */
    OptionalLong find(String presented) throws SQLException {
        if (!looksLike(presented)) {
            return OptionalLong.empty();
        }
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement("SELECT key_id FROM dashboard_ids WHERE id_hash = ?")) {
            select.setString(1, ApiKeys.hash(presented.strip()));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? OptionalLong.of(rows.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /** The key's dashboard id, made on first sight; {@code canonicalKey} opens the sealed copy. */
    State state(long keyId, String canonicalKey, Instant now) throws SQLException {
        Optional<String[]> row = read(keyId);
        if (row.isEmpty()) {
            try (Connection connection = storage.connection();
                    PreparedStatement insert = connection.prepareStatement("INSERT INTO dashboard_ids (key_id, id_hash, "
                            + "sealed, changed_at) VALUES (?, ?, ?, ?) ON CONFLICT (key_id) DO NOTHING")) {
                String id = newId();
                insert.setLong(1, keyId);
                insert.setString(2, ApiKeys.hash(id));
                insert.setString(3, seal(id, canonicalKey));
                insert.setObject(4, utc(now));
                insert.executeUpdate();
            }
            row = read(keyId); // another collector may have made it first: its id is the one
        }
        String sealed = row.map(r -> r[1]).orElse(null);
        return new State(sealed == null ? null : open(sealed, canonicalKey));
    }

    /** A new id for the key (turning it on); the old one stops matching with this update. */
    State regenerate(long keyId, String canonicalKey, Instant now) throws SQLException {
        String id = newId();
        try (Connection connection = storage.connection();
                PreparedStatement upsert = connection.prepareStatement("INSERT INTO dashboard_ids (key_id, id_hash, sealed, "
                        + "changed_at) VALUES (?, ?, ?, ?) ON CONFLICT (key_id) DO UPDATE SET id_hash = excluded.id_hash, "
                        + "sealed = excluded.sealed, changed_at = excluded.changed_at")) {
            upsert.setLong(1, keyId);
            upsert.setString(2, ApiKeys.hash(id));
            upsert.setString(3, seal(id, canonicalKey));
            upsert.setObject(4, utc(now));
            upsert.executeUpdate();
        }
        return new State(id);
    }

    /** Turns the key's dashboard id off until it is regenerated. */
    void turnOff(long keyId, Instant now) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement upsert = connection.prepareStatement("INSERT INTO dashboard_ids (key_id, id_hash, sealed, "
                        + "changed_at) VALUES (?, NULL, NULL, ?) ON CONFLICT (key_id) DO UPDATE SET id_hash = NULL, "
                        + "sealed = NULL, changed_at = excluded.changed_at")) {
            upsert.setLong(1, keyId);
            upsert.setObject(2, utc(now));
            upsert.executeUpdate();
        }
    }

    /** {@code [id_hash, sealed]} of the key's row, if it has one. */
    private Optional<String[]> read(long keyId) throws SQLException {
        try (Connection connection = storage.connection();
                PreparedStatement select = connection.prepareStatement(
                        "SELECT id_hash, sealed FROM dashboard_ids WHERE key_id = ?")) {
            select.setLong(1, keyId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(new String[] {rows.getString(1), rows.getString(2)}) : Optional.empty();
            }
        }
    }

    static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String seal(String id, String canonicalKey) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, secret(canonicalKey), new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(id.getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(ByteBuffer.allocate(12 + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JVM", e);
        }
    }

    static String open(String sealed, String canonicalKey) {
        try {
            byte[] bytes = Base64.getDecoder().decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, secret(canonicalKey), new GCMParameterSpec(128, bytes, 0, 12));
            return new String(cipher.doFinal(bytes, 12, bytes.length - 12), StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a sealed dashboard id does not open with its key", e);
        }
    }

    /** A purpose-bound AES key from the API key (122 random bits, so a plain hash is enough). */
    private static SecretKeySpec secret(String canonicalKey) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(("api-analytics dashboard id\n" + canonicalKey).getBytes(StandardCharsets.US_ASCII));
        return new SecretKeySpec(digest, "AES");
    }

    private static LocalDateTime utc(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
