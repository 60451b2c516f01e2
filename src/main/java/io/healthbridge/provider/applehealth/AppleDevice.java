package io.healthbridge.provider.applehealth;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.healthbridge.event.Device;

/**
 * The {@code device} attribute of an export: a stringified {@code HKDevice},
 * {@code <<HKDevice: 0x3034fc320>, name:iPhone, manufacturer:Apple Inc., model:iPhone, hardware:iPhone16,1, …>}. The
 * pointer address changes from export to export, so only the {@code key:value} pairs after it are read (a hardware
 * name holds a comma of its own: {@code iPhone16,1}).
 */
final class AppleDevice {

    /** A field starts after ", " with a name and a colon; the comma in {@code iPhone15,2} has no space after it. */
    private static final Pattern FIELD = Pattern.compile(", (?=[A-Za-z][A-Za-z ]{0,30}:)");

    private AppleDevice() {
    }

    /** The device's fields by name ({@code name}, {@code model}, {@code hardware}, …); empty when there is none. */
    static Map<String, String> fields(String device) {
        Map<String, String> out = new HashMap<>();
        if (device == null || device.isBlank()) {
            return out;
        }
        String s = device.trim();
        int start = s.indexOf(">,");
        s = start >= 0 ? s.substring(start + 2) : s;
        if (s.endsWith(">")) {
            s = s.substring(0, s.length() - 1);
        }
        for (String part : FIELD.split(", " + s.trim())) {
            int colon = part.indexOf(':');
            if (colon > 0) {
                out.put(part.substring(0, colon).trim(), part.substring(colon + 1).trim());
            }
        }
        return out;
    }

    /** The canonical device of an export's device string, or null. */
    static Device of(String device) {
        Map<String, String> f = fields(device);
        if (f.isEmpty()) {
            return null;
        }
        String model = f.getOrDefault("hardware", f.get("model"));
        return new Device(f.get("name"), model, type(f.get("model")), f.get("manufacturer"));
    }

    /** What the device is, from HealthKit's model name: {@code watch}, {@code phone}, or null when not Apple's. */
    static String type(String model) {
        if (model == null) {
            return null;
        }
        String m = model.toLowerCase(Locale.ROOT);
        if (m.contains("watch")) {
            return "watch";
        }
        return m.contains("iphone") || m.contains("ipod") ? "phone" : null;
    }

    /**
     * What tells one source from another across exports: the app's name and the device's hardware model (a device's
     * address is not stable; a renamed device is a new source, as Health itself shows it).
     */
    static String sourceKey(String sourceName, String device) {
        Map<String, String> f = fields(device);
        return (sourceName == null ? "" : sourceName) + "|" + f.getOrDefault("hardware", f.getOrDefault("model", ""));
    }
}
