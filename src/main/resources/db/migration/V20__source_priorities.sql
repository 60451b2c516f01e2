-- A person's own order of sources per reconciled data type (the deployment's default is configuration).
CREATE TABLE source_priorities (
    user_id     VARCHAR(128) NOT NULL,
    data_type   VARCHAR(32)  NOT NULL,
    sources     VARCHAR(8000) NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (user_id, data_type)
);
