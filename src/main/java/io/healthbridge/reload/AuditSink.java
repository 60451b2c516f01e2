package io.healthbridge.reload;

/** Where route file outcomes are recorded (the audit log). */
public interface AuditSink {
    void record(String actor, String action, String target, String outcome, String detail);
}
