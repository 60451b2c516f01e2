-- Routes an operator stopped or suspended (POST /api/v1/routes/{id}/stop|suspend): they stay down across a reload of
-- their file, a restart and on every instance sharing the store, until started or resumed.
CREATE TABLE route_holds (
    route_id   VARCHAR(255) NOT NULL PRIMARY KEY,
    state      VARCHAR(16)  NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
