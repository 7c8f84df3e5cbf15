"""What one load process sent to each of its users, and what that lets the run judge soundly.

Each user ID belongs to one process (the process's tag is part of it), so that process sees every
request sent to it; a few virtual users share each user ID, so that requests to one user overlap.
Every endpoint ID is written to one user only, ever, and names it: `<user ID>-e<n>`. Times are the
process's monotonic clock.

What that allows, under any order the server puts overlapping requests in:
- A listing of a user may hold only endpoints this run wrote to that user. A stale listing (an
  endpoint deleted since) is allowed: a server may be eventually consistent.
- A write acknowledged with 202 must be listed by a later GET of its user, unless a DELETE of the
  user may have come after it: one sent after the write was sent, or one not answered before the
  write was sent. Such a write is *required*. Since a server may be eventually consistent, a GET
  during the load that does not list a required write yet is counted as a stale read, not failed;
  after the load, a required write still not listed within `--settle` seconds is a lost write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# No more endpoints than this per user may be stored at once (AWS's limit is 15 per user ID): a
# write that would pass it goes to a new user ID instead (locustfile.py).
LIVE_AT_MOST = 10


@dataclass
class Write:
    endpoint_id: str
    sent: float
    ended: float | None = None  # when its answer arrived, or its request failed
    acknowledged: bool = False  # answered 202


@dataclass
class Delete:
    sent: float
    answered: float | None = None  # None: not yet, or never (its request failed)


@dataclass
class UserHistory:
    user_id: str
    numbered: int = 0  # endpoint numbers handed out so far
    writes: dict[str, Write] = field(default_factory=dict)  # those the server may hold
    deletes: list[Delete] = field(default_factory=list)  # those a write kept may race with

    def new_endpoint_id(self) -> str:
        self.numbered += 1
        return f"{self.user_id}-e{self.numbered}"

    def was_written(self, endpoint_id: object) -> bool:
        """Whether this run wrote `endpoint_id` to this user (at any time: it may be deleted since)."""
        if not isinstance(endpoint_id, str) or not endpoint_id.startswith(f"{self.user_id}-e"):
            return False
        number = endpoint_id[len(self.user_id) + 2 :]
        return bool(_NUMBER.fullmatch(number)) and int(number) <= self.numbered

    def sending_write(self, endpoint_id: str, now: float) -> Write:
        write = Write(endpoint_id, now)
        self.writes[endpoint_id] = write
        return write

    def write_ended(self, write: Write, now: float, status: int | None) -> None:
        """`status` None: the request failed, and the server may or may not have stored the write."""
        write.ended, write.acknowledged = now, status == 202
        if status is not None and status != 202:
            self.writes.pop(write.endpoint_id, None)  # refused: nothing stored

    def sending_delete(self, now: float) -> Delete:
        delete = Delete(now)
        self.deletes.append(delete)
        return delete

    def delete_ended(self, delete: Delete, now: float, status: int | None) -> None:
        """`status` None: the request failed; the DELETE may still take effect, at any time, so it
        keeps every write sent after it from being required."""
        if status is None:
            return
        delete.answered = now
        if status in (202, 404):  # the user's endpoints are gone (or there were none)
            self.writes = {key: w for key, w in self.writes.items() if w.ended is None or w.ended > delete.sent}
        oldest = min((w.sent for w in self.writes.values()), default=now)
        # A DELETE answered before every write kept was sent bounds none of them, nor any later one.
        self.deletes = [d for d in self.deletes if d.answered is None or d.answered >= oldest]

    def required(self, sent_before: float | None = None) -> list[Write]:
        """The acknowledged writes a GET must list: acknowledged before `sent_before` (the GET's
        sending; None: at any time), with every DELETE of the user so far answered before the
        write was sent."""
        return [
            w
            for w in self.writes.values()
            if w.acknowledged
            and (sent_before is None or (w.ended or 0.0) < sent_before)
            and all(d.answered is not None and d.answered < w.sent for d in self.deletes)
        ]

    def possibly_stored(self) -> int:
        """How many endpoints of this user the server may hold now (at most)."""
        return len(self.writes)


_NUMBER = re.compile(r"[1-9][0-9]*")
