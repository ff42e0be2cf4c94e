"""Pulse surveys: waves, the question bank, and answers drawn from planted latent morale.

Each wave's snapshot (taken by the simulation on the opening day) says who was employed and what
their latent morale was made of. A random ~70% respond (no non-response bias), on a day inside
the wave while still employed. Morale answers are `clip(round(latent + noise), 1, 5)`; the other
themes load on latent morale plus their own drivers (span for the manager theme, mandates for
ai_tools, quotas and the layoff for workload); eNPS follows latent morale on 0-10; about 30% write
a comment whose tone follows latent morale and whose topics follow their situation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from etl.generator import spec
from etl.generator.workforce import Snapshot
from etl.planted import PLANTED

EPOCH = 719163
CLOSED = [q for q in spec.QUESTIONS if q.kind != "text"]
TEXT_Q = next(q for q in spec.QUESTIONS if q.kind == "text")
TOPICS = tuple(spec.COMMENT_BANK)

RESPONSE_SCHEMA = pa.schema([
    ("response_id", pa.string()), ("wave_id", pa.string()), ("employee_id", pa.string()),
    ("submitted_at", pa.timestamp("us")), ("question_id", pa.string()), ("value", pa.float64()),
    ("comment", pa.string()),
])


@dataclass
class SurveyResult:
    waves: pa.Table
    questions: pa.Table
    responses: pa.Table
    design: pd.DataFrame  # per respondent and wave: the planted covariates and latent morale


def waves_table(cal: spec.Calendar) -> pa.Table:
    opens = [o.toordinal() - EPOCH for o in cal.wave_opens]
    closes = [c.toordinal() - EPOCH for c in cal.wave_closes]
    titles = [f"Pulse survey {o:%B %Y}" for o in cal.wave_opens]
    return pa.table({"wave_id": list(cal.wave_ids), "title": titles,
                     "opens_on": pa.array(opens, pa.int32()).cast(pa.date32()),
                     "closes_on": pa.array(closes, pa.int32()).cast(pa.date32())})


def questions_table(cal: spec.Calendar) -> pa.Table:
    rows = [(w, q.question_id, q.text, q.kind, q.theme) for w in cal.wave_ids for q in spec.QUESTIONS]
    cols = list(zip(*rows, strict=True)) if rows else [[]] * 5
    return pa.table(dict(zip(["wave_id", "question_id", "text", "kind", "theme"], map(list, cols), strict=True)),
                    schema=pa.schema([(c, pa.string()) for c in ("wave_id", "question_id", "text", "kind", "theme")]))


def _likert(x: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(x), 1, 5)


def _closed_answers(rng, s: Snapshot, r: np.ndarray, manager_quality: np.ndarray, post_layoff: bool) -> np.ndarray:
    """(respondents, closed questions) answers in CLOSED order."""
    latent = s.latent[r]
    dev = latent - PLANTED.morale_baseline
    span10 = s.span[r] / 10.0
    mq = np.where(s.manager[r] >= 0, manager_quality[np.maximum(s.manager[r], 0)], 0.0)
    mandate, quota, forced = s.mandate[r], s.quota[r], s.forced[r]
    n = len(r)

    def noise(sd: float = 0.6) -> np.ndarray:
        return rng.normal(0, sd, n)

    sd = PLANTED.answer_noise_sd
    by_id = {
        # three morale items: offsets average to zero so the index keeps the latent's scale
        "MOR1": _likert(latent + 0.1 + noise(sd)),
        "MOR2": _likert(latent + noise(sd)),
        "MOR3": _likert(latent - 0.1 + noise(sd)),
        "MGR1": _likert(3.6 + 0.5 * dev + mq - 0.25 * span10 + noise()),
        "MGR2": _likert(3.7 + 0.5 * dev + mq - 0.05 * span10 + noise()),
        "AIT1": _likert(3.5 + 0.4 * dev - 0.5 * mandate - 0.2 * quota + noise()),
        "AIT2": _likert(3.4 + 0.3 * dev - 0.7 * mandate + noise()),
        "WKL1": _likert(3.3 + 0.5 * dev - 0.3 * quota - 0.2 * post_layoff + noise()),
        "WKL2": _likert(3.2 + 0.4 * dev - 0.2 * quota - 0.3 * post_layoff + noise()),
        "CAR1": _likert(3.3 + 0.6 * dev - 0.3 * post_layoff + noise()),
        "ITS1": _likert(3.6 + 0.8 * dev - 0.3 * forced + noise()),
        "ENPS": np.clip(np.rint(8.0 + 2.0 * dev + noise(1.3)), 0, 10),
    }
    return np.column_stack([by_id[q.question_id] for q in CLOSED])


def _comments(rng, dev: np.ndarray, mandate: np.ndarray, span: np.ndarray, forced: np.ndarray,
              post_layoff: bool, after_leaderboard: bool, after_reorg: bool) -> list[str]:
    """Template sentences: tone from latent morale, 1-3 topics from each person's situation (a topic
    whose event has not happened yet is never chosen). Vectorised choice, Python only to join."""
    n = len(dev)
    tone_score = dev + rng.normal(0, 0.35, n)
    tone = np.where(tone_score > 0.1, 0, np.where(tone_score < -0.4, 2, 1))  # pos, mix, neg
    one = np.ones(n)
    weights = np.column_stack([
        np.where(mandate, 3.0, 0.3),  # mandate
        np.where(mandate, 1.5, 0.5) * after_leaderboard,  # tokens
        one * (2.0 if post_layoff else 0.0),  # layoffs
        np.where(span >= 20, 3.0, 1.0),  # manager
        np.where(forced, 3.0, 0.2 if after_reorg else 0.0),  # reorg
        one,  # workload
        one,  # tools
    ])
    keys = np.log(weights + 1e-300) + rng.gumbel(size=weights.shape)
    ranked = np.argsort(-keys, axis=1, kind="stable")
    k = rng.choice([1, 2, 3], size=n, p=[0.5, 0.35, 0.15])
    pick = rng.random((n, 3))
    tones = ("pos", "mix", "neg")
    out = []
    for i in range(n):
        sentences = []
        for j in range(k[i]):
            bank = spec.COMMENT_BANK[TOPICS[ranked[i, j]]][tones[tone[i]]]
            sentences.append(bank[int(pick[i, j] * len(bank))])
        out.append(" ".join(sentences)[:2000])
    return out


def generate_surveys(snapshots: list[Snapshot], cal: spec.Calendar, exit_ord: np.ndarray,
                     ids: pa.Array, manager_quality: np.ndarray, person_effect: np.ndarray,
                     team_org: np.ndarray, team_names: list[str], seed: int) -> SurveyResult:
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(41,)))
    layoff = cal.layoff_date.toordinal()
    parts: list[pa.Table] = []
    design_parts: list[pd.DataFrame] = []
    closed_ids = pa.array([q.question_id for q in CLOSED])
    for s in snapshots:
        wave_id = cal.wave_ids[s.wave]
        opened, closed = cal.wave_opens[s.wave].toordinal(), cal.wave_closes[s.wave].toordinal()
        rate = rng.uniform(PLANTED.response_rate_low, PLANTED.response_rate_high)
        r = np.flatnonzero(rng.random(len(s.person)) < rate)
        person = s.person[r]
        last = np.minimum(closed, exit_ord[person] - 1)  # answer only while employed
        day = opened + np.floor(rng.random(len(r)) * (last - opened + 1)).astype(np.int64)
        seconds = rng.integers(7 * 3600, 22 * 3600, len(r))
        stamp = ((day - EPOCH) * 86_400 + seconds) * 1_000_000
        post_layoff = opened > layoff
        answers = _closed_answers(rng, s, r, manager_quality, post_layoff)
        # response ids are numbered in a random order so they reveal nothing about the person
        number = rng.permutation(len(r))
        response_ids = pa.array([f"{wave_id}-R{k:06d}" for k in number])
        nq = len(CLOSED)
        rep = np.repeat(np.arange(len(r)), nq)
        closed_part = pa.table({
            "response_id": response_ids.take(pa.array(rep)),
            "wave_id": pa.array(np.full(len(rep), wave_id)),
            "employee_id": ids.take(pa.array(person[rep])),
            "submitted_at": pa.array(stamp[rep], pa.timestamp("us")),
            "question_id": closed_ids.take(pa.array(np.tile(np.arange(nq), len(r)))),
            "value": answers.reshape(-1),
            "comment": pa.nulls(len(rep), pa.string()),
        }, schema=RESPONSE_SCHEMA)
        writers = np.flatnonzero(rng.random(len(r)) < PLANTED.comment_rate)
        dev = s.latent[r] - PLANTED.morale_baseline
        after_leaderboard = opened >= cal.leaderboard_date.toordinal()
        after_reorg = opened >= cal.reorg_date.toordinal()
        w = r[writers]
        comments = _comments(rng, dev[writers], s.mandate[w], s.span[w], s.forced[w], post_layoff,
                             after_leaderboard, after_reorg)
        text_part = pa.table({
            "response_id": response_ids.take(pa.array(writers, pa.int64())),
            "wave_id": pa.array(np.full(len(writers), wave_id)),
            "employee_id": ids.take(pa.array(person[writers], pa.int64())),
            "submitted_at": pa.array(stamp[writers], pa.timestamp("us")),
            "question_id": pa.array(np.full(len(writers), TEXT_Q.question_id)),
            "value": pa.nulls(len(writers), pa.float64()),
            "comment": pa.array(comments, pa.string()),
        }, schema=RESPONSE_SCHEMA)
        wave_table = pa.concat_tables([closed_part, text_part])
        # one respondent's answers together, in question-bank order
        position = np.concatenate([rep * (nq + 1) + np.tile(np.arange(nq), len(r)), writers * (nq + 1) + nq])
        parts.append(wave_table.take(pa.array(np.argsort(position, kind="stable"))))
        design_parts.append(pd.DataFrame({
            "wave_id": wave_id, "employee_id": ids.take(pa.array(person)).to_numpy(zero_copy_only=False),
            "response_id": response_ids.to_numpy(zero_copy_only=False),
            "org": np.array(spec.ORG_NAMES)[team_org[s.team[r]]],
            "team": np.asarray(team_names, dtype=object)[s.team[r]],
            "person_effect": person_effect[person],
            "latent_morale": s.latent[r], "mandate": s.mandate[r], "manager_span": s.span[r],
            "forced_recent": s.forced[r], "morale_index": answers[:, :3].mean(axis=1),
            "mandate_term": s.mandate_term[r] if s.mandate_term is not None else np.zeros(len(r)),
        }))
    responses = pa.concat_tables(parts) if parts else RESPONSE_SCHEMA.empty_table()
    design = pd.concat(design_parts, ignore_index=True) if design_parts else pd.DataFrame()
    return SurveyResult(waves_table(cal), questions_table(cal), responses, design)
