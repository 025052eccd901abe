package dev.apianalytics.server.alert;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.apianalytics.server.alert.AlertStore.Attempt;
import dev.apianalytics.server.alert.AlertStore.Delivery;
import dev.apianalytics.server.alert.AlertStore.Destination;
import dev.apianalytics.server.alert.AlertStore.Rules;
import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.http.Exchange;
import dev.apianalytics.server.http.StorageUnavailable;
import dev.apianalytics.server.monitor.MonitorExtension;
import dev.apianalytics.server.net.PublicAddresses;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON endpoints behind the monitoring page's alerts section; every one needs the key itself. */
final class AlertApi {

    private static final long MAX_BODY = 16 * 1024;
    static final int RECENT_DELIVERIES = 20;
    static final int MAX_DOWN_AFTER = 20;
    static final double MAX_P95_MS = 600_000;

    record DestinationView(long id, String url, String format, String createdAt) {}

    record AttemptView(String at, int status, String error) {}

    record DeliveryView(long id, long destinationId, String event, String summary, String createdAt, String state,
            List<AttemptView> attempts) {}

    record RulesView(int downAfter, Double errorRatePercent, Double p95Ms) {}

    record AlertsView(int limit, int defaultDownAfter, RulesView rules, List<DestinationView> destinations,
            List<DeliveryView> deliveries) {}

    private final AlertStore store;
    private final Clock clock;
    private final PublicAddresses addresses;
    private final int maxDestinations;
    private final int defaultDownAfter;

    AlertApi(AlertStore store, Clock clock, PublicAddresses addresses, int maxDestinations, int defaultDownAfter) {
        this.store = store;
        this.clock = clock;
        this.addresses = addresses;
        this.maxDestinations = maxDestinations;
        this.defaultDownAfter = defaultDownAfter;
    }

    void list(Exchange exchange, long keyId) throws Exception {
        exchange.setHeader("Cache-Control", "no-store");
        exchange.sendJson(200, view(keyId));
    }

    AlertsView view(long keyId) {
        try {
            List<DestinationView> destinations = new ArrayList<>();
            for (Destination d : store.destinations(keyId)) {
                destinations.add(new DestinationView(d.id(), masked(d.url()), d.format().spelling, d.createdAt().toString()));
            }
            List<Delivery> deliveries = store.deliveries(keyId, RECENT_DELIVERIES);
            Map<Long, List<AttemptView>> attempts = new LinkedHashMap<>();
            if (!deliveries.isEmpty()) {
                for (Attempt a : store.attempts(keyId, deliveries.get(deliveries.size() - 1).id())) {
                    attempts.computeIfAbsent(a.deliveryId(), id -> new ArrayList<>())
                            .add(new AttemptView(a.at().toString(), a.status(), a.error()));
                }
            }
            List<DeliveryView> views = deliveries.stream().map(d -> new DeliveryView(d.id(), d.destinationId(), d.event(),
                    d.summary(), d.createdAt().toString(), d.state(), attempts.getOrDefault(d.id(), List.of()))).toList();
            return new AlertsView(maxDestinations, defaultDownAfter, rulesView(store.rules(keyId, defaultDownAfter)),
                    destinations, views);
        } catch (SQLException e) {
            throw new StorageUnavailable("reading alerts failed: " + e.getMessage(), e);
        }
    }

    void addDestination(Exchange exchange, long keyId) throws Exception {
        JsonObject body = parseObject(exchange.readBody(MAX_BODY, MAX_BODY));
        URI url = MonitorExtension.validateUrl(string(body, "url"), addresses);
        Format format = Format.parse(string(body, "format"));
        if (maxDestinations == 0) {
            throw ApiException.badRequest("alerts are turned off on this collector (--alert-max-destinations 0)");
        }
        try {
            List<Destination> existing = store.destinations(keyId);
            if (existing.size() >= maxDestinations) {
                throw ApiException.badRequest("this key already has " + existing.size() + " alert destinations, the most "
                        + "allowed; remove one first");
            }
            for (Destination destination : existing) {
                if (destination.url().equals(url.toString())) {
                    throw ApiException.badRequest("that URL is already an alert destination");
                }
            }
            Destination added = store.addDestination(keyId, url.toString(), format, clock.instant());
            exchange.sendJson(201, new DestinationView(added.id(), masked(added.url()), format.spelling,
                    added.createdAt().toString()));
        } catch (SQLException e) {
            throw new StorageUnavailable("adding an alert destination failed: " + e.getMessage(), e);
        }
    }

