package io.healthbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

import javax.sql.DataSource;

/** One parameterised statement on a pooled connection; a failure becomes a {@link StoreException} naming the work. */
public final class Sql {

    private Sql() {
    }

    /** One statement and its arguments, for {@link #inTransaction}. */
    public record Statement(String sql, Object... args) {
    }

    /** Work on one connection inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Runs the work in one transaction on a pooled connection: committed when it returns, rolled back when it throws. */
    public static <T> T transaction(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    /**
     * Runs one statement for every row of arguments as a JDBC batch in one transaction and returns the rows each
     * touched. A failure rolls all of them back and throws the {@link SQLException} (a caller may retry row by row).
     */
    public static int[] batch(DataSource dataSource, String sql, List<Object[]> rows) throws SQLException {
        return transaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        ps.setObject(i + 1, row[i]);
                    }
                    ps.addBatch();
                }
                return ps.executeBatch();
            }
        });
    }

    /** Runs the statements in one transaction: all of them or none. */
    public static void inTransaction(DataSource dataSource, String what, Statement... statements) {
        try {
            transaction(dataSource, c -> {
                for (Statement st : statements) {
                    try (PreparedStatement ps = c.prepareStatement(st.sql())) {
                        for (int i = 0; i < st.args().length; i++) {
                            ps.setObject(i + 1, st.args()[i]);
                        }
                        ps.executeUpdate();
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new StoreException("cannot " + what, e);
        }
    }

    /** Runs an INSERT, UPDATE or DELETE and returns the rows it touched. */
    public static int update(DataSource dataSource, String what, String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot " + what, e);
        }
    }

    /**
     * Runs a statement on the connection's transaction (an {@link java.time.Instant} is bound as a timestamp) and
     * returns the rows it touched; 0 for one that answers rows (a lock taken with {@code SELECT}).
     */
    public static int run(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.execute() ? 0 : ps.getUpdateCount();
        }
    }

    /** Binds the statement's parameters in order (an {@link java.time.Instant} as a timestamp). */
    public static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i] instanceof java.time.Instant t ? java.sql.Timestamp.from(t) : args[i]);
        }
    }
}
