"""The question bank pulse waves are built from, and the limits of an answer.

Ids are stable: results of different waves that asked the same bank question can be compared.
"""

from __future__ import annotations

from etl.contract import SurveyQuestion as Question

COMMENT_MAX = 2000


# Two questions per theme, the eNPS question and an optional comment. Ids are stable: results
# of different waves that asked the same bank question can be compared.
QUESTION_BANK: tuple[Question, ...] = (
    Question("qb_morale_1", "Overall, I feel good about working here right now.", "likert5", "morale"),
    Question("qb_morale_2", "My energy at work has been good over the last few weeks.", "likert5", "morale"),
    Question("qb_manager_1", "My manager has enough time to support me.", "likert5", "manager"),
    Question("qb_manager_2", "My manager gives me useful, regular feedback.", "likert5", "manager"),
    Question("qb_ai_tools_1", "The AI tools I am asked to use help me do better work.", "likert5", "ai_tools"),
    Question(
        "qb_ai_tools_2", "I understand how my AI usage is, and is not, used to judge my work.", "likert5", "ai_tools"
    ),
    Question("qb_workload_1", "My workload is sustainable.", "likert5", "workload"),
    Question("qb_workload_2", "I can do my job without regularly working extra hours.", "likert5", "workload"),
    Question("qb_career_1", "I see a path to grow my career here.", "likert5", "career"),
    Question("qb_career_2", "I trust that decisions about roles and reorganisations are fair.", "likert5", "career"),
    Question("qb_intent_1", "I expect to still be working here in a year.", "likert5", "intent_to_stay"),
    Question(
        "qb_enps", "How likely are you to recommend this company as a place to work? (0–10)", "enps", "intent_to_stay"
    ),
    Question("qb_comment", "Anything else you want to tell us? (optional)", "text", "morale"),
)
BANK_BY_ID = {q.question_id: q for q in QUESTION_BANK}
LIKERT_LABELS = {1: "1 · Strongly disagree", 2: "2 · Disagree", 3: "3 · Neutral", 4: "4 · Agree", 5: "5 · Strongly agree"}
