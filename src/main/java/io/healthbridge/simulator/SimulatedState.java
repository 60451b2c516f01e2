package io.healthbridge.simulator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Per-provider state: tokens, limits, faults, counters. */
final class SimulatedState {
    final String provider;
    final Map<String, String> codes = new ConcurrentHashMap<>();
    final Map<String, String> challenges = new ConcurrentHashMap<>();
    final Map<String, String[]> accessTokens = new ConcurrentHashMap<>(); // token -> {user, expiresEpochSecond}
    final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
    final boolean rotatesRefreshTokens;
    volatile long accessTokenLifetime = 3600;
    volatile long rateLimit;
    volatile Duration rateWindow = Duration.ofMinutes(1);
    final Map<Long, AtomicLong> windowCounts = new ConcurrentHashMap<>();
    final AtomicLong maxInWindow = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong rejected429 = new AtomicLong();
    final AtomicInteger refreshes = new AtomicInteger();
    final AtomicInteger failNext = new AtomicInteger();
    volatile int failStatus = 503;
    volatile boolean outage;
    volatile double random429;
    volatile long latencyMillis;
    volatile boolean sendRateHeaders = true;

    SimulatedState(String provider, boolean rotates) {
        this.provider = provider;
        this.rotatesRefreshTokens = rotates;
    }
}
