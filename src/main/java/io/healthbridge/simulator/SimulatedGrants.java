package io.healthbridge.simulator;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import io.healthbridge.crypto.OwnerOnlyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The tokens the simulator issued, kept in an owner-only file across restarts. */
final class SimulatedGrants {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedGrants.class);

    private final Map<String, SimulatedState> states;
    private Path grantsFile;

    SimulatedGrants(Map<String, SimulatedState> states) {
        this.states = states;
    }

    /**
     * Keeps the tokens the simulator issued in {@code file} and loads those already there, so a runtime restarted on
     * the same data folder (after a crash, say) finds its connections still authorized, as a real provider would.
     */
    synchronized void persistTo(Path file) throws IOException {
        grantsFile = file;
        if (!Files.isRegularFile(file)) {
            return;
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        }
        for (String key : p.stringPropertyNames()) {
            String[] k = key.split("\\|", 3);
            SimulatedState st = states.get(k[0]);
            if (st == null || k.length < 3) {
                continue;
            }
            String v = p.getProperty(key);
            if (k[1].equals("refresh")) {
                st.refreshTokens.put(k[2], v);
            } else if (k[1].equals("access")) {
                st.accessTokens.put(k[2], v.split("\\|", 2));
            }
        }
    }

    synchronized void save() {
        if (grantsFile == null) {
            return;
        }
        Properties p = new Properties();
        states.forEach((provider, st) -> {
            st.refreshTokens.forEach((token, user) -> p.setProperty(provider + "|refresh|" + token, user));
            st.accessTokens.forEach((token, v) -> p.setProperty(provider + "|access|" + token, v[0] + "|" + v[1]));
        });
        try {
            // tokens, like everything under data/: the owner's alone
            StringWriter text = new StringWriter();
            p.store(text, "tokens issued by the provider simulator");
            OwnerOnlyFiles.write(grantsFile, text.toString());
        } catch (IOException e) {
            LOG.warn("Simulator tokens could not be saved to {}: {}", grantsFile, e.getMessage());
        }
    }
}
