package dev.apianalytics.server.dashboard;

import dev.apianalytics.server.http.ApiException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the dashboard asks for: a period, a time zone for hour-of-day and weekday, and filters.
 * Parsed from the query string with a 400 naming any bad value; the page's URL uses the same names.
 *
 * @param period the period ending now
 * @param zone the browser's time zone (IANA name), UTC when absent
 * @param hostname exact hostname
 * @param endpoint route template, or the path for requests without one
 * @param method HTTP method in upper case
 * @param statusFrom inclusive lower bound of the status filter ({@code 404} or {@code 400} for {@code 4xx})
 * @param statusTo inclusive upper bound of the status filter
 * @param country two-letter country code
 * @param client client (browser or library) name
 * @param os operating system name
 * @param device device class
 * @param hour hour of day 0-23 in {@code zone}
 * @param weekday ISO day of week 1 (Monday) to 7 (Sunday) in {@code zone}
 * @param version API version such as {@code v2}
 * @param user user id, or IP address for requests without a user id
 * @param exclude404 leave out 404 responses
 * @param excludeBots leave out requests from robots, crawlers and scripts
 * @param hidden endpoint patterns to leave out, {@code *} matching any characters
 */
record DashboardQuery(
        Period period,
        ZoneId zone,
        String hostname,
        String endpoint,
        String method,
        Integer statusFrom,
        Integer statusTo,
        String country,
        String client,
        String os,
        String device,
        Integer hour,
        Integer weekday,
        String version,
        String user,
        boolean exclude404,
        boolean excludeBots,
        List<String> hidden) {

    static final int MAX_HIDDEN_PATTERNS = 50;
    private static final int MAX_TEXT = 2048;
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final Pattern STATUS_CLASS = Pattern.compile("([1-5])xx");
    private static final Pattern STATUS_CODE = Pattern.compile("[1-5][0-9][0-9]");
    private static final Pattern COUNTRY = Pattern.compile("[A-Za-z]{2}");
    private static final Pattern VERSION = Pattern.compile("v[0-9]{1,6}");
    /** What an IANA zone name may contain; anything else is refused before it reaches the zone database. */
    private static final Pattern SAFE_ZONE = Pattern.compile("[A-Za-z0-9/_+\\-]{1,64}");

    /** The periods the page offers; each has an activity bucket fit for its length. */
    enum Period {
        H24("24h", 86_400L, 3_600L),
        D7("7d", 7 * 86_400L, 3 * 3_600L),
        D30("30d", 30 * 86_400L, 86_400L),
        M6("6m", 182 * 86_400L, 86_400L),
        Y1("1y", 365 * 86_400L, 7 * 86_400L),
        ALL("all", 0L, 0L);

        final String name;
        final long seconds;
        final long bucketSeconds;

        Period(String name, long seconds, long bucketSeconds) {
            this.name = name;
            this.seconds = seconds;
            this.bucketSeconds = bucketSeconds;
        }

        static Period parse(String text) {
            if (text == null) {
                return D7;
            }
            for (Period period : values()) {
                if (period.name.equalsIgnoreCase(text)) {
                    return period;
                }
            }
            throw ApiException.badRequest("period '" + shown(text) + "' is not one of 24h, 7d, 30d, 6m, 1y, all");
        }
    }

    /** Reads the query string; unknown parameters are ignored, bad values answer 400. */
    static DashboardQuery parse(Map<String, List<String>> parameters) {
        Period period = Period.parse(first(parameters, "period"));
        ZoneId zone = zone(first(parameters, "tz"));
        String method = upper(first(parameters, "method"));
        if (method != null && !METHOD.matcher(method).matches()) {
            throw ApiException.badRequest("method '" + shown(method) + "' is not an HTTP method");
        }
        Integer statusFrom = null;
        Integer statusTo = null;
        String status = first(parameters, "status");
        if (status != null) {
            String lower = status.toLowerCase(Locale.ROOT);
            var classMatch = STATUS_CLASS.matcher(lower);
            if (classMatch.matches()) {
                statusFrom = Integer.parseInt(classMatch.group(1)) * 100;
                statusTo = statusFrom + 99;
            } else if (STATUS_CODE.matcher(lower).matches()) {
                statusFrom = Integer.parseInt(lower);
                statusTo = statusFrom;
            } else {
                throw ApiException.badRequest("status '" + shown(status) + "' is neither a status code (404) nor a class (4xx)");
            }
        }
        String country = first(parameters, "country");
        if (country != null && !COUNTRY.matcher(country).matches()) {
            throw ApiException.badRequest("country '" + shown(country) + "' is not a two-letter country code");
        }
        String version = first(parameters, "version");
        if (version != null && !VERSION.matcher(version.toLowerCase(Locale.ROOT)).matches()) {
            throw ApiException.badRequest("version '" + shown(version) + "' is not an API version such as v1");
        }
        return new DashboardQuery(
                period,
                zone,
                first(parameters, "hostname"),
                first(parameters, "endpoint"),
                method,
                statusFrom,
                statusTo,
                country == null ? null : country.toUpperCase(Locale.ROOT),
                first(parameters, "client"),
                first(parameters, "os"),
                first(parameters, "device"),
                integer(parameters, "hour", 0, 23),
                integer(parameters, "weekday", 1, 7),
                version == null ? null : version.toLowerCase(Locale.ROOT),
                first(parameters, "user"),
                bool(parameters, "exclude404"),
                bool(parameters, "excludeBots"),
                hidden(parameters));
    }

    /** Where the period starts, given the current instant and (for "all") the key's first request. */
    Instant from(Instant now, Instant firstRequest) {
        if (period == Period.ALL) {
            return firstRequest == null ? now.minusSeconds(86_400) : firstRequest;
        }
        return now.minusSeconds(period.seconds);
    }

    private static ZoneId zone(String text) {
        if (text == null) {
            return ZoneOffset.UTC;
        }
        if (!SAFE_ZONE.matcher(text).matches()) {
            throw ApiException.badRequest("tz '" + shown(text) + "' is not a time zone name such as Europe/Paris");
        }
        try {
            ZoneId zone = ZoneId.of(text);
            return zone.getId().equals("Z") ? ZoneId.of("UTC") : zone;
        } catch (DateTimeException e) {
            throw ApiException.badRequest("tz '" + shown(text) + "' is not a known time zone; use a name such as Europe/Paris");
        }
    }

    private static List<String> hidden(Map<String, List<String>> parameters) {
        List<String> patterns = new ArrayList<>();
        for (String value : parameters.getOrDefault("hide", List.of())) {
            for (String part : value.split(",")) {
                String pattern = part.strip();
                if (!pattern.isEmpty()) {
                    patterns.add(limit("hide", pattern));
                }
            }
        }
        if (patterns.size() > MAX_HIDDEN_PATTERNS) {
            throw ApiException.badRequest("hide has " + patterns.size() + " patterns; at most " + MAX_HIDDEN_PATTERNS
                    + " are allowed");
        }
        return List.copyOf(patterns);
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        if (values == null || values.isEmpty() || values.get(0).isEmpty()) {
            return null;
        }
        return limit(name, values.get(0));
    }

    private static String limit(String name, String value) {
        if (value.length() > MAX_TEXT) {
            throw ApiException.badRequest(name + " is longer than " + MAX_TEXT + " characters");
        }
        return value;
    }

    /** A value as quoted in an error message: the start of it. */
    private static String shown(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static String upper(String text) {
        return text == null ? null : text.toUpperCase(Locale.ROOT);
    }

    private static Integer integer(Map<String, List<String>> parameters, String name, int min, int max) {
        String text = first(parameters, name);
        if (text == null) {
            return null;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest(name + " '" + shown(text) + "' is not a whole number from " + min + " to " + max);
    }

    private static boolean bool(Map<String, List<String>> parameters, String name) {
        String text = first(parameters, name);
        if (text == null) {
            return false;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw ApiException.badRequest(name + " '" + shown(text) + "' is not true or false");
        };
    }
}
