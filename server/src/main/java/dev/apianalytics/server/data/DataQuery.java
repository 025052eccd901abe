package dev.apianalytics.server.data;

import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.http.Exchange;
import dev.apianalytics.server.storage.RequestFilter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The data API's query parameters, in every spelling upstream documents or reads. A value that
 * is present but wrong is a 400 naming the parameter (upstream silently drops such filters).
 */
record DataQuery(RequestFilter filter, int page, boolean compact) {

    static final int FIRST_YEAR = 1970;
    static final int LAST_YEAR = 9999;
    private static final int MAX_TEXT = 2048;

    static DataQuery from(Exchange exchange) {
        int page = page(exchange.queryParameter("page"));
        Instant from = null;
        Instant to = null;
        String date = exchange.queryParameter("date");
        if (date != null) {
            LocalDate day = day("date", date);
            from = startOf(day);
            to = startOf(day.plusDays(1));
        } else {
            String dateFrom = exchange.queryParameter("dateFrom", "date_from");
            String dateTo = exchange.queryParameter("dateTo", "date_to");
            if (dateFrom != null) {
                from = startOf(day("dateFrom", dateFrom));
            }
            if (dateTo != null) {
                to = startOf(day("dateTo", dateTo).plusDays(1)); // through the end of that day
            }
            if (from != null && to != null && !from.isBefore(to)) {
                throw ApiException.badRequest("dateFrom must not be after dateTo");
            }
        }
        String hostname = text("hostname", exchange.queryParameter("hostname"));
        String ip = text("ipAddress", exchange.queryParameter("ipAddress", "ip", "ip_address"));
        Integer status = status(exchange.queryParameter("status"));
        String location = location(exchange.queryParameter("location"));
        String userId = text("user_id", exchange.queryParameter("user_id", "userId", "userID"));
        boolean compact = flag("compact", exchange.queryParameter("compact"));
        return new DataQuery(new RequestFilter(from, to, hostname, ip == null ? null : ip.trim(), status, location, userId),
                page, compact);
    }

    private static Instant startOf(LocalDate day) {
        return day.atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    private static int page(String value) {
        if (value == null) {
            return 1;
        }
        try {
            int page = Integer.parseInt(value.trim());
            if (page >= 1) {
                return page;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest("page must be a whole number from 1, was '" + abbreviate(value) + "'");
    }

    /** Years no stored row can fall outside; storage cannot represent some dates past them at all. */
    private static LocalDate day(String name, String value) {
        LocalDate day;
        try {
            day = LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name + " must be a date as YYYY-MM-DD, was '" + abbreviate(value) + "'");
        }
        if (day.getYear() < FIRST_YEAR || day.getYear() > LAST_YEAR) {
            throw ApiException.badRequest(name + " must be a date from " + FIRST_YEAR + " to " + LAST_YEAR + ", was '"
                    + abbreviate(value) + "'");
        }
        return day;
    }

    /** A filter matched against stored fields, which are never longer than this. */
    private static String text(String name, String value) {
        if (value != null && value.length() > MAX_TEXT) {
            throw ApiException.badRequest(name + " is longer than " + MAX_TEXT + " characters");
        }
        return value;
    }

    private static Integer status(String value) {
        if (value == null) {
            return null;
        }
        try {
            int status = Integer.parseInt(value.trim());
            if (status >= 100 && status <= 999) {
                return status;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest("status must be an HTTP status code such as 200, was '" + abbreviate(value) + "'");
    }

    private static String location(String value) {
        if (value == null) {
            return null;
        }
        String code = value.trim().toUpperCase(Locale.ROOT);
        if (code.length() == 2 && Character.isLetter(code.charAt(0)) && Character.isLetter(code.charAt(1))) {
            return code;
        }
        throw ApiException.badRequest("location must be a two-letter country code such as US, was '" + abbreviate(value) + "'");
    }

    private static boolean flag(String name, String value) {
        if (value == null) {
            return false;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw ApiException.badRequest(name + " must be true or false, was '" + abbreviate(value) + "'");
        };
    }

    static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
