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
    RequestPage EMPTY = new RequestPage() {
        @Override
        public RowPosition lastBeforeMore() {
            return null;
        }

        @Override
        public void forEach(Consumer<StoredRequest> sink) {}

        @Override
        public void close() {}
    };

    /** The position of the page's last row when more rows follow it, null when this is the last page. */
    RowPosition lastBeforeMore();

    /** Hands the page's rows to {@code sink}, oldest first; once. */
    void forEach(Consumer<StoredRequest> sink) throws SQLException;

    @Override
    void close() throws SQLException;
}
