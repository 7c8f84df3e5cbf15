"""The mutation study (benchmarks/mutation_study.py) without running it: the mutant generator of
proof/mutants.py on a small source and on the emulator itself, and the study's judging, sampling,
classifications, scores and report on canned results. Only a start-up that fails starts a process."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from benchmarks.comparison import ToolRun
from benchmarks.mutation_study import (
    CLASSIFICATIONS,
    EMULATOR,
    KILLED,
    STILLBORN,
    SURVIVED,
    TIMEOUT,
    UNCLASSIFIED,
    Baseline,
    MutantResult,
    Study,
    attempt,
    judge,
    load_classifications,
    parse_arguments,
    sample,
    score,
    select,
    suite_is_broken,
)
from proof.mutants import OPERATORS, generate, generate_source
from proof.suite_runs import SuiteRun

SAMPLE = '''"""A module docstring."""
import argparse

LIMIT = 3


class Handler:
    verbose = False
    protocol = "HTTP/1.1"

    def log_message(self, text):
        print(text)


def find(items, user_id, p):
    """A docstring."""
    if user_id in items and not p:
        return items[user_id]
    found = {"Item": [], "Count": 0}
    found["Ok"] = True
    while len(items) < LIMIT or user_id is None:
        items.append(p.get("Name", user_id))
    print("searching", user_id)
    raise ValueError(f"no user {user_id} in {LIMIT + 1} tries")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8080)


if __name__ == "__main__":
    main()
'''
ID = re.compile(r"^L\d+-[a-z]+-[A-Za-z0-9_-]+-\d+$")


def descriptions(source: str = SAMPLE) -> dict[str, str]:
    return {m.id: m.description for m in generate_source(source).mutants}


# The generator ----------------------------------------------------------------------------------


def test_generation_is_deterministic() -> None:
    first, second = generate_source(SAMPLE), generate_source(SAMPLE)
    assert [(m.id, m.source) for m in first.mutants] == [(m.id, m.source) for m in second.mutants]


def test_every_operator_makes_a_mutant_of_the_sample() -> None:
    generation = generate_source(SAMPLE)
    assert all(count > 0 for count in generation.per_operator().values()), generation.per_operator()
    assert set(generation.per_operator()) == set(OPERATORS)


def test_every_mutant_compiles_and_differs_from_the_original_and_the_others() -> None:
    generation = generate_source(SAMPLE)
    original = ast.unparse(ast.parse(SAMPLE))
    sources = [m.source for m in generation.mutants]
    for source in sources:
        compile(source, "<mutant>", "exec")
    assert original not in sources and len(set(sources)) == len(sources)
    assert generation.invalid == 0


def test_ids_are_unique_well_formed_and_in_line_order() -> None:
    mutants = generate_source(SAMPLE).mutants
    assert len({m.id for m in mutants}) == len(mutants)
    assert all(ID.match(m.id) and m.id.startswith(f"L{m.line}-{m.operator}-") for m in mutants)
    assert [(m.line, m.column) for m in mutants] == sorted((m.line, m.column) for m in mutants)


def test_descriptions_are_one_line_and_name_the_change() -> None:
    found = descriptions()
    assert found["L17-compare-in-notin-0"] == "line 17: `user_id in items` -> `user_id not in items`"
    assert found["L17-negate-remove-not-0"] == "line 17: `not p` -> `p`"
    assert found["L17-boolop-and-or-0"] == "line 17: `user_id in items and (not p)` -> `user_id in items or not p`"
    assert found["L21-negate-negate-while-0"].startswith("line 21: `while len(items) < LIMIT or")
    assert found["L18-normalize-lower-0"] == "line 18: `items[user_id]` -> `items[user_id.lower()]`"
    assert found["L18-normalize-strip-0"] == "line 18: `items[user_id]` -> `items[user_id.strip()]`"
    assert found["L19-constant-str-Item-0"] == "line 19: `'Item'` -> `'XXItemXX'`"
    assert found["L19-constant-int-0-1-0"] == "line 19: `0` -> `1`"
    assert found["L4-constant-int-3-4-0"] == "line 4: `3` -> `4`"
    assert found["L4-constant-int-3-2-0"] == "line 4: `3` -> `2`"
    assert found["L20-delete-assign-0"] == "line 20: `found['Ok'] = True` -> `pass`"
    assert found["L20-constant-bool-True-False-0"] == "line 20: `True` -> `False`"
    assert found["L22-constant-str-Name-0"] == "line 22: `p.get('Name', user_id)` -> `p.get('XXNameXX', user_id)`"
    assert found["L22-normalize-lower-0"] == "line 22: `p.get('Name', user_id)` -> `p.get('Name', user_id.lower())`"
    assert all("\n" not in text for text in found.values())


def test_what_is_left_alone() -> None:
    mutants = generate_source(SAMPLE).mutants
    lines = {m.line for m in mutants}
    # Docstrings, imports, the logging (verbose, log_message, print), argument parsing, the main guard.
    assert not lines & {1, 2, 8, 11, 12, 16, 23, 27, 28, 29, 30, 31, 32, 33}
    # Plain-name bindings are not deleted (a NameError, not a behaviour), nor are compound statements;
    # a class attribute is (it falls back to the base class's).
    deleted = {m.line for m in mutants if m.operator == "delete"}
    assert deleted == {9, 18, 20, 22, 24}
    # The f-string (an error message) and the exception's message are never changed.
    assert all("f'no user {user_id} in {LIMIT + 1} tries'" in m.source or m.line == 24 for m in mutants)
    assert {m.line for m in mutants if m.detail == "negate-if"} == {17}


def test_a_condition_is_not_negated_where_another_mutant_does_it() -> None:
    found = descriptions("def f(a, b):\n    if a == b:\n        return 1\n    if not a:\n        return 2\n"
                         "    if a < b:\n        return 3\n")  # fmt: skip
    assert [key for key in found if "negate-if" in key] == ["L6-negate-negate-if-0"]  # `not a < b` is not `a >= b`
    assert "L2-compare-eq-noteq-0" in found and "L4-negate-remove-not-0" in found


def test_a_key_read_where_it_must_exist_is_not_renamed() -> None:
    found = descriptions("def f(d):\n    return d['K'], d.get('G'), d.pop('P'), d.pop('Q', None)\n")
    changed = {text.split("-> ")[1] for key, text in found.items() if "-constant-str-" in key}
    assert changed == {"`d.get('XXGXX')`", "`d.pop('XXQXX', None)`"}


def test_the_emulators_mutants() -> None:
    generation = generate(EMULATOR)
    counts = generation.per_operator()
    assert all(counts[op] > 0 for op in OPERATORS), counts
    assert generation.invalid == 0 and len({m.id for m in generation.mutants}) == len(generation.mutants)
    # The main guard and main() (argument parsing) are left alone.
    main_line = EMULATOR.read_text().splitlines().index("def main():") + 1
    assert max(m.line for m in generation.mutants) < main_line
    # The suite's own target: a path parameter normalized before it is used.
    assert any("p['user-id'].strip()" in m.description for m in generation.mutants)


# Judging a run ----------------------------------------------------------------------------------

BASELINE = Baseline(1, {"PC101": "pass", "PC603": "fail", "PC604": "warn", "PC801": "not exercised",
                        "PCA01": "not in profile"}, 4.0)  # fmt: skip


def test_a_new_failure_kills() -> None:
    statuses = {**BASELINE.statuses, "PC101": "fail"}
    judgement = judge(1, statuses, BASELINE)
    assert (judgement.outcome, judgement.new_failed, judgement.stopped) == (KILLED, ["PC101"], [])


def test_the_baselines_failures_and_warnings_do_not_kill() -> None:
    assert judge(1, dict(BASELINE.statuses), BASELINE).outcome == SURVIVED
    fixed = {**BASELINE.statuses, "PC603": "pass", "PC604": "pass"}  # fixing what the baseline fails is no kill
    assert judge(0, fixed, BASELINE).outcome == SURVIVED


def test_a_check_the_baseline_did_not_have_is_noted_not_counted() -> None:
    judgement = judge(1, {**BASELINE.statuses, "PC999": "fail"}, BASELINE)
    assert judgement.outcome == SURVIVED and judgement.note == "failed checks the baseline did not have: PC999"


def test_a_check_that_no_longer_runs_kills() -> None:
    statuses = {**BASELINE.statuses, "PC801": "blocked"}
    judgement = judge(6, statuses, BASELINE)
    assert (judgement.outcome, judgement.stopped, judgement.note) == (KILLED, ["PC801"], "exit 6")


def test_an_error_exit_kills() -> None:
    judgement = judge(3, {}, BASELINE)
    assert judgement.outcome == KILLED and judgement.note == "exit 3, no report"
    assert judgement.stopped == ["PC101", "PC603", "PC604", "PC801"]  # "not in profile" never ran


def test_a_broken_suite_is_told_from_a_broken_server() -> None:
    broken = SuiteRun(4, {}, "ImportError while loading conftest '/work/main/conformance/conftest.py'.")
    assert suite_is_broken(broken)
    assert not suite_is_broken(SuiteRun(1, {"checks": []}, "SyntaxError in a failure message"))
    assert not suite_is_broken(SuiteRun(3, {}, "pinpoint-conformance: the server hung up"))


def test_a_server_that_does_not_listen_is_stillborn(tmp_path: Path) -> None:
    script = tmp_path / "dies.py"
    script.write_text("raise SystemExit(2)\n")
    result = attempt(script, timeout=5)
    assert result.outcome == STILLBORN and result.run is None and "did not start" in result.note


# Sampling and selecting ----------------------------------------------------------------------------


def test_the_sample_is_every_nth() -> None:
    ids = [f"m{i}" for i in range(10)]
    assert sample(ids, 3) == ["m0", "m3", "m6"]
    assert sample(ids, 4) == ["m0", "m2", "m5", "m7"]
    assert sample(ids, 10) == sample(ids, 50) == ids
    assert sample([], 3) == []


def test_select_by_sample_operators_and_only() -> None:
    generation = generate_source(SAMPLE)
    everything, note = select(generation, parse_arguments([]))
    assert everything == generation.mutants and note == ""
    first, last = generation.mutants[0], generation.mutants[-1]
    assert select(generation, parse_arguments(["--only", f"{first.id},{last.id}"]))[0] == [first, last]
    compares = [m for m in generation.mutants if m.operator == "compare"]
    mutants, note = select(generation, parse_arguments(["--operators", "compare", "--only", first.id]))
    assert mutants == [first, *compares] and "operators compare only" in note
    mutants, note = select(generation, parse_arguments(["--sample", "4", "--only", last.id]))
    assert len(mutants) == 5 and mutants[-1] == last and mutants[0] == first and "sample of 4" in note
    with pytest.raises(SystemExit):
        select(generation, parse_arguments(["--only", "L999-compare-eq-noteq-0"]))


# Classifications, scores and the report ---------------------------------------------------------------


def test_the_projects_classification_file_is_well_formed() -> None:
    """Every entry has a class and a reason (load_classifications refuses anything else); that it
    classifies exactly the recorded survivors is tests/verdicts/test_mutation_sample.py's."""
    assert load_classifications(CLASSIFICATIONS)


