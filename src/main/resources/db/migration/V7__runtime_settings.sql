-- Settings operators change at runtime that must survive a restart (maintenance mode).
CREATE TABLE runtime_settings (
    name       VARCHAR(64)  PRIMARY KEY,
    setting_value TEXT      NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
