-- Apple Health exports being imported: one row per file (uploaded or dropped into the imports folder), with its
-- progress and where to resume after a restart (the first element not yet published, and the last published).
CREATE TABLE imports (
    id             VARCHAR(36)   PRIMARY KEY,
    user_id        VARCHAR(128)  NOT NULL,
    origin         VARCHAR(16)   NOT NULL,
    file_name      VARCHAR(255),
    file_path      VARCHAR(1024) NOT NULL,
    size_bytes     BIGINT        NOT NULL,
    status         VARCHAR(16)   NOT NULL,
    bytes_read     BIGINT        NOT NULL DEFAULT 0,
    elements_read  BIGINT        NOT NULL DEFAULT 0,
    resume_from    BIGINT        NOT NULL DEFAULT 0,
    committed      BIGINT        NOT NULL DEFAULT 0,
    records        BIGINT        NOT NULL DEFAULT 0,
    events         BIGINT        NOT NULL DEFAULT 0,
    duplicates     BIGINT        NOT NULL DEFAULT 0,
    dead_letters   BIGINT        NOT NULL DEFAULT 0,
    skipped        VARCHAR(4000),
    error          VARCHAR(2000),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at     TIMESTAMP WITH TIME ZONE,
    updated_at     TIMESTAMP WITH TIME ZONE,
    finished_at    TIMESTAMP WITH TIME ZONE
);
CREATE INDEX imports_user ON imports (user_id);
CREATE INDEX imports_status ON imports (status);
