package dev.apianalytics.server.ingest;

/** A row that cannot be stored, and why; the rest of its batch goes on. */
final class RejectedRow extends Exception {

    RejectedRow(String reason) {
        super(reason, null, false, false);
    }
}
