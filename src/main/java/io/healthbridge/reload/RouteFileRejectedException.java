package io.healthbridge.reload;

/** A route file that cannot be applied; carries the line when the parser or compiler names one. */
public class RouteFileRejectedException extends Exception {

    private final Integer line;

    public RouteFileRejectedException(String reason, Integer line, Throwable cause) {
        super(reason, cause);
        this.line = line;
    }

    public Integer getLine() {
        return line;
    }
}
