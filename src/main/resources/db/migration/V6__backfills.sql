-- Backfill jobs: history imported in provider-sized chunks; the position is stored after every chunk so
-- a restart resumes where it stopped.
CREATE TABLE backfills (
    id                 VARCHAR(36)  PRIMARY KEY,
    connection_id      VARCHAR(36)  NOT NULL,
    provider           VARCHAR(64)  NOT NULL,
    datasets           VARCHAR(1024) NOT NULL,
    range_from         TIMESTAMP WITH TIME ZONE NOT NULL,
    range_to           TIMESTAMP WITH TIME ZONE NOT NULL,
    status             VARCHAR(16)  NOT NULL,
    chunks_total       INT          NOT NULL,
    chunks_done        INT          NOT NULL,
    dataset_index      INT          NOT NULL,
    window_start       TIMESTAMP WITH TIME ZONE NOT NULL,
    chunk_attempts     INT          NOT NULL,
    events_published   BIGINT       NOT NULL,
    duplicates         BIGINT       NOT NULL,
    dead_lettered      BIGINT       NOT NULL,
    errors             INT          NOT NULL,
    last_error         TEXT,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at        TIMESTAMP WITH TIME ZONE
);
CREATE INDEX backfills_status ON backfills (status);
