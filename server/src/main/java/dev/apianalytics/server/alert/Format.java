package dev.apianalytics.server.alert;

import com.google.gson.Gson;
import dev.apianalytics.server.http.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;

/** How a destination wants an alert written: the collector's own JSON, Slack's or Microsoft Teams'. */
enum Format {
    JSON("json"),
    SLACK("slack"),
    TEAMS("teams");

    private static final Gson GSON = new Gson();

    final String spelling;

    Format(String spelling) {
        this.spelling = spelling;
    }

    static Format parse(String text) {
        if (text == null) {
            return JSON;
        }
        for (Format format : values()) {
            if (format.spelling.equalsIgnoreCase(text.strip())) {
                return format;
            }
        }
        throw ApiException.badRequest("format must be json, slack or teams, not '" + text + "'");
    }

    /** The body to post for {@code alert}. */
    String payload(Alert alert) {
        return switch (this) {
            case JSON -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("event", alert.event());
                body.put("state", alert.firing() ? "firing" : "recovered");
                body.put("subject", alert.subject());
                body.put("summary", alert.summary());
                body.put("at", alert.at().toString());
                body.put("details", alert.details());
                yield GSON.toJson(body);
            }
            // Slack incoming webhooks (and Mattermost, Rocket.Chat, Discord's /slack endpoint) read "text"
            case SLACK -> GSON.toJson(Map.of("text", (alert.firing() ? ":red_circle: " : ":large_green_circle: ") + alert.summary()));
            // a connector card, which Teams incoming webhooks and Workflows' "post a card" accept
            case TEAMS -> {
                Map<String, Object> card = new LinkedHashMap<>();
                card.put("@type", "MessageCard");
                card.put("@context", "https://schema.org/extensions");
                card.put("summary", alert.summary());
                card.put("themeColor", alert.firing() ? "D13438" : "2E7D32");
                card.put("title", (alert.firing() ? "Alert: " : "Recovered: ") + alert.subject());
                card.put("text", alert.summary());
                yield GSON.toJson(card);
            }
        };
    }
}
