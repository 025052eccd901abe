package dev.apianalytics.server.enrich;

import java.util.Locale;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * Parses {@code User-Agent} headers into a {@link UserAgentInfo}: client family, OS family,
 * device class and a bot flag. Thread-safe; create one and share it.
 *
 * <p>Browsers, devices and crawlers are recognised by yauaa (an optional dependency of core:
 * add {@code nl.basjes.parse.useragent:yauaa} and {@code org.apache.logging.log4j:log4j-api}
 * to use this class). HTTP tools and client libraries (curl, Postman, python-requests,
 * okhttp, the JDK's HttpClient, ...) are recognised first by a small rule set of our own,
 * because yauaa reports them as robots. Results are kept in a bounded cache, since an API
 * sees the same few headers over and over.
 *
 * <p>Building a parser loads yauaa's rules and takes a few seconds: do it once, at start-up.
 */
public final class UserAgentParser {

    /** Entries kept by {@link #create()}. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;

    // longer headers are cut before parsing: nothing useful lives past this, and hostile
    // input must not cost unbounded time or cache memory
    private static final int MAX_LENGTH = 1024;

    private static final String DEVICE_CLASS = UserAgent.DEVICE_CLASS;
    private static final String OS_NAME = UserAgent.OPERATING_SYSTEM_NAME;
    private static final String OS_CLASS = UserAgent.OPERATING_SYSTEM_CLASS;
    private static final String AGENT_NAME = UserAgent.AGENT_NAME;

    private final UserAgentAnalyzer analyzer;
    private final BoundedCache<String, UserAgentInfo> cache;

    private UserAgentParser(int cacheSize) {
        this.analyzer = UserAgentAnalyzer.newBuilder()
                .hideMatcherLoadStats()
                .dropTests()
                .withoutCache()
                .withoutClientHintsCache()
                .withUserAgentMaxLength(MAX_LENGTH)
                .withFields(DEVICE_CLASS, OS_NAME, OS_CLASS, AGENT_NAME)
                .immediateInitialization()
                .build();
        this.cache = new BoundedCache<>(cacheSize);
    }

    /** A parser with a cache of {@value #DEFAULT_CACHE_SIZE} entries. */
    public static UserAgentParser create() {
        return new UserAgentParser(DEFAULT_CACHE_SIZE);
    }

    /**
     * A parser that caches at most {@code cacheSize} results.
     *
     * @throws IllegalArgumentException when {@code cacheSize} is below 1
     */
    public static UserAgentParser create(int cacheSize) {
        if (cacheSize < 1) {
            throw new IllegalArgumentException("cacheSize must be at least 1, but was " + cacheSize);
        }
        return new UserAgentParser(cacheSize);
    }

    /** What the header says; {@link UserAgentInfo#EMPTY} for {@code null} or blank. Never throws. */
    public UserAgentInfo parse(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return UserAgentInfo.EMPTY;
        }
        String key = userAgent.length() > MAX_LENGTH ? userAgent.substring(0, MAX_LENGTH) : userAgent;
        return cache.get(key, this::parseUncached);
    }

    private UserAgentInfo parseUncached(String userAgent) {
        String tool = KnownTools.name(userAgent.strip());
        if (tool != null) {
            return new UserAgentInfo(tool, UserAgentInfo.UNKNOWN, UserAgentInfo.OTHER, false);
        }
        UserAgent parsed;
        try {
            parsed = analyzer.parse(userAgent);
        } catch (RuntimeException e) {
            return UserAgentInfo.EMPTY;
        }
        String device = device(parsed.getValue(DEVICE_CLASS));
        boolean bot = UserAgentInfo.BOT.equals(device);
        String os = bot && "Cloud".equals(parsed.getValue(OS_CLASS)) ? UserAgentInfo.UNKNOWN : os(parsed.getValue(OS_NAME));
        return new UserAgentInfo(client(parsed.getValue(AGENT_NAME)), os, device, bot);
    }

    private static String device(String deviceClass) {
        if (deviceClass == null) {
            return UserAgentInfo.OTHER;
        }
        switch (deviceClass) {
            case "Desktop":
                return UserAgentInfo.DESKTOP;
            case "Phone":
            case "Mobile":
                return UserAgentInfo.MOBILE;
            case "Tablet":
                return UserAgentInfo.TABLET;
            case "Robot":
            case "Robot Mobile":
            case "Robot Imitator":
            case "Spy":
            case "Hacker":
                return UserAgentInfo.BOT;
            default:
                return UserAgentInfo.OTHER;
        }
    }

    private static String os(String name) {
        if (isUnknown(name)) {
            return UserAgentInfo.UNKNOWN;
        }
        switch (name) {
            case "Windows NT":
                return "Windows";
            case "Mac OS":
            case "Mac OS X":
                return "macOS";
            default:
                return name;
        }
    }

    private static String client(String name) {
        if (isUnknown(name)) {
            return UserAgentInfo.UNKNOWN;
        }
        return "SamsungBrowser".equals(name) ? "Samsung Internet" : name;
    }

    private static boolean isUnknown(String value) {
        return value == null || value.isEmpty() || "Unknown".equals(value) || "??".equals(value)
                || value.toLowerCase(Locale.ROOT).startsWith("unknown");
    }
}
