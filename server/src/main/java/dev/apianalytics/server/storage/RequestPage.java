package dev.apianalytics.server.storage;

import java.sql.SQLException;
import java.util.function.Consumer;

/**
 * A page of a key's rows in the data API's order, opened by {@link Storage#openPage}: where it
 * ends is known before its rows are handed out, so a response can name the next page in its
 * headers. Holds a connection until closed.
 */
public interface RequestPage extends AutoCloseable {

    /** A page without rows. */
    RequestPage EMPTY = of(null, sink -> { }, () -> { });

    /** The position of the page's last row when more rows follow it, null when this is the last page. */
    RowPosition lastBeforeMore();

    /** Hands the page's rows to {@code sink}, oldest first; once. */
    void forEach(Consumer<StoredRequest> sink) throws SQLException;

    @Override
    void close() throws SQLException;

    /** Reads a page's rows. */
    @FunctionalInterface
    interface Rows {
        void forEach(Consumer<StoredRequest> sink) throws SQLException;
    }

    /** Releases what a page holds. */
    @FunctionalInterface
    interface Release {
        void close() throws SQLException;
    }

    /** The page that ends at {@code lastBeforeMore} (null: the last page), read by {@code rows}, closed by {@code release}. */
    static RequestPage of(RowPosition lastBeforeMore, Rows rows, Release release) {
        return new RequestPage() {
            @Override
            public RowPosition lastBeforeMore() {
                return lastBeforeMore;
            }

            @Override
            public void forEach(Consumer<StoredRequest> sink) throws SQLException {
                rows.forEach(sink);
            }

            @Override
            public void close() throws SQLException {
                release.close();
            }
        };
    }
}
