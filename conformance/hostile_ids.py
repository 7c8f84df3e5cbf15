"""The path segments every run sends as user IDs and application IDs, whatever the generator draws:
complete classes, so that a server that mishandles one of them fails on every run, not when
Hypothesis happens to draw it (property-based generation in clause 9 adds to these, never
replaces them).

Each entry is a raw path segment, exactly as sent. The classes:
- every C0 control character (%00-%1F) and DEL (%7F), percent-encoded;
- every RFC 3986 reserved character (gen-delims and sub-delims) and every character RFC 3986 does
  not allow in a path (space, ", <, >, \\, ^, `, {, |, }, %), percent-encoded, and literally where
  the result is still one path segment of a valid HTTP request line: a literal "/" would end the
  segment, "#" starts a fragment (never sent), "?" the query (clause 7 sends it separately), and
  a literal space splits the request line itself;
- invalid UTF-8 (lone continuation bytes, truncated sequences, surrogates, code points past
  U+10FFFF, bytes that never occur) and overlong UTF-8;
- lengths 1, 64, 255 and 1,025 characters.
A server may refuse any of these (4xx with a MessageBody) or not find the user; no 5xx, ever.

`NORMALIZED` are segments that a URI normalizer in front of a server may rewrite (dot segments and
their encoded forms, an encoded "/"): they may be refused or not found, or reach another resource
once normalized, so they are held only to "no 5xx, no error that is not a MessageBody".
"""

from __future__ import annotations

from urllib.parse import quote

GEN_DELIMS = ":/?#[]@"
SUB_DELIMS = "!$&'()*+,;="
UNSAFE = ' "<>\\^`{|}%'
# Literal characters that cannot stand in one segment of a valid request line (see above).
NOT_LITERAL = "/#? %"


def _encoded(char: str) -> str:
    return quote(char, safe="")


CONTROLS = {f"control-{code:02x}": f"a%{code:02X}b" for code in [*range(0x20), 0x7F]}
RESERVED_ENCODED = {f"encoded-{ord(char):02x}": f"a{_encoded(char)}b" for char in GEN_DELIMS + SUB_DELIMS + UNSAFE}
RESERVED_LITERAL = {f"literal-{ord(char):02x}": f"a{char}b" for char in GEN_DELIMS + SUB_DELIMS + UNSAFE
                    if char not in NOT_LITERAL}  # fmt: skip
INVALID_UTF8 = {
    "lone-continuation": "a%80b", "lone-ff": "a%FFb", "lone-fe-ff": "%FE%FF", "truncated-2": "a%C3",
    "truncated-3": "a%E2%82", "truncated-4": "a%F0%9F%92", "surrogate": "a%ED%A0%80b",
    "past-10ffff": "a%F4%90%80%80b", "five-bytes": "a%F8%88%80%80%80b",
}  # fmt: skip
OVERLONG_UTF8 = {"overlong-slash": "a%C0%AFb", "overlong-nul": "a%C0%80b", "overlong-3": "a%E0%80%AFb",
                 "overlong-4": "a%F0%80%80%AFb", "overlong-c1": "a%C1%BFb"}  # fmt: skip
LENGTHS = {f"length-{n}": "x" * n for n in (1, 64, 255, 1025)}
MALFORMED_ESCAPES = {"bad-escape": "a%ZZb", "lone-percent": "a%", "half-escape": "a%4"}

CLASSES: dict[str, dict[str, str]] = {
    "controls": CONTROLS,
    "reserved-encoded": RESERVED_ENCODED,
    "reserved-literal": RESERVED_LITERAL,
    "invalid-utf8": INVALID_UTF8,
    "overlong-utf8": OVERLONG_UTF8,
    "lengths": LENGTHS,
    "malformed-escapes": MALFORMED_ESCAPES,
}

NORMALIZED = {"dot": ".", "dot-dot": "..", "encoded-dot": "%2E", "encoded-dot-dot": "%2E%2E",
              "mixed-dot-dot": ".%2e", "encoded-slash": "a%2Fb", "encoded-slash-dot-dot": "a%2F..%2Fb"}  # fmt: skip
