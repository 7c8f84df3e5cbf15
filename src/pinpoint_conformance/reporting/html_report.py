"""The HTML report: one self-contained page, read top to bottom — the verdict as the terminal prints
it (and, after a comparison with a transcript, the parity line with every difference not
tolerated); every failure with its requirement, citation, each exchange's request and response and the curl
command that replays it; then warnings; a per-clause count of statuses; and the full matrix, with a
filter by status.

Nothing is loaded from anywhere: the style and the filter's few lines of script are inline, and the
page's Content-Security-Policy allows those two blocks (by hash) and nothing else. Every value is
HTML-escaped: a server's response is hostile input, and a body holding `</script>` or
`<img onerror=…>` shows as text."""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape
from pathlib import Path

from ..harness import checks
from ..harness.exchange import request_line
from ..harness.settings import Settings
from ..parity.outcome import NO_EVIDENCE, ParityOutcome, entry_text
from .results import FAIL, STATUSES, CheckResult, counts, repeats, replay_note

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#1d2125;padding:0 1em}
h1{font-size:1.4em;margin-bottom:.3em} h2{margin-top:1.6em;border-bottom:2px solid #e5e7eb}
.verdict{font-size:1.15em;font-weight:600;padding:.6em 1em;border-radius:6px;margin:.4em 0}
.conforms{background:#e3f6e8;color:#14532d} .does-not-conform{background:#fde8e8;color:#7f1d1d}
.incomplete{background:#fef3c7;color:#78350f} .meta{color:#4b5563}
table{border-collapse:collapse;width:100%} th,td{border-bottom:1px solid #e5e7eb;padding:.3em .5em;
text-align:left;vertical-align:top} th{background:#f3f4f6} td.n{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#15803d}.fail{color:#b91c1c;font-weight:600}.warn{color:#a16207}.blocked{color:#9a3412}
.error{color:#7c2d12;font-weight:600}.not-run,.not-in-profile,.not-exercised{color:#6b7280}
.failure{border:1px solid #fca5a5;border-left:6px solid #b91c1c;border-radius:6px;padding:.2em 1em .6em;margin:1em 0}
.finding{border-left:6px solid #eab308;padding:0 1em;margin:.6em 0}
.message{font-weight:600;white-space:pre-wrap;word-break:break-word}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:.5em 0} dt{color:#4b5563} dd{margin:0}
h4{margin:.8em 0 .2em;font-size:1em;color:#374151}
pre{background:#f8fafc;border:1px solid #e5e7eb;padding:.6em;overflow-x:auto;white-space:pre-wrap;
word-break:break-all;margin:.2em 0} pre.curl{user-select:all;background:#0f172a;color:#e2e8f0}
code{background:#f3f4f6;padding:0 .2em} label{font-weight:600}
"""

# The filter: shows the matrix rows of the chosen status. Without script the select stays hidden
# and every row shows.
SCRIPT = """
const filter = document.getElementById("status-filter");
const shown = document.getElementById("shown");
const rows = Array.from(document.querySelectorAll("#matrix tbody tr"));
function apply() {
  let n = 0;
  for (const row of rows) {
    row.hidden = filter.value !== "all" && row.dataset.status !== filter.value;
    if (!row.hidden) n += 1;
  }
  shown.textContent = n + " of " + rows.length + " checks shown";
}
filter.addEventListener("change", apply);
document.getElementById("filter-bar").hidden = false;
apply();
"""


def csp_hash(text: str) -> str:
    """The Content-Security-Policy source that allows one inline block with this text."""
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


# The page may run its own script and style, and load nothing at all.
CSP = (f"default-src 'none'; style-src '{csp_hash(STYLE)}'; script-src '{csp_hash(SCRIPT)}'; "
       "base-uri 'none'; form-action 'none'")  # fmt: skip


def css(status: str) -> str:
    return status.replace(" ", "-")


def _outcome_class(ok: bool, results: list[CheckResult]) -> str:
    if ok:
        return "conforms"
    return "does-not-conform" if any(r.status == FAIL for r in results) else "incomplete"


def exchange_html(exchange: dict) -> str:
    """One exchange as the page shows it: request, response and the curl command that replays it."""
    request, response = exchange["request"], exchange["response"]
    req = [request_line(request)] + [f"{k}: {v}" for k, v in request["headers"].items()]
    if request["body"]:
        req += ["", request["body"]]
    if response is None:
        resp = f"No response: {exchange['error']}"
    else:
        resp = "\n".join([f"HTTP {response['status']} ({response['elapsed_ms']} ms)"]
                         + [f"{k}: {v}" for k, v in response["headers"].items()] + ["", response["body"]])  # fmt: skip
    return (f'<div class="exchange"><h4>Request</h4><pre class="request">{escape(chr(10).join(req))}</pre>'
            f'<h4>Response</h4><pre class="response">{escape(resp)}</pre>'
            f'<h4>Reproduce</h4><pre class="curl">{escape(exchange["curl"])}</pre></div>')  # fmt: skip


def _item(item: dict) -> str:
    """One failure or warning: its message, the test that found it, and its exchanges."""
    also = repeats(item)
    exchanges = "".join(exchange_html(e) for e in item.get("exchanges", []))
    return (f'<p class="message">{escape(item["message"])}</p>'
            f"<p>Test <code>{escape(item['test'])}</code>{escape(also)}</p>{exchanges}")  # fmt: skip


def _about(check: checks.Check) -> str:
    return (f"<dl><dt>Requirement</dt><dd>{escape(check.requirement)}</dd>"
            f"<dt>Clause</dt><dd>{escape(check.clause)} {escape(checks.CLAUSES[check.clause])}</dd>"
            f"<dt>Cites</dt><dd>{escape(check.cites)}</dd></dl>")  # fmt: skip


def _failures(results: list[CheckResult], note: str) -> str:
    failed = [r for r in results if r.status == FAIL]
    if not failed:
        return ""
    articles = [f'<article class="failure" id="{escape(r.check.id)}"><h3>{escape(r.check.id)} '
                f"{escape(r.check.title)} — failed</h3>{_about(r.check)}{''.join(_item(f) for f in r.failures)}"
                "</article>"
                for r in failed]  # fmt: skip
    return (
        f'<section id="failures"><h2>Failures ({len(failed)})</h2><p class="replay">{escape(note)}</p>'
        f"{''.join(articles)}</section>"
    )


def _warnings(results: list[CheckResult]) -> str:
    warned = [r for r in results if r.warnings]
    if not warned:
        return ""
    blocks = [f'<details class="finding" id="{escape(r.check.id)}-warnings"><summary><b>{escape(r.check.id)} '
              f"{escape(r.check.title)}</b> ({escape(r.status)}): {escape(r.warnings[0]['message'])}</summary>"
              f"{_about(r.check)}{''.join(_item(w) for w in r.warnings)}</details>"
              for r in warned]  # fmt: skip
    return f'<section id="warnings"><h2>Warnings ({len(warned)})</h2>{"".join(blocks)}</section>'


def _clause_summary(results: list[CheckResult], shown: list[str]) -> str:
    head = "".join(f'<th class="{css(s)}">{escape(s)}</th>' for s in shown)
    rows = []
    for clause, heading in checks.CLAUSES.items():
        tally = counts([r for r in results if r.check.clause == clause])
        cells = "".join(f'<td class="n {css(s)}">{tally[s] or ""}</td>' for s in shown)
        rows.append(f"<tr><td>{escape(clause)} {escape(heading)}</td><td class='n'>{sum(tally.values())}</td>"
                    f"{cells}</tr>")  # fmt: skip
    return (f'<section id="clauses"><h2>By clause</h2><table id="clause-summary"><thead><tr><th>Clause</th>'
            f"<th>checks</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>")  # fmt: skip


def _matrix(results: list[CheckResult], tally: dict[str, int], shown: list[str]) -> str:
    options = [f'<option value="all">all ({len(results)})</option>']
    options += [f'<option value="{escape(s)}">{escape(s)} ({tally[s]})</option>' for s in shown]
    rows = []
    for r in results:
        check_id = escape(r.check.id)
        link = f'<a href="#{check_id}">{check_id}</a>' if r.status == FAIL else check_id
        rows.append(f'<tr data-status="{escape(r.status)}"><td>{link}</td><td>{escape(r.check.title)}</td>'
                    f'<td>{escape(r.check.clause)}</td><td class="{css(r.status)}">{escape(r.status)}</td>'
                    f"<td>{escape(r.detail)}</td></tr>")  # fmt: skip
    return (f'<section id="checks"><h2>All checks</h2><p id="filter-bar" hidden><label for="status-filter">Show'
            f'</label> <select id="status-filter">{"".join(options)}</select> <span id="shown"></span></p>'
            '<table id="matrix"><thead><tr><th>ID</th><th>Check</th><th>Clause</th><th>Status</th><th>Detail</th>'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></section>")  # fmt: skip


def _parity(parity: ParityOutcome | None) -> str:
    """Every difference not tolerated with both sides' exchange and this run's curl command, then
    the tolerated ones with their reasons."""
    if parity is None:
        return ""
    articles = []
    for name, found in parity.by_exchange(tolerated=False):
        evidence = parity.evidence.get(name, NO_EVIDENCE)
        items = "".join(f"<li><code>{escape(d.where)}</code>: {escape(d.kind)} (recorded "
                        f"<code>{escape(json.dumps(d.recorded))}</code>, now <code>{escape(json.dumps(d.live))}</code>)"
                        "</li>" for d in found)  # fmt: skip
        sides = (f'<h4>Recorded</h4><pre class="response">{escape(entry_text(evidence.recorded))}</pre>'
                 f'<h4>This run</h4><pre class="response">{escape(entry_text(evidence.live))}</pre>')  # fmt: skip
        if evidence.curl:
            sides += f'<h4>Reproduce (this run\'s request)</h4><pre class="curl">{escape(evidence.curl)}</pre>'
        articles.append(f'<article class="failure"><h3>{escape(name)}</h3><ul>{items}</ul>{sides}</article>')
    rows = "".join(f"<tr><td><code>{escape(name)}</code></td><td><code>{escape(d.where)}</code></td>"
                   f"<td>{escape(d.kind)}</td><td>{escape(d.tolerated or '')}</td></tr>"
                   for name, found in parity.by_exchange(tolerated=True) for d in found)  # fmt: skip
    table = (f'<h3>Tolerated</h3><table id="tolerated"><thead><tr><th>Exchange</th><th>Path</th><th>Difference</th>'
             f"<th>Reason</th></tr></thead><tbody>{rows}</tbody></table>") if rows else ""  # fmt: skip
    outcome = "does-not-conform" if parity.untolerated else "conforms"
    return (f'<section id="parity"><h2>Parity with <code>{escape(parity.transcript)}</code></h2>'
            f'<p class="verdict {outcome}" id="parity-line">{escape(parity.line)}</p>{"".join(articles)}{table}'
            "</section>")  # fmt: skip


def _retries(retried: list[str]) -> str:
    """Requests the suite sent a second time after meeting a stale connection: shown, never hidden."""
    if not retried:
        return ""
    items = "".join(f"<li>{escape(note)}</li>" for note in retried)
    return f'<section id="retries"><h2>Requests retried ({len(retried)})</h2><ul>{items}</ul></section>'


def render(settings: Settings, results: list[CheckResult], line: str, ok: bool,
           parity: ParityOutcome | None = None, retried: list[str] | None = None) -> str:  # fmt: skip
    tally = counts(results)
    shown = [s for s in STATUSES if tally[s]]  # the statuses this run has, in the order results.py gives
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">
<title>Pinpoint User resource conformance</title><style>{STYLE}</style></head><body>
<h1>Pinpoint User resource conformance</h1>
<p class="verdict {_outcome_class(ok, results)}" id="verdict">{escape(line)}</p>
<p class="meta">Target <code>{escape(settings.base_url)}</code> · profile <code>{settings.profile.name.lower()}</code>
· seed <code>{settings.seed}</code><br>Reproduce the run: <code>{escape(settings.command_line())}</code></p>
{_parity(parity)}
{_failures(results, replay_note(settings))}
{_warnings(results)}
{_retries(retried or [])}
{_clause_summary(results, shown)}
{_matrix(results, tally, shown)}
<script>{SCRIPT}</script>
</body></html>
"""


def write(path: Path, settings: Settings, results: list[CheckResult], line: str, ok: bool,
          parity: ParityOutcome | None = None, retried: list[str] | None = None) -> None:  # fmt: skip
    path.write_text(render(settings, results, line, ok, parity, retried), encoding="utf-8")
