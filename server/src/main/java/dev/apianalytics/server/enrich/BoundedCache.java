package dev.apianalytics.server.enrich;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A lock-free cache of at most {@code capacity} entries with two generations: when the young
 * one fills it becomes the old one and the previous old one is dropped, so entries used in
 * the last generation survive (roughly least-recently-used, without a global lock).
 */
final class BoundedCache<K, V> {

    private final int generationSize;
    private volatile Map<K, V> young = new ConcurrentHashMap<>();
    private volatile Map<K, V> old = Map.of();

    BoundedCache(int capacity) {
        this.generationSize = Math.max(1, capacity / 2);
    }

    V get(K key, Function<K, V> compute) {
        V value = young.get(key);
        if (value != null) {
            return value;
        }
        value = old.get(key);
        if (value == null) {
            value = compute.apply(key);
        }
        put(key, value);
        return value;
    }

    private void put(K key, V value) {
        Map<K, V> current = young;
        if (current.size() >= generationSize) {
            synchronized (this) {
                if (young == current) {
                    old = current;
                    young = new ConcurrentHashMap<>();
                }
            }
        }
        young.put(key, value);
    }
}
