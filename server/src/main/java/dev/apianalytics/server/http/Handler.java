package dev.apianalytics.server.http;

/** Answers one HTTP request. Throw {@link ApiException} for an error answer; anything else is a 500. */
@FunctionalInterface
public interface Handler {
    void handle(Exchange exchange) throws Exception;
}
