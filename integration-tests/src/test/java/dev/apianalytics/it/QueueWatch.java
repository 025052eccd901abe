package dev.apianalytics.it;

import dev.apianalytics.core.ApiAnalytics;
import java.util.concurrent.atomic.AtomicInteger;

/** Samples the uploader's queue length every few milliseconds and keeps the largest seen. */
final class QueueWatch implements AutoCloseable {

    private final AtomicInteger maxQueued = new AtomicInteger();
    private final Thread sampler;
    private volatile boolean running = true;

    private QueueWatch(ApiAnalytics analytics) {
        sampler = new Thread(() -> {
            while (running) {
                maxQueued.accumulateAndGet(analytics.stats().queued(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "queue-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    static QueueWatch start(ApiAnalytics analytics) {
        return new QueueWatch(analytics);
    }

    int maxQueued() {
        return maxQueued.get();
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
