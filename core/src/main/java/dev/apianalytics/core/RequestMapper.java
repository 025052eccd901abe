package dev.apianalytics.core;

/**
 * Derives one recorded value from a request; the seed's {@code get_path}, {@code get_ip_address},
 * {@code get_hostname}, {@code get_user_agent} and {@code get_user_id} are all mappers.
 *
 * <p>A mapper runs on the request thread: keep it cheap. One that throws leaves its field
 * empty and is reported in a rate-limited warning; the response is never affected.
 */
@FunctionalInterface
public interface RequestMapper {

    /** The value for this request, or {@code null} for none. */
    String map(RequestView request);

    /** The first value of a request header, for example an API-key or user header. */
    static RequestMapper header(String name) {
        return new HeaderMapper(java.util.Objects.requireNonNull(name, "name must not be null"));
    }

    /**
     * The client address as a proxy reports it: the first entry of {@code X-Forwarded-For},
     * falling back to the peer address when the header is absent. Use it only behind a proxy
     * you trust, since clients can set the header themselves.
     */
    static RequestMapper forwardedFor() {
        return ForwardedFor.INSTANCE;
    }
}
