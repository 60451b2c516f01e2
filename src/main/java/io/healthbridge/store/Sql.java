package io.healthbridge.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

/** One parameterised statement on a pooled connection; a failure becomes a {@link StoreException} naming the work. */
public final class Sql {

    private Sql() {
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
}