def test_classifications_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "survivors.toml"
    assert load_classifications(path) == {}
    path.write_text('[L1-compare-eq-noteq-0]\nclass = "equivalent"\nreason = "x is always 1"\n')
    assert load_classifications(path) == {"L1-compare-eq-noteq-0": {"class": "equivalent", "reason": "x is always 1"}}
    path.write_text('[L1-compare-eq-noteq-0]\nclass = "harmless"\nreason = "?"\n')
    with pytest.raises(ValueError, match="class"):
        load_classifications(path)
    path.write_text('[L1-compare-eq-noteq-0]\nclass = "missed"\n')
    with pytest.raises(ValueError, match="reason"):
        load_classifications(path)


def result(mutant_id: str, outcome: str, operator: str = "compare", **extra: object) -> MutantResult:
    return MutantResult(mutant_id, int(mutant_id[1:].split("-")[0]), operator, f"line x: `{mutant_id}`", outcome,
                        **extra)  # type: ignore[arg-type]  # fmt: skip


RESULTS = [
    result("L1-compare-eq-noteq-0", KILLED, new_failed=["PC101", "PC102"]),
    result("L2-compare-in-notin-0", KILLED, stopped=["PC801"]),
    result("L3-delete-return-0", KILLED, "delete", new_failed=["PC101"]),
    result("L4-delete-expr-0", SURVIVED, "delete"),
    result("L5-negate-remove-not-0", SURVIVED, "negate"),
    result("L6-constant-int-3-4-0", SURVIVED, "constant"),
    result("L7-normalize-lower-0", SURVIVED, "normalize"),
    result("L8-boolop-and-or-0", STILLBORN, "boolop", note="exited with status 1"),
    result("L9-delete-expr-0", TIMEOUT, "delete", note="no verdict after 300 s"),
]
CLASSIFIED = {
    "L3-delete-return-0": {"class": "missed", "reason": "classified before the suite killed it"},
    "L4-delete-expr-0": {"class": "equivalent", "reason": "a cache that is refilled"},
    "L5-negate-remove-not-0": {"class": "outside-contract", "reason": "CreateApp validation"},
    "L6-constant-int-3-4-0": {"class": "missed", "reason": "the limit is in the contract"},
}


