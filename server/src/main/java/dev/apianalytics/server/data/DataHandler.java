package dev.apianalytics.server.data;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.apianalytics.server.http.Exchange;
import dev.apianalytics.server.http.Handler;
import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.ingest.MethodIds;
import dev.apianalytics.server.keys.KeyAuth;
import dev.apianalytics.server.storage.RequestFilter;
import dev.apianalytics.server.storage.HourCount;
import dev.apianalytics.server.storage.InstantText;
import dev.apianalytics.server.storage.RequestPage;
import dev.apianalytics.server.storage.RowPosition;
import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.storage.StoredRequest;
import dev.apianalytics.server.summary.RowsPerHour;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * {@code GET /api/data}: a key's raw rows, oldest first, a page at a time, in upstream's shape
 * (method as its integer id, missing values as {@code ""}) plus {@code X-Total-Count} and a
 * {@code Link rel="next"} header whose {@code after} cursor resumes after the page's last row.
 * A page found by number is located through per-hour counts ({@link PageWindow}, mostly read from
 * the hourly summaries: {@link RowsPerHour}), so neither kind of page costs an offset over all the
 * key's rows. {@code fields=route,framework,referrer}
 * appends those columns.
 */
public final class DataHandler implements Handler {

    /** Upstream's page size. */
    public static final int PAGE_SIZE = 50_000;

    static final List<String> COLUMNS = List.of("hostname", "ip_address", "path", "user_agent", "method", "status",
            "response_time", "location", "user_id", "created_at");

    private final KeyAuth keys;
    private final Storage storage;
    private final int pageSize;
    /** Where the raw rows kept at an instant start, or null when all are kept (see ServerConfig#rawRowsFrom). */
    private final UnaryOperator<Instant> rowsFrom;
    private final Clock clock;

    public DataHandler(KeyAuth keys, Storage storage, int pageSize, UnaryOperator<Instant> rowsFrom, Clock clock) {
        this.keys = keys;
        this.storage = storage;
        this.pageSize = pageSize;
        this.rowsFrom = rowsFrom;
        this.clock = clock;
    }

    @Override
    public void handle(Exchange exchange) throws Exception {
        long keyId = keys.authenticate(exchange);
        DataQuery query = DataQuery.from(exchange);
        List<ExtraColumn> extras = ExtraColumn.requested(exchange);
        // rows before the raw-retention horizon are deleted or about to be: none is returned, so pages stay stable
        Instant availableFrom = rowsFrom.apply(clock.instant());
        RequestFilter filter = query.filter().within(availableFrom, null);
        if (availableFrom != null) {
            exchange.setHeader("X-Data-Available-From", availableFrom.toString());
        }
        String token = exchange.queryParameter(PageCursor.PARAMETER);
        RowPosition after = token == null ? null : PageCursor.decode(token, keyId);
        PageWindow window;
        RequestPage page;
        try {
            List<HourCount> hours = RowsPerHour.count(storage, keyId, filter);
            window = after == null
                    ? PageWindow.byOffset(hours, filter, (long) (query.page() - 1) * pageSize, pageSize)
                    : PageWindow.after(hours, filter, after, pageSize);
            page = window.empty() ? RequestPage.EMPTY
                    : storage.openPage(keyId, window.filter(), after, window.offset(), pageSize, omitted(extras));
        } catch (SQLException e) {
            throw new StorageUnavailable("finding the page failed: " + e.getMessage(), e);
        }
        try (page) {
            exchange.setHeader("X-Total-Count", Long.toString(window.total()));
            RowPosition last = page.lastBeforeMore();
            if (last != null) {
                // a page number for clients that read it, and the cursor that makes the next page cheap
                String next = after == null || exchange.queryParameter("page") != null ? Integer.toString(query.page() + 1) : null;
                exchange.setHeader("Link", "<" + nextPage(exchange, next, PageCursor.encode(last, keyId)) + ">; rel=\"next\"");
            }
            exchange.streamJson(200, json -> {
                json.writeStartArray();
                if (query.compact()) {
                    json.writeStartArray();
                    for (String column : COLUMNS) {
                        json.writeString(column);
                    }
                    for (ExtraColumn extra : extras) {
                        json.writeString(extra.column());
                    }
                    json.writeEndArray();
                }
                InstantText createdAt = new InstantText();
                try {
                    page.forEach(row -> write(json, row, query.compact(), extras, createdAt));
                } catch (SQLException e) {
                    throw new IOException("reading requests failed: " + e.getMessage(), e);
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                json.writeEndArray();
            });
        }
    }

    /** The text columns this page never writes: not read, so not sent by the database. */
    private static Set<String> omitted(List<ExtraColumn> extras) {
        Set<String> omitted = new HashSet<>(Storage.PAGE_OPTIONAL_TEXTS);
        for (ExtraColumn extra : extras) {
            omitted.remove(extra.column());
        }
        return omitted;
    }

    private static void write(JsonGenerator json, StoredRequest row, boolean compact, List<ExtraColumn> extras,
            InstantText createdAt) {
        try {
            if (compact) {
                json.writeStartArray();
            } else {
                json.writeStartObject();
            }
            field(json, compact, "hostname").writeString(text(row.hostname()));
            field(json, compact, "ip_address").writeString(text(row.ipAddress()));
            field(json, compact, "path").writeString(text(row.path()));
            field(json, compact, "user_agent").writeString(text(row.userAgent()));
            int method = MethodIds.id(row.method());
            if (method >= 0) {
                field(json, compact, "method").writeNumber(method);
            } else {
                field(json, compact, "method").writeString(row.method());
            }
            field(json, compact, "status").writeNumber(row.status());
            double time = row.responseTimeMs();
            if (time == Math.rint(time) && time < 1e15) {
                field(json, compact, "response_time").writeNumber((long) time);
            } else {
                field(json, compact, "response_time").writeNumber(time);
            }
            field(json, compact, "location").writeString(text(row.location()));
            field(json, compact, "user_id").writeString(text(row.userId()));
            field(json, compact, "created_at").writeString(createdAt.chars(), 0, createdAt.format(row.createdAt()));
            for (ExtraColumn extra : extras) {
                field(json, compact, extra.column()).writeString(text(extra.value(row)));
            }
            if (compact) {
                json.writeEndArray();
            } else {
                json.writeEndObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonGenerator field(JsonGenerator json, boolean compact, String name) throws IOException {
        if (!compact) {
            json.writeFieldName(name);
        }
        return json;
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    /** This request's address with {@code page} (unless null) and the cursor replaced, absolute when the Host header allows. */
    private static String nextPage(Exchange exchange, String page, String cursor) {
        StringBuilder query = new StringBuilder();
        for (Map.Entry<String, List<String>> parameter : exchange.queryParameters().entrySet()) {
            if (parameter.getKey().equals("page") || parameter.getKey().equals(PageCursor.PARAMETER)) {
                continue;
            }
            for (String value : parameter.getValue()) {
                query.append(encode(parameter.getKey())).append('=').append(encode(value)).append('&');
            }
        }
        if (page != null) {
            query.append("page=").append(page).append('&');
        }
        query.append(PageCursor.PARAMETER).append('=').append(cursor);
        String host = exchange.header("Host");
        String proto = exchange.header("X-Forwarded-Proto");
        String scheme = "https".equalsIgnoreCase(proto == null ? "" : proto.trim()) ? "https" : "http";
        String base = host == null || host.isBlank() || !host.matches("[A-Za-z0-9.:\\[\\]-]+") ? "" : scheme + "://" + host;
        return base + exchange.path() + "?" + query;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
