"""The HTML report: one self-contained page (no scripts, no external assets) with the matrix and
every failure's request, response and curl command."""

from __future__ import annotations

from html import escape
from pathlib import Path

from .. import catalog
from ..settings import Settings
from .results import CheckResult, counts

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1d2125;padding:0 1em}
h1{font-size:1.5em} .verdict{font-size:1.15em;font-weight:600;padding:.6em 1em;border-radius:6px}
.ok{background:#e3f6e8;color:#14532d} .ko{background:#fde8e8;color:#7f1d1d}
table{border-collapse:collapse;width:100%} th,td{border-bottom:1px solid #e5e7eb;padding:.35em .5em;
text-align:left;vertical-align:top} th{background:#f3f4f6}
.pass{color:#15803d}.fail{color:#b91c1c;font-weight:600}.warn{color:#a16207}.not-run,.not-in-profile,.not-exercised{color:#6b7280}.blocked,.error{color:#7c2d12}
.blocked{color:#9a3412} pre{background:#f8fafc;border:1px solid #e5e7eb;padding:.6em;overflow-x:auto;
white-space:pre-wrap;word-break:break-all} details{margin:.4em 0 1em} code{background:#f3f4f6;padding:0 .2em}
"""


def _exchange(exchange: dict) -> str:
    request, response = exchange["request"], exchange["response"]
    req = [f"{request['method']} {request['url']}"] + [f"{k}: {v}" for k, v in request["headers"].items()]
    if request["body"]:
        req += ["", request["body"]]
    if response is None:
        resp = f"No response: {exchange['error']}"
    else:
        resp = "\n".join([f"HTTP {response['status']} ({response['elapsed_ms']} ms)"]
                         + [f"{k}: {v}" for k, v in response["headers"].items()] + ["", response["body"]])  # fmt: skip
    return (f"<p>Request</p><pre>{escape(chr(10).join(req))}</pre><p>Response</p><pre>{escape(resp)}</pre>"
            f"<p>Reproduce</p><pre>{escape(exchange['curl'])}</pre>")  # fmt: skip


def css(status: str) -> str:
    return status.replace(" ", "-")


def render(settings: Settings, results: list[CheckResult], line: str, ok: bool) -> str:
    tally = counts(results)
    rows = [f"<tr><td><a href='#{r.check.id}'>{r.check.id}</a></td><td>{escape(r.check.title)}</td>"
            f"<td>{r.check.clause}</td><td class='{css(r.status)}'>{r.status}</td><td>{escape(r.detail)}</td></tr>"
            for r in results]  # fmt: skip
    sections = []
    for r in results:
        if not (r.failures or r.warnings):
            continue
        items = []
        for item in r.failures + r.warnings:
            body = "".join(_exchange(e) for e in item.get("exchanges", [])[-2:])
            items.append(f"<details open><summary><b>{escape(item['message'])}</b> — <code>{escape(item['test'])}"
                         f"</code></summary>{body}</details>")  # fmt: skip
        sections.append(
            f"<h3 id='{r.check.id}'>{r.check.id} {escape(r.check.title)} "
            f"<span class='{css(r.status)}'>({r.status})</span></h3>"
            f"<p>Clause {r.check.clause} ({escape(catalog.CLAUSES[r.check.clause])}). "
            f"{escape(r.check.requirement)}<br>Cites: {escape(r.check.cites)}</p>" + "".join(items)
        )
    summary = ", ".join(f"{n} {k}" for k, n in tally.items())
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Pinpoint User resource conformance</title><style>{STYLE}</style></head><body>
<h1>Pinpoint User resource conformance</h1>
<p class="verdict {"ok" if ok else "ko"}">{escape(line)}</p>
<p>Target <code>{escape(settings.base_url)}</code> · profile <code>{settings.profile.name.lower()}</code> ·
seed <code>{settings.seed}</code> · {summary}<br>Reproduce the run: <code>{escape(settings.command_line())}</code></p>
<h2>Conformance matrix</h2>
<table><tr><th>ID</th><th>Check</th><th>Clause</th><th>Status</th><th>Detail</th></tr>{"".join(rows)}</table>
{"<h2>Failures and warnings</h2>" + "".join(sections) if sections else ""}
</body></html>
"""


def write(path: Path, settings: Settings, results: list[CheckResult], line: str, ok: bool) -> None:
    path.write_text(render(settings, results, line, ok), encoding="utf-8")
