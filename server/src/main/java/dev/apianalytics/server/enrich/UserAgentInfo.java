package dev.apianalytics.server.enrich;

import java.util.Objects;

/**
 * What a {@code User-Agent} header says about the client, in the few columns a dashboard
 * aggregates by.
 *
 * @param client the browser or tool family, such as {@code Chrome}, {@code curl} or {@code Googlebot};
 *     {@code Unknown} when nothing is recognised
 * @param os the operating system family, such as {@code Windows}, {@code macOS}, {@code Android},
 *     {@code iOS}; {@code Unknown} when the header does not say (tools and bots usually do not)
 * @param device one of {@value #DESKTOP}, {@value #MOBILE}, {@value #TABLET}, {@value #BOT}, {@value #OTHER}
 * @param bot whether the client is a crawler or other automated visitor; HTTP tools that a
 *     person drives (curl, Postman, python-requests, ...) are not bots
 */
public record UserAgentInfo(String client, String os, String device, boolean bot) {

    public static final String DESKTOP = "desktop";
    public static final String MOBILE = "mobile";
    public static final String TABLET = "tablet";
    public static final String BOT = "bot";
    public static final String OTHER = "other";

    /** The value used for a client or OS that is not recognised. */
    public static final String UNKNOWN = "Unknown";

    /** The answer for an empty or missing header. */
    public static final UserAgentInfo EMPTY = new UserAgentInfo(UNKNOWN, UNKNOWN, OTHER, false);

    public UserAgentInfo {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(device, "device");
    }
}
