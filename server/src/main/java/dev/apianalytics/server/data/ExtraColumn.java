package dev.apianalytics.server.data;

import dev.apianalytics.server.http.ApiException;
import dev.apianalytics.server.http.Exchange;
import dev.apianalytics.server.storage.StoredRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Recorded fields the data API leaves out of upstream's ten columns, appended only when a client
 * asks with {@code fields=route,framework,referrer} (in the order asked), so scripts written for
 * upstream read the same columns as ever.
 */
enum ExtraColumn {
    ROUTE(StoredRequest::route),
    FRAMEWORK(StoredRequest::framework),
    REFERRER(StoredRequest::referrer);

    private final Function<StoredRequest, String> value;

    ExtraColumn(Function<StoredRequest, String> value) {
        this.value = value;
    }

    /** The name in the answer: {@code route}, {@code framework}, {@code referrer}. */
    String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    String value(StoredRequest row) {
        return value.apply(row);
    }

    /** The columns {@code fields} asks for, each once, in its order; an unknown name is a 400. */
    static List<ExtraColumn> requested(Exchange exchange) {
        List<ExtraColumn> columns = new ArrayList<>();
        for (String list : exchange.queryParameters().getOrDefault("fields", List.of())) {
            for (String name : list.split(",")) {
                ExtraColumn column = find(name.trim());
                if (column != null && !columns.contains(column)) {
                    columns.add(column);
                }
            }
        }
        return columns;
    }

    private static ExtraColumn find(String name) {
        if (name.isEmpty()) {
            return null;
        }
        for (ExtraColumn column : values()) {
            if (column.column().equals(name)) {
                return column;
            }
        }
        throw ApiException.badRequest("fields: unknown column '" + DataQuery.abbreviate(name) + "'; fields appends route, framework or "
                + "referrer to the default columns");
    }
}
