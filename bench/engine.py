"""A micro benchmark of the engine alone: one enrollment, N synthetic sessions, the largest preset.

Pure and deterministic (seeded data, no database, no Django), so `make bench` can call it and
figures from two machines compare like with like. The largest preset is the one with the most
requirements (then the most steps); its rules are parsed once, outside the timing, as the
selector caches them in production.
"""

import random
import statistics
import time
from datetime import date, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import yaml

from programs.engine.evaluate import evaluate
from programs.engine.facts import EnrollmentFacts, Leave, SessionFact
from programs.engine.parse import parse_requirement_set
from programs.engine.rules import CadenceRule, RequirementSetRules, TotalRule

PRESETS = Path(__file__).resolve().parents[1] / "programs" / "presets"
START = date(2023, 1, 2)
SEED = 20240601


def largest_preset() -> tuple[str, RequirementSetRules]:
    """(name, rules) of the preset with the most requirements, then the most steps."""

    def size(rules: RequirementSetRules) -> tuple[int, int]:
        steps = 0
        for rule in rules.rules:
            if isinstance(rule, TotalRule | CadenceRule):
                steps += sum(len(source.steps) for source in rule.counts)
            if isinstance(rule, TotalRule):
                steps += len(rule.steps)
        return len(rules.rules), steps

    candidates = [
        (path.stem, parse_requirement_set(yaml.safe_load(path.read_text())))
        for path in sorted(PRESETS.glob("*.yaml"))
    ]
    return max(candidates, key=lambda candidate: size(candidate[1]))


def synthetic_facts(rules: RequirementSetRules, sessions: int) -> EnrollmentFacts:
    """`sessions` sessions over about three years, of every category the rules mention, with
    group sizes, settings, providers and a few drafts, withdrawals and leaves."""
    rng = random.Random(SEED)
    categories = sorted(_categories(rules))
    end = START + timedelta(days=3 * 364 - 1)
    facts_sessions = []
    for number in range(1, sessions + 1):
        category = rng.choice(categories)
        facts_sessions.append(
            SessionFact(
                id=number,
                date=START + timedelta(days=rng.randrange(3 * 364)),
                start_time=clock(rng.randrange(8, 20), rng.choice((0, 15, 30, 45))),
                minutes=rng.choice((30, 45, 50, 60, 90, 120, 180)),
                category=category,
                status=rng.choices(("verified", "submitted", "draft"), (90, 8, 2))[0],
                withdrawn=rng.random() < 0.01,
                group_size=rng.choice((None, None, 3, 6, 9)) if "group" in category else None,
                provider_id=rng.randrange(1, 6),
                provider_kind=rng.choice(("approved_consultant", "consultant_in_training")),
                client_id=rng.randrange(1, 60),
                setting=rng.choice(("clinic", "school")),
            )
        )
    return EnrollmentFacts(
        enrollment_id=1,
        start=START,
        end=end,
        as_of=end - timedelta(days=30),
        leaves=(Leave(date(2024, 7, 1), date(2024, 7, 21)),),
        sessions=tuple(facts_sessions),
        milestones={
            "application": end,
            "degree_conferred": START - timedelta(days=30),
            "license_granted": START - timedelta(days=800),
        },
        approved_provider_ids=frozenset({1, 2, 3}),
    )


def _categories(rules: RequirementSetRules) -> set[str]:
    found: set[str] = set()
    for rule in rules.rules:
        for name in ("categories", "per_categories", "trigger_categories"):
            found.update(getattr(rule, name, ()))
        if isinstance(rule, TotalRule):
            found.update(rule.condition_categories)
    return found


def run_engine_benchmark(sessions: int = 5000, *, runs: int = 7) -> dict[str, Any]:
    """Seconds to evaluate one enrollment with `sessions` sessions against the largest preset:
    median, min and max over `runs` timed runs (after one untimed warm-up), and every sample."""
    name, rules = largest_preset()
    facts = synthetic_facts(rules, sessions)
    evaluate(facts, rules)  # warm-up: imports, caches
    samples: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        evaluate(facts, rules)
        samples.append(time.perf_counter() - started)
    return {
        "preset": name,
        "requirements": len(rules.rules),
        "sessions": sessions,
        "runs": runs,
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "samples": samples,
    }
