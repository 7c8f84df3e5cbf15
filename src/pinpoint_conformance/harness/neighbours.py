"""The lookalikes of a user ID that PC102 (GET) and PC403 (DELETE) probe, both ways: the user and
each lookalike must get exactly their own endpoints, and a DELETE of one must spare the others.

Each kind has a stable name, which failure messages quote, and is here for one defect that no
other kind catches; `tests/verdicts/test_probes_justified.py` proves it by removing the kind
(`proof/ablation.py`) and watching its variant pass (the table is `proof/variants/justified.py`):

- `longer`, the ID with an `x` appended: a prefix match (`LIKE 'id%'`, `startswith`). Both ways,
  it also catches the reverse, a stored ID that is a prefix of the requested one (a `strncmp` by
  the stored ID's length), which is why there is no shorter neighbour: every matcher a shorter ID
  catches, this one catches too.
- `upper-case`, the ID with the part after the run's prefix in ASCII upper case: a
  case-insensitive comparison (`COLLATE NOCASE`). ASCII only: SQLite's NOCASE folds nothing else,
  so a non-ASCII case pair would let such a matcher pass.
- `wildcard`, the ID with its `_` replaced by `Q`: `LIKE` with the ID as the pattern, where `_`
  matches any one character.
- `leading-space`, the ID after a space: a comparison that ignores leading spaces (an ltrim of
  both sides), which lists the lookalike's endpoints for the user and the user's for it. (An ID
  trimmed when it is written lands there too; PC706's round trip of an ID with a leading space
  catches that as well.)
- `trailing-space`, the ID followed by a space, *requested only*: a comparison that ignores
  trailing spaces (the PAD SPACE collations of MySQL and SQL Server) lists the user's endpoints
  for it. It is never written: a stored ID that extends the user's would catch every prefix
  matcher too, and leave `longer` nothing of its own.

(An ID's other Unicode normalization form is PC706's: a server that refuses non-ASCII IDs must
not fail here.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Neighbour:
    make: Callable[[str, str], str]  # (the run's prefix, the user ID) -> the lookalike
    seeded: bool = True  # written with an endpoint of its own; False: requested only, it has none


NEIGHBOURS: dict[str, Neighbour] = {
    "longer": Neighbour(lambda prefix, user: user + "x"),
    "upper-case": Neighbour(lambda prefix, user: prefix + user[len(prefix) :].upper()),
    "wildcard": Neighbour(lambda prefix, user: user.replace("_", "Q")),
    "leading-space": Neighbour(lambda prefix, user: " " + user),
    "trailing-space": Neighbour(lambda prefix, user: user + " ", seeded=False),
}


def of(prefix: str, user: str) -> dict[str, tuple[str, bool]]:
    """Kind -> (the lookalike of `user`, whether it is seeded), in the order of NEIGHBOURS."""
    return {name: (kind.make(prefix, user), kind.seeded) for name, kind in NEIGHBOURS.items()}