def test_scores() -> None:
    total = score(RESULTS, CLASSIFIED)
    assert (total.run, total.killed, total.survived, total.stillborn, total.timeout) == (9, 3, 4, 1, 1)
    assert (total.equivalent, total.outside_contract, total.missed, total.unclassified) == (1, 1, 1, 1)
    assert total.score == pytest.approx(3 / 7)
    assert total.in_contract == pytest.approx(3 / 5)  # the equivalent and outside-contract survivors left out
    assert score([], {}).score is None


def study() -> Study:
    baselines = {"plain": ToolRun(1, 7.0, True, ["ST101"]), "expert": ToolRun(1, 20.0, True, ["ST101"])}
    results = [MutantResult(**vars(r)) for r in RESULTS]
    results[0].schemathesis = {
        "plain": {"detected": True, "beyond_baseline": False, "findings": ["ST101"], "seconds": 7.0, "note": ""},
        "expert": {"detected": True, "beyond_baseline": True, "findings": ["ST101", "ST204"], "seconds": 21.0,
                   "note": ""},
    }  # fmt: skip
    return Study("2026-11-29 12:00 UTC", "python -m benchmarks.mutation_study --sample 9", "2 cores",
                 "proof/independent/pinpoint_emulator.py", {op: 10 for op in OPERATORS}, 0, 2,
                 Baseline(1, {"PC603": "fail", "PC902": "fail", "PC101": "pass"}, 4.2), results, CLASSIFIED,
                 "Ran 9 mutants: a deterministic sample of 9 (every n-th mutant).", baselines)  # fmt: skip


