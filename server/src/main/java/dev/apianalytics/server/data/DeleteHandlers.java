package dev.apianalytics.server.data;

import dev.apianalytics.server.http.Exchange;
import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.keys.KeyAuth;
import dev.apianalytics.server.storage.Storage;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * {@code DELETE /api/data} deletes everything stored for a key and keeps the key;
 * {@code DELETE /api/key} deletes the key too, after which it answers 401 everywhere.
 */
public final class DeleteHandlers {

    private final KeyAuth keys;
    private final Storage storage;
    private final LongConsumer onKeyDeleted;

    public DeleteHandlers(KeyAuth keys, Storage storage, LongConsumer onKeyDeleted) {
        this.keys = keys;
        this.storage = storage;
        this.onKeyDeleted = onKeyDeleted;
    }

    public void deleteData(Exchange exchange) throws Exception {
        long keyId = keys.authenticate(exchange);
        long deleted;
        try {
            deleted = storage.deleteData(keyId);
        } catch (SQLException e) {
            throw new StorageUnavailable("deleting data failed: " + e.getMessage(), e);
        }
        exchange.sendJson(200, answer("deleted all data for this key; the key still works", deleted));
    }

    public void deleteKey(Exchange exchange) throws Exception {
        long keyId = keys.authenticate(exchange);
        long deleted;
        try {
            deleted = storage.countRequests(keyId, dev.apianalytics.server.storage.RequestFilter.ALL);
            storage.deleteKey(keyId);
        } catch (SQLException e) {
            throw new StorageUnavailable("deleting the key failed: " + e.getMessage(), e);
        }
        keys.forget(keyId);
        onKeyDeleted.accept(keyId);
        exchange.sendJson(200, answer("deleted this key and all its data", deleted));
    }

    private static Map<String, Object> answer(String message, long deleted) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", 200);
        body.put("message", message);
        body.put("deleted_requests", deleted);
        return body;
    }
}
