package dev.apianalytics.core;

/**
 * The uploader's figures over JMX, registered for each running {@link ApiAnalytics} under
 * {@code dev.apianalytics:type=ApiAnalytics,name=<framework>} (with {@code ,id=<n>} added when
 * one application runs several). The same figures as the Micrometer meters, for applications
 * without Micrometer; read at the moment they are asked for, never on the request path.
 */
public interface ApiAnalyticsMXBean {

    /** Records waiting in the queue now. */
    int getQueueSize();

    /** Records the queue holds at most; beyond it new records are dropped. */
    int getQueueCapacity();

    /** Records accepted into the queue since start. */
    long getRecordsEnqueued();

    /** Records the collector acknowledged. */
    long getRecordsSent();

    /** Records never sent: the queue was full, or analytics had closed. */
    long getRecordsDropped();

    /** Those of the dropped records refused because the queue was full. */
    long getRecordsDroppedQueueFull();

    /** Records given up: refused by the collector, or retried for too long. */
    long getRecordsFailed();

    /** Upload attempts repeated after a 429, a 5xx or an I/O error. */
    long getUploadsRetried();

    /** Posts of a batch to the collector so far, each attempt counted, whatever its outcome. */
    long getPosts();

    /** How long the latest post took, in milliseconds; 0 before the first. */
    double getLastPostMillis();

    /** How long a post took on average, in milliseconds; 0 before the first. */
    double getMeanPostMillis();
}
