"""Generated program files, valid-looking and corrupted, through every edge that reads one: the
validator behind `load_program`, the command itself, the director's program-file page and the
API upload. Whatever the file, the answer is the document or a problem naming a line or field;
never an unexpected exception, never a 5xx, and nothing stored when the file is refused.

Each test counts its cases in the `fuzz:` line of the terminal summary (tests/fuzz_summary.py).
"""

import copy
import json
import math
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.html import escape
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from config.middleware import NUL_MESSAGE as NUL_REFUSED
from core.problems import InputFileError, Problem
from programs.definitions.program_file import parse_program_text, read_program_file
from programs.models import RequirementSet
from programs.vocabulary import BUILTIN_CATEGORIES

PRESETS = Path(__file__).resolve().parents[2] / "programs" / "presets"
VOCABULARY = {key: name for key, name, _ in BUILTIN_CATEGORIES}
PAGE = "/programs/riverside-mft/program-file/"
API = "/api/v1/programs/riverside-mft/requirement-sets/"

# Problems about the file as a whole, which have no better place than "File".
WHOLE_FILE = {"a program file must be a YAML mapping", "not UTF-8 text"}


def _preset(path: Path) -> dict[str, Any]:
    """A real file, re-addressed to the cast's program so the pages would accept it."""
    document: dict[str, Any] = yaml.safe_load(path.read_text())
    document["institution"] = {"slug": "riverside", "name": "Riverside"}
    document["program"] = {**document["program"], "slug": "riverside-mft", "name": "Riverside MFT"}
    return document


BASES = [_preset(path) for path in sorted(PRESETS.glob("*.yaml"))]

FIELD_NAMES = [
    "format", "institution", "program", "categories", "status", "requirements", "key", "name",
    "kind", "unit", "minimum", "counts", "steps", "where", "period", "min_sessions", "min_hours",
    "per", "of", "cap", "time_zone", "week_start", "private", "verification", "from", "until",
]  # fmt: skip
KINDS = ["total", "cadence", "ratio", "average", "share", "distinct", "gap", "elapsed"]
EDGE_TEXT = [
    "", " ", "\t", "null", "~", "-1", "1e400", "2026-02-30", "2026-13-01", "0.01", "NaN",
    "=cmd|' /C calc'!A0", "+SUM(A1)", "@import", "‮gnp.exe", "💥" * 20, "x" * 5000,
    "Europe/Nowhere", "weekly", "fortnightly", "hours", "sessions", "minutes",
]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(),
    st.sampled_from([-1, 0, 10**9 + 1, 10**20, 10**300]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.5, 0.01, 1e-300, 1e300, -0.0]),
    st.text(max_size=20),
    st.sampled_from(EDGE_TEXT),
    st.sampled_from(KINDS + FIELD_NAMES),
    st.dates(),
)
junk = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*path, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found.extend(_paths(item, (*path, i)))
    return found


def _at(document: Any, path: tuple) -> Any:
    for part in path:
        document = document[part]
    return document


@st.composite
def documents(draw: st.DrawFn) -> Any:
    """A real file with up to four corruptions: a value replaced by junk (wrong type, negative,
    huge, NaN, a bad date, unicode), a key removed or added, a requirement's kind changed."""
    document = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        path = draw(st.sampled_from(_paths(document)))
        action = draw(st.sampled_from(["replace", "delete", "add", "kind", "number"]))
        if not path:
            if action == "replace":
                document = draw(junk)
            continue
        parent, last = _at(document, path[:-1]), path[-1]
        if action == "replace":
            parent[last] = draw(junk)
        elif action == "delete":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(FIELD_NAMES) | st.text(max_size=8))] = draw(junk)
        elif action == "kind" and isinstance(document, dict):
            requirements = document.get("requirements")
            if isinstance(requirements, list) and requirements:
                chosen = draw(st.sampled_from(requirements))
                if isinstance(chosen, dict):
                    chosen["kind"] = draw(st.sampled_from(KINDS) | st.text(max_size=10))
        elif action == "number":
            parent[last] = draw(
                st.sampled_from([-1, 0, 0.01, 10**12, 10**300, math.nan, math.inf, True])
            )
        if not _paths(document):
            break
    return document


def _dump(document: Any) -> str:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=10_000)


def _alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels + 1):
        refs = ", ".join([f"*a{n - 1}"] * 9)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return "\n".join(lines) + "\n"


@st.composite
def texts(draw: st.DrawFn) -> str:
    """Program-file text: a (corrupted) document as YAML, then maybe damaged as text."""
    shape = draw(st.sampled_from(["document"] * 6 + ["damaged"] * 3 + ["garbage", "hostile"]))
    if shape == "garbage":
        return draw(st.text(max_size=300) | st.binary(max_size=200).map(_latin1))
    if shape == "hostile":
        depth = draw(st.integers(min_value=10, max_value=3000))
        return draw(
            st.sampled_from(
                [
                    _alias_bomb(draw(st.integers(min_value=1, max_value=9))),
                    "a: " + "[" * depth + "]" * depth + "\n",
                    "a: " + "{b: " * depth + "1" + "}" * depth + "\n",
                    "".join("  " * i + "k:\n" for i in range(depth)),
                    "a: &a [*a]\n",
                    "a: &a {b: *a}\n",
                    "--- \nformat: 1\n--- \nformat: 1\n",
                    "format: !!python/object/apply:os.system ['true']\n",
                    "format: !!binary AAAA\nprogram: !!set {a, b}\n",
                    "<<: *nowhere\n",
                    # Longer than Python converts from text by default.
                    "format: " + "9" * 5000 + "\n",
                    # Converts to an int, but not to a float.
                    "format: 1\nstatus:\n  grace_days: " + "9" * 400 + "\n",
                ]
            )
        )
    text = _dump(draw(documents()))
    if shape == "document":
        return text
    lines = text.splitlines(keepends=True)
    damage = draw(st.sampled_from(["duplicate", "insert", "truncate", "bom", "tabs", "nul"]))
    at = draw(st.integers(min_value=0, max_value=max(len(lines) - 1, 0)))
    if damage == "duplicate" and lines:
        lines.insert(at, lines[at])
    elif damage == "insert":
        lines.insert(at, draw(st.text(max_size=40)) + "\n")
    elif damage == "truncate":
        return text[: draw(st.integers(min_value=0, max_value=len(text)))]
    elif damage == "bom":
        return "\ufeff" + text
    elif damage == "tabs" and lines:
        lines[at] = lines[at].replace("  ", "\t")
    elif damage == "nul" and lines:
        lines[at] = lines[at].rstrip("\n") + "\x00\n"
    return "".join(lines)


