"""The path segments every run sends as user IDs and application IDs, whatever the generator draws:
complete classes, so that a server that mishandles one of them fails on every run, not when
Hypothesis happens to draw it (property-based generation in clause 9 adds to these, never
replaces them).

Each entry is a raw path segment, exactly as sent. Each class is here for a realistic defect that
no other check of the suite catches, proven by removing the class (`proof/ablation.py`) and
watching its variant pass (`tests/verdicts/test_probes_justified.py`, table in
`proof/variants/justified.py`):
- `controls`: every C0 control character (%00-%1F) and DEL (%7F), percent-encoded (a DEL that
  crashes the server);
- `reserved-encoded`: every RFC 3986 reserved character (gen-delims and sub-delims) and every
  character RFC 3986 does not allow in a path (space, ", <, >, \\, ^, `, {, |, }, %),
  percent-encoded (an ID decoded a second time, which a '%' makes fail);
- `reserved-literal`: the same characters literally, where the result is still one path segment
  of a valid HTTP request line: a literal "/" would end the segment, "#" starts a fragment (never
  sent), "?" the query (clause 7 sends it separately), and a literal space splits the request line
  itself (a strict URI parser that throws on "{" or "|");
- `invalid-utf8`: one sequence for each way bytes fail to be UTF-8 (a lone continuation byte, a
  byte that never occurs, a sequence cut short, a surrogate, past U+10FFFF, overlong forms) (a
  decoder whose error is unhandled). Overlong forms were a class of their own and are two entries
  here: every decoder that refuses them refuses the rest of this class alike, and one that decodes
  them (as decoders before RFC 3629 did) yields the '/' or NUL that `reserved-encoded` and
  `controls` send directly, so no defect is caught by them alone;
- `lengths`: an ID of 1,025 characters (a fixed-size buffer or key limit). 1, 64 and 255 were
  dropped: PC706 round-trips a 255-character ID and every run sends IDs of ordinary length, so no
  defect was caught at those lengths alone;
- `malformed-escapes`: "%ZZ", a lone "%" and a half escape (a strict percent-decoder whose error
  is unhandled).
A server may refuse any of these (4xx with a MessageBody) or not find the user; no 5xx, ever. A
segment outside RFC 3986's path syntax (`in_uri_syntax`: a literal "[", "{", "|"…, a malformed
escape) is a request no client of the API sends: an HTTP layer may refuse it before the API sees it
(RFC 9112 §3.2: a server SHOULD answer an invalid request-target with 400), so under core only its
"no 5xx" is judged, and the shape of its answer under strict.

`NORMALIZED` are segments that a URI normalizer in front of a server may rewrite (dot segments,
their encoded forms, and dot segments between encoded slashes): they may be refused or not found,
or reach another resource once normalized, so they are held only to "no 5xx, no error that is not
a MessageBody" (a traversal guard that throws on ".."). An encoded "/" alone is `reserved-encoded`'s.
"""

from __future__ import annotations

import re
from urllib.parse import quote

GEN_DELIMS = ":/?#[]@"
SUB_DELIMS = "!$&'()*+,;="
UNSAFE = ' "<>\\^`{|}%'
# Literal characters that cannot stand in one segment of a valid request line (see above).
NOT_LITERAL = "/#? %"


# RFC 3986 §3.3: segment = *pchar; pchar = unreserved / pct-encoded / sub-delims / ":" / "@".
_PCHARS = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*")


def in_uri_syntax(segment: str) -> bool:
    """Whether `segment` is a path segment as RFC 3986 writes one (what every client sends)."""
    return _PCHARS.fullmatch(segment) is not None


def _encoded(char: str) -> str:
    return quote(char, safe="")


CONTROLS = {f"control-{code:02x}": f"a%{code:02X}b" for code in [*range(0x20), 0x7F]}
RESERVED_ENCODED = {f"encoded-{ord(char):02x}": f"a{_encoded(char)}b" for char in GEN_DELIMS + SUB_DELIMS + UNSAFE}
RESERVED_LITERAL = {f"literal-{ord(char):02x}": f"a{char}b" for char in GEN_DELIMS + SUB_DELIMS + UNSAFE
                    if char not in NOT_LITERAL}  # fmt: skip
INVALID_UTF8 = {
    "lone-continuation": "a%80b", "never-occurs": "a%FFb", "truncated": "a%E2%82", "surrogate": "a%ED%A0%80b",
    "past-10ffff": "a%F4%90%80%80b", "overlong-slash": "a%C0%AFb", "overlong-nul": "a%C0%80b",
}  # fmt: skip
LENGTHS = {"length-1025": "x" * 1025}
MALFORMED_ESCAPES = {"bad-escape": "a%ZZb", "lone-percent": "a%", "half-escape": "a%4"}

CLASSES: dict[str, dict[str, str]] = {
    "controls": CONTROLS,
    "reserved-encoded": RESERVED_ENCODED,
    "reserved-literal": RESERVED_LITERAL,
    "invalid-utf8": INVALID_UTF8,
    "lengths": LENGTHS,
    "malformed-escapes": MALFORMED_ESCAPES,
}

NORMALIZED = {"dot": ".", "dot-dot": "..", "encoded-dot": "%2E", "encoded-dot-dot": "%2E%2E",
              "mixed-dot-dot": ".%2e", "encoded-slash-dot-dot": "a%2F..%2Fb"}  # fmt: skip
