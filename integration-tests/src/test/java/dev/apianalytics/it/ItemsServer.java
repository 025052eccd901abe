package dev.apianalytics.it;

import java.util.Set;

/**
 * The test API on some framework: {@code GET /items/<id>} answers {@code item <id>},
 * {@code GET /stream/<id>} streams {@link ItemsApp#STREAM_BYTES} bytes of
 * {@link ItemsApp#streamByte} ; the app itself remembers the {@code X-Request-Id} of every
 * request that reached it.
 */
interface ItemsServer extends AutoCloseable {

    int port();

    /** The {@code X-Request-Id}s of the requests that reached the application. */
    Set<String> seenRequestIds();

    void stop();

    @Override
    default void close() {
        stop();
    }
}