    void deleteDestination(Exchange exchange, long keyId) throws Exception {
        String id = exchange.pathParameter("id");
        long destinationId;
        try {
            destinationId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("destination id '" + id + "' is not a number");
        }
        try {
            if (!store.deleteDestination(keyId, destinationId)) {
                throw new ApiException(404, "no alert destination " + destinationId + " for this key");
            }
        } catch (SQLException e) {
            throw new StorageUnavailable("deleting an alert destination failed: " + e.getMessage(), e);
        }
        exchange.send(204, "application/json", new byte[0]);
    }

    /** Sets the key's rules: {@code downAfter} pings, {@code errorRatePercent} and {@code p95Ms} (null turns a rule off). */
    void setRules(Exchange exchange, long keyId) throws Exception {
        JsonObject body = parseObject(exchange.readBody(MAX_BODY, MAX_BODY));
        try {
            Rules current = store.rules(keyId, defaultDownAfter);
            int downAfter = body.has("downAfter")
                    ? (int) number(body, "downAfter", 1, MAX_DOWN_AFTER, true, current.downAfter()) : current.downAfter();
            Double errorRate = current.errorRate();
            if (body.has("errorRatePercent")) {
                Double percent = nullableNumber(body, "errorRatePercent", 0.01, 100);
                errorRate = percent == null ? null : percent / 100;
            }
            Double p95 = body.has("p95Ms") ? nullableNumber(body, "p95Ms", 1, MAX_P95_MS) : current.p95Ms();
            Rules rules = new Rules(downAfter, errorRate, p95);
            store.setRules(keyId, rules);
            exchange.sendJson(200, rulesView(rules));
        } catch (SQLException e) {
            throw new StorageUnavailable("saving alert rules failed: " + e.getMessage(), e);
        }
    }

    private static RulesView rulesView(Rules rules) {
        return new RulesView(rules.downAfter(), rules.errorRate() == null ? null : rules.errorRate() * 100, rules.p95Ms());
    }

    /** Scheme, host and the path's last characters: webhook URLs carry their secret in the path. */
    static String masked(String url) {
        URI uri = URI.create(url);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String tail = path.length() > 4 ? "\u2026" + path.substring(path.length() - 4) : path;
        return uri.getScheme() + "://" + uri.getRawAuthority() + tail;
    }

    private static Double nullableNumber(JsonObject body, String name, double min, double max) {
        JsonElement value = body.get(name);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        return number(body, name, min, max, false, 0);
    }

    private static double number(JsonObject body, String name, double min, double max, boolean whole, double fallback) {
        JsonElement value = body.get(name);
        if (value == null || value.isJsonNull()) {
            return fallback;
        }
        if (!(value instanceof JsonPrimitive primitive) || !primitive.isNumber()) {
            throw ApiException.badRequest(name + " must be a number");
        }
        double number = primitive.getAsDouble();
        if (!(number >= min && number <= max) || whole && number != Math.rint(number)) {
            throw ApiException.badRequest(name + " must be " + (whole ? "a whole number " : "") + "from " + format(min)
                    + " to " + format(max) + ", not " + primitive.getAsString());
        }
        return number;
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static JsonObject parseObject(byte[] body) {
        try {
            JsonElement element = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
            if (!element.isJsonObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return element.getAsJsonObject();
        } catch (JsonParseException e) {
            throw ApiException.badRequest("the body is not valid JSON");
        }
    }

    private static String string(JsonObject body, String name) {
        JsonElement value = body.get(name);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!(value instanceof JsonPrimitive primitive) || !primitive.isString()) {
            throw ApiException.badRequest(name + " must be a string");
        }
        return primitive.getAsString();
    }
}
