package dev.apianalytics.server.data;

import dev.apianalytics.server.storage.HourCount;
import dev.apianalytics.server.storage.RequestFilter;
import dev.apianalytics.server.storage.RowPosition;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Where a page's rows are, found from the key's per-hour row counts instead of an offset over
 * all its rows: the hours that hold the page (plus one row, to know whether a next page exists)
 * narrow the filter's time range, and only the rows before the page within the first of those
 * hours are skipped. A page thus costs about the same wherever it lies.
 *
 * @param filter the request's filter narrowed to the page's hours; null when no row is left
 * @param offset the matching rows to skip in that range (after {@code after}, if set)
 * @param total all the key's matching rows
 */
record PageWindow(RequestFilter filter, long offset, long total) {

    boolean empty() {
        return filter == null;
    }

    private static final Duration HOUR = Duration.ofHours(1);

    /** The window of the rows from {@code skip} on, {@code size} of them and one more. */
    static PageWindow byOffset(List<HourCount> hours, RequestFilter filter, long skip, int size) {
        long total = total(hours);
        long before = 0;
        int first = 0;
        while (first < hours.size() && before + hours.get(first).rows() <= skip) {
            before += hours.get(first).rows();
            first++;
        }
        if (first == hours.size()) {
            return new PageWindow(null, 0, total);
        }
        long offset = skip - before;
        return new PageWindow(narrow(hours, filter, first, offset + size + 1), offset, total);
    }

    /** The window of {@code size} rows, and one more, after {@code after}. */
    static PageWindow after(List<HourCount> hours, RequestFilter filter, RowPosition after, int size) {
        Instant hour = after.createdAt().truncatedTo(ChronoUnit.HOURS);
        int first = 0;
        while (first < hours.size() && hours.get(first).hour().isBefore(hour)) {
            first++;
        }
        if (first == hours.size()) {
            return new PageWindow(null, 0, total(hours));
        }
        // the cursor's own hour may hold rows before it: count them all as needed, to be sure
        long needed = size + 1L + (hours.get(first).hour().equals(hour) ? hours.get(first).rows() : 0);
        return new PageWindow(narrow(hours, filter, first, needed), 0, total(hours));
    }

    /** The filter narrowed to hours {@code first} on, up to the hour where {@code needed} rows are reached. */
    private static RequestFilter narrow(List<HourCount> hours, RequestFilter filter, int first, long needed) {
        long rows = 0;
        int last = first;
        while (last < hours.size() - 1 && rows + hours.get(last).rows() < needed) {
            rows += hours.get(last).rows();
            last++;
        }
        Instant end = last == hours.size() - 1 ? null : hours.get(last).hour().plus(HOUR);
        return filter.within(hours.get(first).hour(), end);
    }

    private static long total(List<HourCount> hours) {
        long total = 0;
        for (HourCount hour : hours) {
            total += hour.rows();
        }
        return total;
    }
}