def _latin1(raw: bytes) -> str:
    return raw.decode("latin-1")


def assert_located(problems: list[Problem]) -> None:
    assert problems
    for problem in problems:
        assert problem.message.strip(), problem
        assert problem.line is not None or problem.field or problem.message in WHOLE_FILE, problem


def check_validator(text: str) -> bool:
    """True when the file is valid; otherwise every problem is located. Any other exception
    propagates and fails the test."""
    try:
        parse_program_text(text, source="fuzz.yaml", vocabulary=VOCABULARY)
    except InputFileError as error:
        assert_located(error.problems)
        return False
    return True


FUZZ = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)


def test_the_presets_the_generator_starts_from_are_valid():
    # Guards against a vacuous fuzz: unmutated, the re-addressed presets pass the validator, so
    # a share of the generated files is valid (run with --hypothesis-show-statistics to see it).
    assert all(check_validator(_dump(base)) for base in BASES)


@settings(FUZZ, max_examples=400)
@given(text=texts())
def test_the_validator_locates_every_problem(text, fuzz_cases):
    event("valid" if check_validator(text) else "refused")
    fuzz_cases["program file: validator"] += 1


@settings(FUZZ, max_examples=100)
@given(raw=st.binary(max_size=300) | texts().map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_reading_any_bytes_from_disk_is_a_located_problem_or_a_document(raw, tmp_path, fuzz_cases):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(raw)
    try:
        read_program_file(path, vocabulary=VOCABULARY)
    except InputFileError as error:
        assert_located(error.problems)
    fuzz_cases["program file: read from disk"] += 1


@settings(FUZZ, max_examples=100)
@given(text=texts())
def test_load_program_command_refuses_with_a_command_error_and_loads_nothing(
    text, tmp_path, db, program_rows, fuzz_cases
):
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = program_rows()
    try:
        call_command("load_program", str(path), "--dry-run", stdout=StringIO())
    except CommandError as error:
        assert f"{path} was not loaded" in str(error)
    assert program_rows() == before
    fuzz_cases["program file: load_program --dry-run"] += 1


@pytest.fixture
def director_client(client, director, enrollment, frozen_today):
    client.force_login(director)
    return client


def _versions() -> list[tuple[int, str]]:
    return list(RequirementSet.objects.order_by("pk").values_list("version", "checksum"))


@settings(FUZZ, max_examples=100)
@given(text=texts(), action=st.sampled_from(["preview", "apply"]), as_upload=st.booleans())
def test_program_file_page_never_fails_and_names_every_problem(
    text, action, as_upload, director_client, fuzz_cases
):
    before = _versions()
    data: dict[str, Any] = {action: "1"}
    if as_upload:
        data["upload"] = _upload(text)
    else:
        data["text"] = text

    response = director_client.post(PAGE, data)

    assert response.status_code in (200, 302, 400)
    if response.status_code == 400:
        problems = response.context.get("problems")
        if problems:
            assert_located(problems)
            page = response.content.decode()
            assert all(escape(p.message) in page for p in problems)
        else:
            # Refused by the form: an empty or undecodable file, or a NUL in the text box.
            assert response.context["form"].errors
    if response.status_code != 302:
        assert _versions() == before
    fuzz_cases["program file: director's page"] += 1


def _upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("program.yaml", text.encode("utf-8", "surrogatepass"))


@settings(FUZZ, max_examples=100)
@given(text=texts(), dry_run=st.booleans())
def test_api_upload_never_fails_and_names_every_problem(
    text, dry_run, enrollment, api_key, frozen_today, fuzz_cases
):
    cache.clear()  # throttle budgets
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {api_key.raw}")
    before = _versions()

    response = client.post(API, {"content": text, "dry_run": dry_run}, format="json")

    if response.status_code == 413:
        # Over the request size limit: refused whole, in the API's error shape.
        body = json.dumps({"content": text, "dry_run": dry_run}).encode()
        assert len(body) > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        assert response.json()["error"]["code"] == "too_large"
        assert _versions() == before
        return
    assert response.status_code in (200, 201, 400), response.content
    if response.status_code == 400:
        error = response.json()["error"]
        if "\x00" in text:
            # Refused for the whole request before any view (config/middleware.py).
            assert error["message"] == NUL_REFUSED
        else:
            assert error["fields"]["content"]
            assert all(message.strip() for message in error["fields"]["content"])
    if response.status_code != 201:
        assert _versions() == before
    fuzz_cases["program file: API upload"] += 1
