package dev.apianalytics.core;

/** How much of the client's address leaves the process and is kept by the collector. */
public enum PrivacyLevel {
    /** The IP is sent, used to infer a country, and stored (the default). */
    STORE_IP(0),
    /** The IP is sent and used to infer a country, then discarded by the collector. */
    COUNTRY_ONLY(1),
    /** The IP is never read: no address leaves the process and no country is inferred. */
    NO_IP(2);

    private final int level;

    PrivacyLevel(int level) {
        this.level = level;
    }

    /** The level's number on the wire: 0, 1 or 2. */
    public int level() {
        return level;
    }

    /** Whether the client IP is read and sent at this level. */
    public boolean sendsIp() {
        return this != NO_IP;
    }

    /**
     * The level with this number.
     *
     * @throws IllegalArgumentException unless {@code level} is 0, 1 or 2
     */
    public static PrivacyLevel of(int level) {
        for (PrivacyLevel candidate : values()) {
            if (candidate.level == level) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("privacyLevel must be 0, 1 or 2, but was " + level);
    }
}
