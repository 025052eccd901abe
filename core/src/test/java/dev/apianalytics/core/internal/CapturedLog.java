package dev.apianalytics.core.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what core logs (through System.Logger, backed by java.util.logging in tests). */
public final class CapturedLog extends Handler implements AutoCloseable {

    private static final Logger LOGGER = Logger.getLogger("dev.apianalytics");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private CapturedLog() {}

    public static CapturedLog capture() {
        CapturedLog log = new CapturedLog();
        LOGGER.addHandler(log);
        return log;
    }

    public List<String> warnings() {
        return warningRecords().stream().map(LogRecord::getMessage).toList();
    }

    /** Every line at every level, as {@code LEVEL message} ({@code SEVERE} is System.Logger's ERROR). */
    public List<String> lines() {
        return records.stream().map(r -> r.getLevel().getName() + " " + r.getMessage()).toList();
    }

    /** What each warning was logged with, {@code null} for those without a throwable. */
    public List<Throwable> warningCauses() {
        return warningRecords().stream().map(LogRecord::getThrown).toList();
    }

    private List<LogRecord> warningRecords() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue()).toList();
    }

    @Override
    public void publish(LogRecord record) {
        records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        LOGGER.removeHandler(this);
    }
}
