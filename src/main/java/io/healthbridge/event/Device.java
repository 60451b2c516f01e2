package io.healthbridge.event;

/** The device a measurement came from, as far as the provider says; any part may be null. */
public record Device(String name, String model, String type, String manufacturer) {

    public static Device named(String name) {
        return new Device(name, null, null, null);
    }
}
