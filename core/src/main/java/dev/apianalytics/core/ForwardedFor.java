package dev.apianalytics.core;

/** The client address from {@code X-Forwarded-For}, else the peer address. */
enum ForwardedFor implements RequestMapper {
    INSTANCE;

    @Override
    public String map(RequestView request) {
        String forwarded = request.header("X-Forwarded-For");
        if (forwarded == null || forwarded.isBlank()) {
            return request.remoteAddress();
        }
        int comma = forwarded.indexOf(',');
        String first = (comma < 0 ? forwarded : forwarded.substring(0, comma)).trim();
        return first.isEmpty() ? request.remoteAddress() : first;
    }
}
