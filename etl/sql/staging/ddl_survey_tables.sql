-- The survey tables outlive any one load: the app writes waves and submissions into them too
-- (source = 'app'), so they are created once with their keys and a reload only replaces the
-- rows that came from files. No column holds an employee id: respondent_key is
-- HMAC-SHA256(secret, employee_id) and manager_key HMAC-SHA256(secret, 'manager:' || manager_id),
-- with the secret kept outside the database (etl.pseudonym).
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
    submitted_at TIMESTAMP NOT NULL,
    org VARCHAR,
    team VARCHAR,
    manager_key VARCHAR,
    level VARCHAR,
    tenure_band ENUM('<1y', '1-2y', '2-5y', '5y+'),
    manager_span INTEGER,
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
