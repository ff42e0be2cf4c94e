CREATE TABLE IF NOT EXISTS app_identity_map (
    identity_kind VARCHAR NOT NULL,   -- email, openai:user_id, anthropic:api_key_id, github:user_login, ...
    identity VARCHAR NOT NULL,
    employee_id VARCHAR NOT NULL,
    updated_by VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (identity_kind, identity)
)
;
-- Who each vendor id is, from the vendors' member lists (etl/adapters/members.py): its email,
-- or the owner whose email it has (an API key → the user who created it). Mapping by email
-- then attributes the id without an admin doing it by hand.
CREATE TABLE IF NOT EXISTS app_identity_directory (
    identity_kind VARCHAR NOT NULL,
    identity VARCHAR NOT NULL,
    email VARCHAR,
    name VARCHAR,
    owner_kind VARCHAR,
    owner_identity VARCHAR,
    source VARCHAR NOT NULL,          -- anthropic_users, openai_api_keys, github_members, ...
    imported_by VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    PRIMARY KEY (identity_kind, identity)
)
