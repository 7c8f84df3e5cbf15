"""Why each probe is in the suite: the variant that, of all the suite sends, only that probe
catches. `tests/verdicts/test_probes_justified.py` runs each variant twice, with the whole suite
(the variant fails its checks) and with only that probe removed (`proof/ablation.py`; the variant
then conforms), under the suite's default seed: under another, generation may stumble on a defect
too (it draws the '%' of decodes-twice under seeds 1 and 2), which is why the probes are sent on
every run. A probe no variant justifies does not belong in the suite.

Probes are the kinds of `pinpoint_conformance.harness.neighbours.NEIGHBOURS` (PC102, PC403) and the classes of
`pinpoint_conformance.harness.hostile_ids` (PC707), named as `PINPOINT_ABLATE` names them.
"""

from __future__ import annotations

JUSTIFIED_BY: dict[str, str] = {
    "neighbour:longer": "prefix-match",  # LIKE 'id%'
    "neighbour:upper-case": "case-insensitive",  # COLLATE NOCASE
    "neighbour:wildcard": "unescaped-like",  # LIKE with the raw ID: '_' matches any one character
    # ' id' and 'id' compared after an ltrim. (trims-user-ids, which stores ' id' as 'id', is also
    # caught by PC706's round trip of an ID with a leading space.)
    "neighbour:leading-space": "ltrim-match",
    "neighbour:trailing-space": "pad-space",  # 'id ' = 'id', as in PAD SPACE collations
    "hostile:controls": "del-char-500",  # a DEL crashes the server
    # An application ID's %25 decodes to a '%' that a second decoding chokes on. (decodes-twice, the
    # same on the user ID, is also caught by PC706's round trip of a user ID holding '%'.)
    "hostile:reserved-encoded": "decodes-application-id-twice",
    "hostile:reserved-literal": "strict-uri-parser",  # a literal '{' or '|' throws in java.net.URI
    "hostile:invalid-utf8": "invalid-utf8-crashes",  # a decoding error unhandled
    "hostile:lengths": "long-id-crashes",  # a fixed-size buffer or key limit
    "hostile:malformed-escapes": "malformed-escape-crashes",  # url.PathUnescape's error unhandled
    "hostile:normalized": "dot-segment-crashes",  # a path-traversal guard that throws
}
