-- Tables of incremental ingestion (etl/ingest.py). Vendor usage lives beside stg_token_usage,
-- never in it: the loader replaces stg_token_usage whole on a snapshot load, and these rows
-- must survive that and be removable load by load (load_id).
CREATE TABLE IF NOT EXISTS stg_vendor_usage (
    load_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,            -- adapter name, or 'contract:token_usage'
    file_name VARCHAR NOT NULL,
    usage_date DATE NOT NULL,
    employee_id VARCHAR,                -- NULL: maps to nobody (kept and reported, never dropped)
    identity_kind VARCHAR NOT NULL,     -- email, employee_id, openai:user_id, anthropic:api_key_id, ...
    identity VARCHAR NOT NULL,
    tool VARCHAR NOT NULL,
    vendor VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    input_tokens BIGINT NOT NULL,
    output_tokens BIGINT NOT NULL,
    cache_read_tokens BIGINT NOT NULL DEFAULT 0,
    cache_write_tokens BIGINT NOT NULL DEFAULT 0,
    requests BIGINT,                    -- NULL when the source does not report requests
    agent_seconds BIGINT,
    cost_usd DOUBLE,                    -- NULL: priced from the price book (etl/pricing.py)
    service_tier VARCHAR DEFAULT 'standard',  -- billing tier: batch and flex are billed at a multiple
    cache_write_1h_tokens BIGINT DEFAULT 0,   -- the share of cache writes at the one-hour rate
    cost_basis VARCHAR                  -- what a given cost is: reported | estimated | NULL
);
CREATE TABLE IF NOT EXISTS stg_vendor_outcomes (
    load_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    week_start DATE NOT NULL,
    employee_id VARCHAR,
    identity_kind VARCHAR NOT NULL,
    identity VARCHAR NOT NULL,
    changes_landed BIGINT,              -- NULL on Copilot's rows: suggestions, never a zero that would count
    agent_assisted_changes BIGINT,
    reviews_done BIGINT,
    commits BIGINT,
    lines_added BIGINT,
    lines_removed BIGINT,
    tool_actions_accepted BIGINT,       -- Claude Code's edit and write actions accepted / rejected
    tool_actions_rejected BIGINT,
    suggestions_accepted BIGINT,        -- Copilot's code suggestions accepted, and their lines
    lines_accepted BIGINT
);
CREATE TABLE IF NOT EXISTS stg_vendor_cost (
    load_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    cost_date DATE NOT NULL,
    vendor VARCHAR NOT NULL,
    workspace_id VARCHAR,
    model VARCHAR,
    cost_type VARCHAR,
    token_type VARCHAR,
    description VARCHAR,
    amount_usd DOUBLE NOT NULL,
    service_tier VARCHAR
);
CREATE TABLE IF NOT EXISTS app_load_history (
    load_id VARCHAR PRIMARY KEY,
    loaded_by VARCHAR NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    files VARCHAR NOT NULL,             -- JSON list of {name, sha256, kind, source, rows_added}
    rows_added BIGINT NOT NULL,
    status VARCHAR NOT NULL,            -- loaded | snapshot | rolled_back
    rolled_back_by VARCHAR,
    rolled_back_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS app_load_files (
    load_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,              -- vendor | contract
    source VARCHAR NOT NULL,
    rows_added BIGINT NOT NULL
);
