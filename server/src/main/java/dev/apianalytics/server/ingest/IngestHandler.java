package dev.apianalytics.server.ingest;

import dev.apianalytics.server.ServerConfig;
import dev.apianalytics.server.enrich.CountryLookup;
import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.http.Exchange;
import dev.apianalytics.server.http.Handler;
import dev.apianalytics.server.http.RequestBody;
import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.ingest.RawRow.Kind;
import dev.apianalytics.server.ingest.RawRow.Value;
import dev.apianalytics.server.keys.KeyAuth;
import dev.apianalytics.server.limits.Limiter;
import dev.apianalytics.server.limits.Rate;
import dev.apianalytics.server.metrics.CollectorMetrics;
import dev.apianalytics.server.storage.BatchOutcome;
import dev.apianalytics.server.storage.Storage;
import dev.apianalytics.server.storage.StoredRequest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code POST /api/log-request} and {@code /api/requests}: checks, in order, body size on the
 * wire (413), memory to parse it in (503), JSON within its bounds (400, 413; each row validated
 * alone as it is read), key (401), rate (429), envelope and {@code Idempotency-Key} (400); then
 * enriches the valid rows and answers 201 with accepted and rejected counts once
 * they are committed. A post whose {@code Idempotency-Key} the key already used is answered with
 * the first post's counts and stores nothing: a client retrying after a lost answer does not
 * store its batch twice.
 */
public final class IngestHandler implements Handler {

