package io.healthbridge.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * Provider polls are Quartz jobs ({@code quartz:} in the provider-poll template). On the embedded store Quartz keeps
 * them in memory; on a PostgreSQL store shared by N instances they live in Quartz's clustered JDBC job store (the
 * {@code QRTZ_} tables), so each firing runs on exactly one instance, a poll never overlaps itself across the cluster
 * (stateful jobs), and an instance that stops checking in has its jobs recovered by another within
 * {@code healthbridge.cluster.checkin-interval-ms} and a little more.
 */
public final class ClusteredQuartz {

    /** The name Quartz's data source is registered under (in Quartz's own connection manager). */
    static final String DATA_SOURCE = "healthbridge-store";

    private ClusteredQuartz() {
    }

    /** Binds the {@code quartz} component of the context to the clustered job store on {@code dataSource}. */
    public static void configure(CamelContext context, DataSource dataSource, String instanceId, long checkinMillis) {
        DBConnectionManager.getInstance().addConnectionProvider(DATA_SOURCE, new ConnectionProvider() {
            @Override
            public Connection getConnection() throws SQLException {
                return dataSource.getConnection();
            }

            @Override
            public void shutdown() {
                // the store's pool belongs to the runtime, which closes it
            }

            @Override
            public void initialize() {
                // nothing to open: the pool exists
            }
        });
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "healthbridge");
        p.setProperty("org.quartz.scheduler.instanceId", instanceId);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", "4");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", DATA_SOURCE);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(checkinMillis));
        p.setProperty("org.quartz.jobStore.misfireThreshold", "10000");
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        QuartzComponent quartz = new QuartzComponent(context);
        quartz.setProperties(p);
        quartz.setPrefixInstanceName(false);
        context.addComponent("quartz", quartz);
    }
}
