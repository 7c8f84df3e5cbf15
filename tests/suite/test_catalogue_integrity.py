"""The check catalogue is the one source of truth: every check has a test in the suite that proves
it, every test proves a catalogued check, docs/CHECKS.md is generated from it, and every clause of
the contract has a faulty variant that the proof in tests/verdicts shows failing."""

from __future__ import annotations

import ast
import re

import pytest

from pinpoint_conformance.harness import checks
from proof.processes import ROOT
from proof.variants import CONFORMING, FAULTY


def _marked_checks() -> dict[str, list[str]]:
    """check ID -> the suite's test functions marked with it (read from the source)."""
    marked: dict[str, list[str]] = {}
    for path in sorted((ROOT / "conformance").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                for decorator in node.decorator_list:
                    if (isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "check"
                            and decorator.args and isinstance(decorator.args[0], ast.Constant)):  # fmt: skip
                        marked.setdefault(decorator.args[0].value, []).append(f"{path.name}::{node.name}")
    return marked


def test_every_check_has_a_test_and_every_test_a_check() -> None:
    marked = _marked_checks()
    assert set(marked) == set(checks.CHECKS), (
        f"without a test: {sorted(set(checks.CHECKS) - set(marked))}; "
        f"not in the catalogue: {sorted(set(marked) - set(checks.CHECKS))}"
    )


def test_every_suite_test_is_marked_with_a_check() -> None:
    unmarked = []
    for path in sorted((ROOT / "conformance").glob("test_*.py")):
        for node in ast.parse(path.read_text()).body:
            marked = isinstance(node, ast.FunctionDef) and any(
                getattr(getattr(d, "func", None), "attr", "") == "check" for d in node.decorator_list
            )
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and not marked:
                unmarked.append(f"{path.name}::{node.name}")
    assert not unmarked


def test_docs_list_of_checks_is_generated_from_the_catalogue() -> None:
    on_disk = (ROOT / "docs" / "CHECKS.md").read_text()
    assert on_disk == checks.markdown(), (
        "docs/CHECKS.md is stale: python -m pinpoint_conformance.harness.checks > docs/CHECKS.md"
    )


def test_every_check_cites_a_source_and_states_a_requirement() -> None:
    for check in checks.CHECKS.values():
        assert check.cites and check.requirement and check.clause in checks.CLAUSES, check.id
        assert any(word in check.requirement for word in ("MUST", "SHOULD", "MAY")), check.id


# A prohibition whose verb is a permission ("No request may get a 5xx"): RFC 2119's MAY grants; a
# prohibition is MUST NOT (or SHOULD NOT). A clause (after a start, ";", "." or "(") led by a
# negative, up to its end (a ";", a "." or a ", and"/", or"/", but" that starts another clause).
PERMISSION_IN_A_PROHIBITION = re.compile(r"(?:^|[;.(]\s*)(?:no|none|never|nothing)\b"
                                         r"(?:(?!,\s+(?:and|or|but)\b)[^;.])*?\bmay\b", re.IGNORECASE)  # fmt: skip


@pytest.mark.parametrize(("text", "wrong"), [
    ("No request, however unusual, may get a 5xx (MUST NOT).", True),
    ("A request MUST NOT get a 5xx; HEAD may get any answer but a 5xx.", False),
    ("Nothing MAY be listed twice.", True),
    ("An HTTP layer may answer it 501 Not Implemented.", False),
    ("TRACE too (no API client sends it, and an HTTP layer may answer it 501).", False),
])  # fmt: skip
def test_the_rfc_2119_linter_knows_a_permission_from_a_prohibition(text: str, wrong: bool) -> None:
    assert bool(PERMISSION_IN_A_PROHIBITION.search(text)) is wrong


def test_requirements_use_rfc_2119_words_rightly() -> None:
    for check in checks.CHECKS.values():
        wrong = PERMISSION_IN_A_PROHIBITION.search(check.requirement)
        assert wrong is None, f"{check.id}: a prohibition worded as a permission: {wrong.group(0)!r}"


def test_every_clause_has_a_faulty_variant_and_the_catalogue_is_large_enough() -> None:
    assert len(FAULTY) >= 40 and len(CONFORMING) >= 6
    covered = {variant.clause for variant in FAULTY}
    assert covered >= set(checks.CLAUSES), f"clauses without a faulty variant: {set(checks.CLAUSES) - covered}"
    for variant in FAULTY:
        assert variant.fails <= set(checks.CHECKS), variant.name
        assert any(checks.get(c).clause == variant.clause for c in variant.fails), variant.name
