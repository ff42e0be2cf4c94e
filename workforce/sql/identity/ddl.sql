CREATE TABLE IF NOT EXISTS app_identity_map (
    identity_kind VARCHAR NOT NULL,   -- email, openai:user_id, anthropic:api_key_id, github:user_login, ...
    identity VARCHAR NOT NULL,
    employee_id VARCHAR NOT NULL,
    updated_by VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (identity_kind, identity)
)
