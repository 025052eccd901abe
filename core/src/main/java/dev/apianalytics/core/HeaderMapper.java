package dev.apianalytics.core;

/** The first value of one request header; equal by name, so that equal settings build equal configurations. */
record HeaderMapper(String name) implements RequestMapper {

    @Override
    public String map(RequestView request) {
        return request.header(name);
    }
}
