package io.healthbridge.imports;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * An export's text as a lenient parser can read it (contract {@code apple-health.md} §1.1): the internal DTD
 * ({@code <!DOCTYPE} up to the first {@code ]>}) is dropped, since iOS 16 wrote one no parser accepts and a user's file
 * is never validated against it; C0 control characters other than tab, line feed and carriage return (a stray
 * vertical tab in iOS 16 exports), which XML 1.0 forbids, are dropped. Reads as a stream; holds nothing but a
 * few characters of look-ahead.
 */
final class CleanXmlReader extends FilterReader {

    private static final char[] DOCTYPE = "<!DOCTYPE".toCharArray();

    /** Characters of a possible {@code <!DOCTYPE} read ahead and not yet given out. */
    private final StringBuilder pending = new StringBuilder();
    private boolean doctypeDone;
    private boolean inDoctype;
    private char previous;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;

    CleanXmlReader(Reader in) {
        super(in);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n && next() >= 0) {
            skipped++;
        }
        return skipped;
    }

    @Override
    public int read() throws IOException {
        char[] one = new char[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0];
    }

    @Override
    public int read(char[] buf, int off, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int c = next();
            if (c < 0) {
                return n == 0 ? -1 : n;
            }
            buf[off + n++] = (char) c;
        }
        return n;
    }

    /** The next character to give out, or -1 at the end. */
    private int next() throws IOException {
        while (true) {
            if (!pending.isEmpty()) {
                char c = pending.charAt(0);
                pending.deleteCharAt(0);
                return c;
            }
            int c = raw();
            if (c < 0) {
                return -1;
            }
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                continue;
            }
            if (inDoctype) {
                boolean end = previous == ']' && c == '>';
                previous = (char) c;
                if (end) {
                    inDoctype = false;
                    doctypeDone = true;
                }
                continue;
            }
            if (c == '<' && !doctypeDone) {
                pending.append('<');
                if (matchesDoctype()) {
                    pending.setLength(0);
                    inDoctype = true;
                    previous = 0;
                    continue;
                }
                continue;
            }
            return c;
        }
    }

    /** The next character of the underlying text, from a buffer of its own (a reader's read() locks per call). */
    private int raw() throws IOException {
        if (position == limit) {
            limit = in.read(buffer, 0, buffer.length);
            position = 0;
            if (limit <= 0) {
                limit = 0;
                return -1;
            }
        }
        return buffer[position++];
    }

    /** Reads ahead after a {@code <}: true when it opens the DOCTYPE (then dropped), else kept to give out. */
    private boolean matchesDoctype() throws IOException {
        for (int i = 1; i < DOCTYPE.length; i++) {
            int c = raw();
            if (c < 0) {
                return false;
            }
            pending.append((char) c);
            if (c != DOCTYPE[i]) {
                // an element before any DOCTYPE: the document has none
                if (pending.charAt(1) != '!') {
                    doctypeDone = true;
                }
                return false;
            }
        }
        return true;
    }
}
