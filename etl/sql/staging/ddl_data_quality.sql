-- Warnings of the last load that passed: what loaded but deserves a look.
CREATE OR REPLACE TABLE stg_data_quality (
    check_name VARCHAR NOT NULL,
    table_name VARCHAR,
    detail VARCHAR NOT NULL,
    n_rows BIGINT NOT NULL
);
