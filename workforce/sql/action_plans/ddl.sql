-- Action plans written after a survey wave: owned by the application, never touched by a load.
-- A plan names a group (org NULL: the whole company; team NULL: the whole org), a focus item of
-- the wave, what will be done and by which role (a role, never a person or a score). Every
-- change is also written to app_audit_log (workforce/action_plans.py).
CREATE TABLE IF NOT EXISTS app_action_plans (
    plan_id VARCHAR PRIMARY KEY,
    wave_id VARCHAR NOT NULL,
    org VARCHAR,
    team VARCHAR,
    focus VARCHAR NOT NULL,        -- 'question:<question_id>' or 'topic:<topic key>'
    focus_label VARCHAR NOT NULL,  -- the question's text or the topic's label when written
    heard VARCHAR NOT NULL,        -- "You said …": what the group told us, in the writer's words
    action VARCHAR NOT NULL,       -- "… we are doing": what will be done
    owner_role VARCHAR NOT NULL,
    due_on DATE NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('planned', 'in_progress', 'done')),
    revision INTEGER NOT NULL DEFAULT 1,
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_by VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (team IS NULL OR org IS NOT NULL)
);