def test_the_report() -> None:
    text = study().markdown()
    assert "| Generated | 60 |" in text and "| Run | 9 |" in text
    assert "| **Score** = killed / (killed + survived) | **42.9 %** |" in text
    assert "| **In-contract score** = killed / (killed + missed + unclassified) | **60.0 %** |" in text
    assert "| compare | 10 | 2 | 0 | 0 | 2 | 0 | 100.0 % | 100.0 % |" in text
    assert "| delete | 10 | 3 | 0 | 1 | 1 | 1 | 50.0 % | 100.0 % |" in text
    assert "| L4-delete-expr-0 | 4 | line x: `L4-delete-expr-0` | equivalent | a cache that is refilled |" in text
    assert f"| L7-normalize-lower-0 | 7 | line x: `L7-normalize-lower-0` | {UNCLASSIFIED} |  |" in text
    assert "| L8-boolop-and-or-0 | stillborn |" in text and "| L9-delete-expr-0 | timeout |" in text
    assert "failed PC603, PC902" in text and "coverage" in text
    assert "Classified as survivors but not surviving in this run: L3-delete-return-0 (killed)." in text
    assert "| PC101 | 2 |" in text
    assert "| L1-compare-eq-noteq-0 | line x: `L1-compare-eq-noteq-0` | killed: PC101, PC102 | baseline only: ST101 " \
           "| DETECTED ST101,ST204 |" in text  # fmt: skip
    assert "the suite 1, plain Schemathesis 0, expert Schemathesis 1" in text


def test_the_json_record() -> None:
    record = json.loads(json.dumps(study().as_dict()))
    assert record["generated"]["total"] == 60 and record["generated"]["dropped_duplicates"] == 2
    assert record["baseline"]["failed"] == ["PC603", "PC902"]
    assert record["score"]["killed"] == 3 and record["score"]["in_contract_score"] == pytest.approx(0.6)
    by_id = {m["id"]: m for m in record["mutants"]}
    assert by_id["L7-normalize-lower-0"]["classification"] == UNCLASSIFIED
    assert by_id["L6-constant-int-3-4-0"]["classification"] == "missed"
    assert "classification" not in by_id["L1-compare-eq-noteq-0"]
    assert set(by_id["L1-compare-eq-noteq-0"]) >= {"id", "line", "operator", "description", "outcome", "new_failed",
                                                   "seconds"}  # fmt: skip
    assert record["schemathesis_baselines"]["plain"]["findings"] == ["ST101"]


def test_a_report_read_back_scores_again_as_written() -> None:
    """--reclassify: the JSON record read back gives the same record, and new classes change the score."""
    written = json.loads(json.dumps(study().as_dict()))
    again = Study.from_dict(written, CLASSIFIED)
    assert json.loads(json.dumps(again.as_dict())) == written
    assert again.markdown() == study().markdown()
    unclassified = Study.from_dict(written, {})
    assert unclassified.as_dict()["score"]["unclassified"] == unclassified.as_dict()["score"]["survived"]
