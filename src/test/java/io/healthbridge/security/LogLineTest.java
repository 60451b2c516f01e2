package io.healthbridge.security;

import java.io.InputStream;
import java.util.Properties;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.DefaultConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.message.ParameterizedMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped log layout writes a CR or LF inside a message escaped: request text cannot forge a log line. */
class LogLineTest {

    @Test
    void aNewLineInLoggedTextCannotStartAForgedLine() throws Exception {
        Properties p = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/log4j2.properties")) {
            p.load(in);
        }
        PatternLayout layout = PatternLayout.newBuilder().withConfiguration(new DefaultConfiguration())
                .withPattern(p.getProperty("appender.console.layout.pattern")).build();
        String line = layout.toSerializable(Log4jLogEvent.newBuilder().setLevel(Level.WARN).setLoggerName("t")
                .setMessage(new ParameterizedMessage("Push notification to {} refused",
                        "x\r\n2026-12-01 00:00:00.000 ERROR [main] Forged - admin password reset"))
                .build());
        assertThat(line.strip()).doesNotContain("\n").doesNotContain("\r").contains("\\r\\n2026-12-01");
    }
}
