package dev.apianalytics.server.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.db.Reader;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Country codes from a MaxMind-format database: the GeoLite2/GeoIP2 Country layout
 * ({@code country.iso_code}, falling back to {@code registered_country.iso_code}) or the
 * ip-location-db layout ({@code country_code}). Without a file every answer is {@code null}.
 */
public final class CountryLookup implements Closeable {

    private static final int CACHE_LIMIT = 50_000;

    private final Reader reader;
    private final Path file;
    // an API sees the same clients again and again; decoding a record costs more than a map lookup
    private final ConcurrentHashMap<InetAddress, String> recent = new ConcurrentHashMap<>();

    private CountryLookup(Reader reader, Path file) {
        this.reader = reader;
        this.file = file;
    }

    /** No database: no countries. */
    public static CountryLookup none() {
        return new CountryLookup(null, null);
    }

    /** Opens the database; a missing or unreadable file is an error worth stopping for. */
    public static CountryLookup open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("the country database " + file.toAbsolutePath() + " does not exist");
        }
        try {
            return new CountryLookup(new Reader(file.toFile(), new CHMCache()), file);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read the country database " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    public boolean enabled() {
        return reader != null;
    }

    public Path file() {
        return file;
    }

    /** The two-letter upper-case code, or {@code null} when unknown (private ranges, no database, no match). */
    public String country(InetAddress address) {
        if (reader == null || address == null) {
            return null;
        }
        String cached = recent.get(address);
        if (cached != null) {
            return cached.isEmpty() ? null : cached;
        }
        String code = lookUp(address);
        if (recent.size() >= CACHE_LIMIT) {
            recent.clear();
        }
        recent.put(address, code == null ? "" : code);
        return code;
    }

    private String lookUp(InetAddress address) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> record = reader.get(address, Map.class);
            if (record == null) {
                return null;
            }
            String code = text(record.get("country_code"));
            if (code == null) {
                code = isoCode(record.get("country"));
            }
            if (code == null) {
                code = isoCode(record.get("registered_country"));
            }
            return code == null || code.length() != 2 ? null : code.toUpperCase(Locale.ROOT);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String isoCode(Object country) {
        return country instanceof Map<?, ?> map ? text(map.get("iso_code")) : null;
    }

    private static String text(Object value) {
        return value instanceof String text && !text.isBlank() ? text.trim() : null;
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
        }
    }
}
