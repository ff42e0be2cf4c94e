"""Pulse surveys in the app, by responsibility:

- `bank`: the question bank waves are built from;
- `waves`: create, edit until open, close early, list (admins and HR partners), and the
  version every cached page figure is keyed on (`cache_version`);
- `submission`: the employee's side, storing one submission per person and wave;
- `results`: an open wave's live participation and the company's figures of closed waves.

Group results of closed waves are `workforce.survey_results`; every figure shown from survey data
goes through `workforce.privacy`. The names below are what the pages call (`surveys.X`).
Never imports streamlit.
"""

from workforce.surveys.bank import BANK_BY_ID, COMMENT_MAX, LIKERT_LABELS, QUESTION_BANK, Question
from workforce.surveys.results import company_results, live_rates, response_rates, team_response_rates
from workforce.surveys.submission import (
    CONFIDENTIALITY_NOTE,
    KEY_UNAVAILABLE,
    RESPONDENT_MARTS,
    SubmitResult,
    has_submitted,
    open_waves_for,
    submit_response,
    validate_answers,
)
from workforce.surveys.waves import (
    DEMO_WAVE_DAYS,
    FORM_ERROR,
    MAX_WAVE_DAYS,
    TITLE_MAX,
    Wave,
    WaveForm,
    WaveResult,
    all_waves,
    cache_version,
    can_manage,
    close_wave,
    create_wave,
    ensure_demo_wave,
    ensure_tables,
    get_wave,
    list_waves,
    sees_wave,
    update_wave,
    wave_questions,
)

__all__ = [
    "BANK_BY_ID", "COMMENT_MAX", "CONFIDENTIALITY_NOTE", "DEMO_WAVE_DAYS", "FORM_ERROR", "KEY_UNAVAILABLE",
    "LIKERT_LABELS", "MAX_WAVE_DAYS", "QUESTION_BANK", "RESPONDENT_MARTS", "TITLE_MAX", "Question", "SubmitResult",
    "Wave", "WaveForm", "WaveResult", "all_waves", "cache_version", "can_manage", "close_wave", "company_results",
    "create_wave", "ensure_demo_wave", "ensure_tables", "get_wave", "has_submitted", "list_waves",
    "open_waves_for", "sees_wave", "submit_response", "update_wave", "validate_answers", "response_rates", "live_rates", "team_response_rates",
    "wave_questions",
]
