package io.healthbridge.store;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * The embedded store's durability. H2 keeps no write-ahead log: committed changes reach its file when its background
 * writer stores them, a few hundred milliseconds later, together with its housekeeping (free space reuse,
 * compaction). A connection that wrote is therefore flushed ({@code CHECKPOINT}, which stores every committed change
 * at once) before it is handed back: whoever answers a caller after a write through this data source answers after
 * the write reached the file (the operating system's cache, enough for a process crash). Concurrent flushes coalesce:
 * the first stores everything committed so far, the others find nothing left.
 *
 * <p>A thread that marks itself {@link #relaxThisThread() relaxed} skips the flush: its writes are bookkeeping that is
 * redone after a crash anyway (webhook delivery states: a delivery whose new state was lost is sent again, at least
 * once). They reach the file with the next flush of any other writer, or with the background writer.
 *
 * <p>Why not {@code WRITE_DELAY=0}: it stores on every commit, which made each small commit rewrite every page it
 * touched (the webhook dispatcher's many small commits were most of its CPU), and it switches off the background
 * writer and with it H2's housekeeping, so the file grew by gigabytes under load.
 */
public final class FlushingDataSource implements DataSource {

    private static final ThreadLocal<Boolean> RELAXED = ThreadLocal.withInitial(() -> false);

    private final DataSource delegate;

    public FlushingDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /** This thread's writes are not flushed when its connection is handed back (see the class comment). */
    public static void relaxThisThread() {
        RELAXED.set(true);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(delegate.getConnection(username, password));
    }

    private static Connection wrap(Connection real) {
        return (Connection) Proxy.newProxyInstance(FlushingDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new Handler(real));
    }

    /** Notes whether a connection prepared anything but a query, and flushes it on close if so. */
    private static final class Handler implements InvocationHandler {

        private final Connection real;
        private boolean wrote;
        private boolean closed;

        Handler(Connection real) {
            this.real = real;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "prepareStatement":
                    if (!isQuery((String) args[0])) {
                        wrote = true;
                    }
                    break;
                case "createStatement":
                case "prepareCall":
                    wrote = true; // the statement's text is not known yet
                    break;
                case "close":
                    if (closed) {
                        return null;
                    }
                    closed = true;
                    try {
                        // only with no transaction open: CHECKPOINT must not commit work the caller left undecided
                        if (wrote && !RELAXED.get() && !real.isClosed() && real.getAutoCommit()) {
                            try (Statement s = real.createStatement()) {
                                s.execute("CHECKPOINT");
                            }
                        }
                    } finally {
                        real.close();
                    }
                    return null;
                case "isClosed":
                    return closed || real.isClosed();
                case "unwrap":
                    return ((Class<?>) args[0]).isInstance(proxy) ? proxy : real.unwrap((Class<?>) args[0]);
                case "isWrapperFor":
                    return ((Class<?>) args[0]).isInstance(proxy) || real.isWrapperFor((Class<?>) args[0]);
                default:
                    break;
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }

        private static boolean isQuery(String sql) {
            String s = sql.stripLeading();
            return s.regionMatches(true, 0, "SELECT", 0, 6) || s.regionMatches(true, 0, "VALUES", 0, 6);
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }
}
