package dev.apianalytics.server.http;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** The server's one Gson instance: nulls serialised, no HTML escaping (bodies are JSON, not HTML). */
public final class Json {

    public static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private Json() {}
}