    private static final System.Logger LOG = System.getLogger(IngestHandler.class.getName());
    static final int MAX_FRAMEWORK_LENGTH = 32;
    private static final int MEMORY_WAIT_SECONDS = 10;
    /** The parser's and inflater's buffers, and the longest string it may build (twice: buffer and value). */
    private static final int PARSER_BYTES = 512 * 1024;
    /** The header a client sets to the same value on every attempt of one batch. */
    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    static final int MAX_IDEMPOTENCY_KEY_LENGTH = 128;
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_IDEMPOTENCY_KEY_LENGTH + "}");
    static final String LOGGED = "API requests logged successfully.";
    /**
     * Sent with every answer to an ingestion post: the body forms this collector reads beside the
     * family's {@code requests}. Our clients switch to the compact form ({@link BatchReader}) once
     * they see it, and other collectors never send it.
     */
    public static final String FORMATS_HEADER = "API-Analytics-Batch-Formats";
    static final String FORMATS = "compact";

    private final ServerConfig config;
    private final KeyAuth keys;
    private final Storage storage;
    private final Limiter rateLimiter;
    private final BatchReader batches;
    private final Enricher enricher;
    private final MemoryBudget budget;
    private final CollectorMetrics metrics;

    public IngestHandler(ServerConfig config, KeyAuth keys, Storage storage, CountryLookup countries, CollectorMetrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.keys = keys;
        this.storage = storage;
        this.rateLimiter = Limiter.create(storage, "posts", new Rate(config.postsPerMinute(), Duration.ofMinutes(1)), config.clock());
        this.batches = new BatchReader(new RowParser(config.clock(), config::rawRowsFrom), config.maxRowsPerPost(), config.maxDecompressedBytes());
        this.enricher = new Enricher(countries);
        this.budget = new MemoryBudget(parseBudget(config, Runtime.getRuntime().maxMemory()));
    }

    /**
     * The heap that posts being parsed and stored may hold between them: half the heap, and
     * never less than one post at its worst (the body at the wire cap, twice while it is received,
     * and the rows kept from it, whose text never exceeds the decompressed cap, with their
     * objects). Inflating costs nothing here: it streams through a small buffer, and no value is
     * built past a small bound.
     */
    static long parseBudget(ServerConfig config, long maxHeap) {
        long worstCase = 2 * config.maxBodyBytes() + config.maxDecompressedBytes()
                + (long) config.maxRowsPerPost() * IncomingRow.OBJECTS_BYTES + PARSER_BYTES;
        return Math.max(maxHeap / 2, worstCase);
    }

    @Override
    public void handle(Exchange exchange) throws Exception {
        long arrived = System.nanoTime();
        exchange.setHeader(FORMATS_HEADER, FORMATS);
        try (MemoryBudget.Reservation memory = budget.open(TimeUnit.SECONDS.toNanos(MEMORY_WAIT_SECONDS))) {
            // reserved as it arrives: a client that is slow to send holds only what it sent
            RequestBody body = exchange.body(config.maxBodyBytes(), config.maxDecompressedBytes(), memory::grow);
            memory.grow(PARSER_BYTES);
            int ratio = config.maxCompressionRatio();
            store(exchange, batches.read(body.open(ratio), body.decodedAllowance(ratio), memory), arrived);
        }
    }

    private void store(Exchange exchange, BatchReader.Batch batch, long arrived) throws Exception {
        if (batch.apiKey() == null || batch.apiKey().isBlank()) {
            throw ApiException.badRequest("api_key is missing");
        }
        OptionalLong found = keys.find(batch.apiKey());
        if (found.isEmpty()) {
            throw ApiException.unauthorized("unknown API key: generate one on this server");
        }
        long keyId = found.getAsLong();
        long wait = rateLimiter.acquire(Long.toString(keyId));
        if (wait > 0) {
            throw new ApiException(429, "too many posts for this key (limit " + config.postsPerMinute()
                    + " per minute); retry in " + wait + " s", Map.of("Retry-After", Long.toString(wait)));
        }
        String framework = framework(batch.framework());
        int privacyLevel = privacyLevel(batch.privacyLevel());
        String batchId = batchId(exchange.header(IDEMPOTENCY_HEADER));
        if (!batch.hasRequests()) {
            throw ApiException.badRequest("requests is missing");
        }
        int rejected = batch.rejected();
        List<Map<String, Object>> errors = batch.errors();
        if (batch.accepted().isEmpty() && rejected == 0) {
            throw ApiException.badRequest("requests is empty");
        }
        if (batch.accepted().isEmpty()) {
            metrics.rows(0, rejected);
            exchange.sendJson(400, answer(400, "no request in the batch is valid; first problem: row "
                    + errors.get(0).get("row") + ": " + errors.get(0).get("message"), 0, rejected, errors));
            return;
        }
        List<StoredRequest> accepted = new ArrayList<>(batch.accepted().size());
        for (IncomingRow row : batch.accepted()) {
            accepted.add(enricher.enrich(row, privacyLevel, framework));
        }
        Optional<BatchOutcome> earlier = Optional.empty();
        try {
            if (batchId == null) {
                storage.insertRequests(keyId, accepted);
            } else {
                earlier = storage.insertBatch(keyId, batchId, accepted, rejected, config.clock().instant());
            }
        } catch (SQLException e) {
            throw new StorageUnavailable("storing " + accepted.size() + " requests failed: " + e.getMessage(), e);
        }
        if (earlier.isPresent()) {
            exchange.setHeader("Idempotent-Replayed", "true");
            exchange.sendJson(201, answer(201, LOGGED, earlier.get().accepted(), earlier.get().rejected(), List.of()));
            return;
        }
        metrics.rows(accepted.size(), rejected);
        metrics.committed(batch.compact(), arrived);
        try {
            keys.markActive(keyId);
        } catch (StorageUnavailable e) {
            // the rows are committed: answering 503 now would make the client send them twice
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
        }
        exchange.sendJson(201, answer(201, LOGGED, accepted.size(), rejected, errors));
    }

    private static Map<String, Object> answer(int status, String message, int accepted, int rejected, List<Map<String, Object>> errors) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("message", message);
        body.put("accepted", accepted);
        body.put("rejected", rejected);
        if (!errors.isEmpty()) {
            body.put("errors", errors);
        }
        return body;
    }

    /** The header's value, or null when absent; anything but a short token is refused. */
    static String batchId(String header) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        if (!IDEMPOTENCY_KEY.matcher(value).matches()) {
            throw ApiException.badRequest(IDEMPOTENCY_HEADER + " must be 1 to " + MAX_IDEMPOTENCY_KEY_LENGTH
                    + " letters, digits, '.', '_', ':' or '-' (a UUID, say)");
        }
        return value;
    }

    private static String framework(Value value) {
        if (value == null || value.kind() == Kind.NULL) {
            throw ApiException.badRequest("framework is missing");
        }
        if (value.kind() != Kind.STRING) {
            throw ApiException.badRequest("framework must be a string");
        }
        String framework = RowParser.clean(value.text(), Integer.MAX_VALUE);
        if (framework == null) {
            throw ApiException.badRequest("framework is empty");
        }
        if (framework.length() > MAX_FRAMEWORK_LENGTH) {
            throw ApiException.badRequest("framework is longer than " + MAX_FRAMEWORK_LENGTH + " characters");
        }
        return framework;
    }

    private static int privacyLevel(Value value) {
        if (value == null || value.kind() == Kind.NULL) {
            return 0;
        }
        if (value.kind() != Kind.STRUCTURE) {
            String text = value.text().trim();
            if (text.equals("0") || text.equals("1") || text.equals("2")) {
                return Integer.parseInt(text);
            }
        }
        throw ApiException.badRequest("privacy_level must be 0, 1 or 2");
    }
}
