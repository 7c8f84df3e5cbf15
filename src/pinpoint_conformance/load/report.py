"""A load run's reports: load.json for machines, and load.html, one self-contained page in the
spirit of the suite's (reporting/html_report.py): the verdict line, the numbers, each operation's
latency and statuses, the non-conforming responses by check and the first ones in full (request,
response, curl), and what the verification after the load found. Nothing is loaded from anywhere:
the page's Content-Security-Policy allows its one style block (by hash) and nothing else, and every
value is HTML-escaped, since a server's response is hostile input."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from pinpoint_conformance.harness import checks
from pinpoint_conformance.reporting.html_report import STYLE, csp_hash, exchange_html

from .outcome import COLUMNS, LoadRun, operation_rows

LOAD_STYLE = STYLE + "table.operations td:not(:first-child){font-variant-numeric:tabular-nums}\n"
CSP = f"default-src 'none'; style-src '{csp_hash(LOAD_STYLE)}'; base-uri 'none'; form-action 'none'"


def write_json(path: Path, run: LoadRun) -> None:
    path.write_text(json.dumps(run.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _verdict_class(run: LoadRun) -> str:
    if run.interrupted:
        return "incomplete"
    return "does-not-conform" if run.breaches() else "conforms"


def _operations(run: LoadRun) -> str:
    head = "".join(f"<th>{escape(name)}</th>" for name in COLUMNS)
    rows = "".join(
        "<tr>"
        + "".join(f"<td{' class=n' if 0 < i < len(row) - 1 else ''}>{escape(cell)}</td>" for i, cell in enumerate(row))
        + "</tr>"
        for row in operation_rows(run)
    )
    return f'<table class="operations" id="operations"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _by_check(run: LoadRun) -> str:
    if not run.tally.by_check:
        return ""
    rows = "".join(
        f"<tr><td>{escape(check_id)}</td><td>{escape(checks.get(check_id).title)}</td><td class=n>{n:,}</td></tr>"
        for check_id, n in sorted(run.tally.by_check.items())
    )
    return (
        '<section id="checks"><h2>Non-conforming responses by check</h2><table id="by-check"><thead><tr>'
        f"<th>Check</th><th>Title</th><th>Responses</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _samples(run: LoadRun) -> str:
    articles = []
    for sample in run.tally.samples:
        rules = "".join(
            f"<li><b>{escape(f['check'])}</b> {escape(f['title'])}: {escape(f['message'])}</li>"
            for f in sample["failures"]
        )
        articles.append(
            f'<article class="failure"><h3>{escape(sample["operation"])} ({escape(sample["phase"])})</h3>'
            f"<ul>{rules}</ul>{exchange_html(sample['exchange'])}</article>"
        )
    if not articles:
        return ""
    return (
        f'<section id="non-conforming"><h2>Non-conforming responses: the first {len(articles)} in full</h2>'
        f"{''.join(articles)}</section>"
    )


def render(run: LoadRun) -> str:
    errors = f"{run.errors} ({run.no_response} without a response, {run.server_errors} 5xx)"
    facts = [
        ("Requests", f"{run.requests:,}"),
        ("Errors", errors),
        ("Non-conforming", f"{run.tally.non_conforming:,} of {run.tally.judged:,} GET and DELETE responses judged"),
        ("After the load", run.verification_line().removeprefix("After the load: ")),
        (
            "Stale reads",
            f"{run.tally.stale_reads:,} GETs did not list yet a write acknowledged before they "
            "were sent (judged after the load)",
        ),
    ]
    if run.data.get("cleanup_problems"):
        facts.append(("Clean-up left", "; ".join(run.data["cleanup_problems"])))
    listed = "".join(f"<dt>{escape(name)}</dt><dd>{escape(value)}</dd>" for name, value in facts)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">
<title>Pinpoint User resource under load</title><style>{LOAD_STYLE}</style></head><body>
<h1>Pinpoint User resource under load</h1>
<p class="verdict {_verdict_class(run)}" id="verdict">{escape(run.line())}</p>
<p class="meta">{escape(run.setup())}</p>
<dl id="facts">{listed}</dl>
<section id="latency"><h2>Operations</h2>{_operations(run)}</section>
{_by_check(run)}
{_samples(run)}
</body></html>
"""


def write_html(path: Path, run: LoadRun) -> None:
    path.write_text(render(run), encoding="utf-8")
