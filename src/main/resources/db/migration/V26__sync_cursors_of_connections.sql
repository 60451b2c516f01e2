-- A sync cursor belongs to its connection. A poll under way when its person was erased saved its cursor after the
-- erasure had deleted the connection: a row naming a connection that no longer exists. With the key the store refuses
-- such a row (the poller drops the save), and the deletion of a connection takes its cursors with it.
DELETE FROM sync_cursors WHERE connection_id NOT IN (SELECT id FROM connections);
ALTER TABLE sync_cursors ADD CONSTRAINT sync_cursors_connection FOREIGN KEY (connection_id)
    REFERENCES connections (id) ON DELETE CASCADE;
