package dev.apianalytics.server.keys;

import java.util.Locale;

/** Who may mint keys ({@code --key-generation}). */
public enum KeyGeneration {
    /** Anyone, as upstream; limited per client address. */
    OPEN,
    /** Only who presents the admin token. */
    TOKEN,
    /** Nobody: keys are made some other way (or were made before). */
    OFF;

    /** {@code open}, {@code token} or {@code off}, in any case. */
    public static KeyGeneration parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key generation must be open, token or off, was '" + text + "'");
        }
    }

    /** How the flag and the page spell it. */
    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }
}
