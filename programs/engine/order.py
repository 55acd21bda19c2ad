"""The order requirements are evaluated in: a requirement after those it reads.

A share reads the total it is a share of; an `only_if_met` step reads the periods of the
cadence it names. Otherwise the file's order is kept. `parse_requirement_set` refuses a cycle, so
every requirement set has an order.
"""

from collections.abc import Iterator, Sequence

from programs.engine.rules import CadenceRule, OnlyIfMet, Rule, ShareRule, Step, TotalRule

CYCLE = "requirement {key!r}: {field}: {chain} read each other in a circle"


def step_lists(rule: Rule) -> Iterator[tuple[Step, ...]]:
    """Every list of steps a rule has: each counts entry's, then a total's own."""
    if isinstance(rule, TotalRule | CadenceRule):
        for source in rule.counts:
            yield source.steps
    if isinstance(rule, TotalRule):
        yield rule.steps


def period_references(rule: Rule) -> list[str]:
    """Keys of the cadences whose periods this rule's `only_if_met` steps read."""
    return [
        step.requirement
        for steps in step_lists(rule)
        for step in steps
        if isinstance(step, OnlyIfMet)
    ]


def references(rule: Rule) -> list[str]:
    """Keys of every requirement this rule reads."""
    found = period_references(rule)
    if isinstance(rule, ShareRule):
        found.append(rule.requirement)
    return found


def dependency_order(rules: Sequence[Rule]) -> list[Rule]:
    """`rules` with each after those it reads, otherwise in the given order; raises ValueError
    (with CYCLE's words) on a cycle. References to keys not in `rules` are ignored here."""
    by_key = {rule.key: rule for rule in rules}
    done: set[str] = set()
    ordered: list[Rule] = []

    def visit(rule: Rule, path: tuple[str, ...]) -> None:
        if rule.key in done:
            return
        if rule.key in path:
            chain = " -> ".join((*path[path.index(rule.key) :], rule.key))
            raise ValueError(CYCLE.format(key=path[-1], field="requirement", chain=chain))
        for key in references(rule):
            if key in by_key:
                visit(by_key[key], (*path, rule.key))
        done.add(rule.key)
        ordered.append(rule)

    for rule in rules:
        visit(rule, ())
    return ordered
