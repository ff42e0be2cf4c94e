-- The survey tables outlive any one load: the app writes waves and submissions into them too
-- (source = 'app'), so they are created once with their keys and a reload only replaces the
-- rows that came from files. A submission is stored so that the database file alone names
-- nobody: respondent_key is a per-wave pseudonym, HMAC-SHA256 under a secret kept outside the
-- database (etl.pseudonym), so waves cannot be linked without it; org, team, level and
-- tenure_band are the placement of the day generalised until at least the minimum group of
-- people employed that day share it, NULL meaning withheld (etl.placement); submitted_at is the
-- day (midnight), never the time.
CREATE TABLE IF NOT EXISTS stg_survey_waves (
    wave_id VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    opens_on DATE NOT NULL,
    closes_on DATE NOT NULL,
    audience_orgs VARCHAR[],  -- NULL: the whole company
    source VARCHAR NOT NULL DEFAULT 'app',
    created_by VARCHAR,
    created_at TIMESTAMP
);

CREATE TABLE IF NOT EXISTS stg_survey_questions (
    wave_id VARCHAR NOT NULL,
    question_id VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    kind ENUM('likert5', 'enps', 'text') NOT NULL,
    theme ENUM('morale', 'manager', 'ai_tools', 'workload', 'career', 'intent_to_stay') NOT NULL,
    position INTEGER,
    PRIMARY KEY (wave_id, question_id)
);

CREATE TABLE IF NOT EXISTS stg_survey_submissions (
    response_id VARCHAR PRIMARY KEY,
    wave_id VARCHAR NOT NULL,
    respondent_key VARCHAR NOT NULL,
    submitted_at TIMESTAMP NOT NULL CHECK (submitted_at = date_trunc('day', submitted_at)),
    org VARCHAR,
    team VARCHAR,
    level VARCHAR,
    tenure_band ENUM('<1y', '1-2y', '2-5y', '5y+'),
    source VARCHAR NOT NULL DEFAULT 'app',
    UNIQUE (wave_id, respondent_key)
);

CREATE TABLE IF NOT EXISTS stg_survey_answers (
    response_id VARCHAR NOT NULL,
    question_id VARCHAR NOT NULL,
    value DOUBLE,
    comment VARCHAR,
    PRIMARY KEY (response_id, question_id)
);
