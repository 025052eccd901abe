package dev.apianalytics.core;

/**
 * A read-only, framework-neutral view of the request being recorded. Adapters implement it
 * over their framework's native request; {@link RequestMapper}s receive it.
 *
 * <p>A view is only valid on the thread that handles the request, while the request is in
 * flight: mappers run there, and records keep plain values, never the view.
 */
public interface RequestView {

    /** The HTTP method in upper case, such as {@code GET}. */
    String method();

    /** The request path without the query string, such as {@code /users/42}. */
    String path();

    /** The host the client asked for (the {@code Host} header), or an empty string. */
    String host();

    /** The first value of the named header (case-insensitive), or {@code null} when absent. */
    String header(String name);

    /** The address of the peer that sent the request (the proxy, when there is one). */
    String remoteAddress();

    /**
     * The framework's own request object, for mappers that need more than this view offers.
     *
     * @throws IllegalArgumentException when the native request is not of that type
     */
    <T> T unwrap(Class<T> type);
}
