"""Reading values out of a parsed program document, with errors that name the field."""

from collections.abc import Mapping, Sequence
from fractions import Fraction


class RuleDefinitionError(ValueError):
    """A program document the engine cannot interpret; the message names the key and field."""


def as_mapping(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise RuleDefinitionError(f"{where}: expected a mapping, got {value!r}")
    return value


def as_sequence(value: object, where: str) -> Sequence[object]:
    # A bare string is a Sequence too, and would read as a list of one-letter categories.
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise RuleDefinitionError(f"{where}: expected a list, got {value!r}")
    return value


def as_str(value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise RuleDefinitionError(f"{where}: expected a non-empty string, got {value!r}")
    return value


def as_bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise RuleDefinitionError(f"{where}: expected true or false, got {value!r}")
    return value


def check_keys(value: Mapping[str, object], allowed: frozenset[str], where: str) -> None:
    # A misspelt option (`verfied_only`) would otherwise silently fall back to its default.
    unknown = sorted(str(key) for key in value if key not in allowed)
    if unknown:
        raise RuleDefinitionError(f"{where}: {unknown[0]}: unknown field")


def fraction(value: object, where: str) -> Fraction:
    """An exact number; floats go through str() so 0.9 becomes 9/10, not 0.900000000000000022."""
    if isinstance(value, bool) or not isinstance(value, int | float | Fraction):
        raise RuleDefinitionError(f"{where}: expected a number, got {value!r}")
    if isinstance(value, float):
        try:
            return Fraction(str(value))
        except ValueError:  # nan and inf
            raise RuleDefinitionError(f"{where}: expected a number, got {value!r}") from None
    return Fraction(value)


def whole_number(value: object, where: str) -> int:
    number = fraction(value, where)
    if number.denominator != 1 or number < 0:
        raise RuleDefinitionError(f"{where}: expected a whole number, got {value!r}")
    return int(number)


def hours_to_minutes(value: object, where: str) -> int:
    minutes = fraction(value, where) * 60
    if minutes.denominator != 1:
        raise RuleDefinitionError(f"{where}: {value!r} hours is not a whole number of minutes")
    if minutes < 0:
        raise RuleDefinitionError(f"{where}: must not be negative, got {value!r}")
    return int(minutes)
