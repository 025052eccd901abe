package dev.apianalytics.server.keys;

import dev.apianalytics.server.ServerContext;
import dev.apianalytics.server.ServerExtension;
import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.http.Exchange;
import dev.apianalytics.server.http.Router;
import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.storage.Migration;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only dashboard links: {@code /dashboard/<id>} opens the dashboard page, which reads with the
 * id instead of the key. The key holder sees the id ({@code GET /api/dashboard-id}, made on first
 * sight), regenerates it ({@code POST}) or turns it off ({@code DELETE}); all three need the key.
 */
public final class DashboardIdApi implements ServerExtension {

    static final String PATH = "/api/dashboard-id";

    @Override
    public List<Migration> migrations() {
        return DashboardIds.migrations();
    }

    @Override
    public List<String> keyOwnedTables() {
        return List.of(DashboardIds.TABLE);
    }

    @Override
    public void install(Router router, ServerContext context) {
        KeyAuth keys = context.keys();
        DashboardIds ids = keys.dashboardIds();
        router.get(PATH, exchange -> answer(exchange, keys, (keyId, key) -> ids.state(keyId, key, context.clock().instant())));
        router.post(PATH, exchange -> answer(exchange, keys, (keyId, key) -> ids.regenerate(keyId, key, context.clock().instant())));
        router.delete(PATH, exchange -> answer(exchange, keys, (keyId, key) -> {
            ids.turnOff(keyId, context.clock().instant());
            return new DashboardIds.State(null);
        }));
        router.get("/dashboard/{id}", DashboardIdApi::page);
    }

    private interface Change {
        DashboardIds.State apply(long keyId, String canonicalKey) throws SQLException;
    }

    private static void answer(Exchange exchange, KeyAuth keys, Change change) throws IOException {
        long keyId = keys.authenticate(exchange);
        DashboardIds.State state;
        try {
            state = change.apply(keyId, ApiKeys.canonical(KeyAuth.presented(exchange)));
        } catch (SQLException e) {
            throw new StorageUnavailable("dashboard id storage failed: " + e.getMessage(), e);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("enabled", state.id() != null);
        body.put("id", state.id());
        body.put("path", state.id() == null ? null : "/dashboard/" + state.id());
        exchange.setHeader("Cache-Control", "no-store");
        exchange.sendJson(200, body);
    }

    /** The dashboard page itself; it reads the id from its own address. */
    private static void page(Exchange exchange) throws IOException {
        if (!DashboardIds.looksLike(exchange.pathParameter("id"))) {
            throw new ApiException(404, "no such dashboard link: " + exchange.path());
        }
        byte[] html;
        try (InputStream in = DashboardIdApi.class.getClassLoader().getResourceAsStream("static/dashboard.html")) {
            if (in == null) {
                throw new ApiException(404, "the dashboard page is missing from this build");
            }
            html = in.readAllBytes();
        }
        exchange.setHeader("Cache-Control", "no-store");
        exchange.setHeader("X-Content-Type-Options", "nosniff");
        // the id is in the address: no other site may learn it from a Referer header
        exchange.setHeader("Referrer-Policy", "no-referrer");
        exchange.setHeader("X-Robots-Tag", "noindex");
        exchange.send(200, "text/html; charset=utf-8", html);
    }
}
