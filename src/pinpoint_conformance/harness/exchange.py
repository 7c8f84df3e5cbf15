"""One HTTP request and its response, as the suite saw them: what a failure shows, what a report
prints, and the curl command that replays it. Credentials are redacted at this single point."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from typing import Any

# Header names whose values never leave the process: the SigV4 ones, and those a user passes
# with --header (added by the plugin at start-up).
SENSITIVE_HEADERS: set[str] = {"authorization", "x-amz-security-token", "cookie", "x-api-key", "proxy-authorization"}
REDACTED = "[REDACTED]"
BODY_PREVIEW = 4000


def parse_json_bytes(body: bytes) -> Any:
    """json.loads for bytes a server sent: every way they fail to be JSON is a ValueError, nesting
    too deep for the parser included (a hostile body must not become a RecursionError)."""
    try:
        return json.loads(body)
    except RecursionError:
        raise ValueError("JSON nested too deeply to parse") from None
    except UnicodeDecodeError as error:
        raise ValueError(str(error)) from None


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    return {name: REDACTED if name.lower() in SENSITIVE_HEADERS else value for name, value in headers.items()}


# C0 controls (but tab and newlines) and DEL, shown as escapes so that reports stay text.
_CONTROLS = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F] if chr(code) not in "\t\n\r"}


def _text(body: bytes | None) -> str:
    if not body:
        return ""
    text = body.decode("utf-8", errors="replace").translate(_CONTROLS)
    return text if len(text) <= BODY_PREVIEW else text[:BODY_PREVIEW] + f"… ({len(body)} bytes in all)"


@dataclass
class Exchange:
    method: str
    url: str
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: bytes | None = None
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    elapsed_ms: float = 0.0
    error: str | None = None  # a transport failure: no complete response arrived
    sigv4_region: str | None = None  # set when the request was signed: curl then signs it anew
    absolute_form: bool = False  # the request line carried the whole URL (RFC 9112 §3.2.2), not its path
    retried: str | None = None  # why the request was sent a second time, on a new connection

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        for key, value in self.response_headers.items():
            if key.lower() == wanted:
                return value
        return None

    def json(self) -> Any:
        """The body as JSON (the caller has checked it parses: see `wire.check_response`)."""
        return json.loads(self.response_body)

    def json_or_none(self) -> Any:
        """The body as JSON, or None where it is not JSON (the support calls' answers)."""
        try:
            return parse_json_bytes(self.response_body)
        except ValueError:
            return None

    def curl(self) -> str:
        """A curl command that sends the request again. A signed request is re-signed by curl
        itself (`--aws-sigv4`, credentials from the environment): a signature does not keep."""
        signing = {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"}
        skipped = {"content-length", "connection", "user-agent"} | (signing if self.sigv4_region else set())
        parts = ["curl", "-sS", "-i", "-X", self.method]
        for name, value in redact_headers(self.request_headers).items():
            if name.lower() not in skipped:
                parts += ["-H", f"{name}: {value}"]
        if self.request_body:
            parts += ["--data-binary", self.request_body.decode("utf-8", errors="replace")]
        if "gzip" in (self.request_headers.get("Accept-Encoding") or ""):
            parts.append("--compressed")
        if self.absolute_form:
            parts += ["--request-target", self.url]
        parts += ["--path-as-is", self.url]
        command = " ".join(shlex.quote(part) for part in parts)
        if self.sigv4_region:
            token = any(k.lower() == "x-amz-security-token" for k in self.request_headers)
            command += (f" --aws-sigv4 {shlex.quote(f'aws:amz:{self.sigv4_region}:mobiletargeting')}"
                        ' --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"'
                        + (' -H "X-Amz-Security-Token: $AWS_SESSION_TOKEN"' if token else ""))  # fmt: skip
        return command

    def summary(self) -> str:
        outcome = self.error or f"{self.status}"
        return f"{self.method} {self.url} -> {outcome}"

    def render(self) -> str:
        lines = ["> " + request_line({"method": self.method, "url": self.url, "absolute_form": self.absolute_form})]
        if self.retried:
            lines.append(f"(retried: {self.retried})")
        lines += [f"> {k}: {v}" for k, v in redact_headers(self.request_headers).items()]
        if self.request_body:
            lines.append(f"> {_text(self.request_body)}")
        if self.error:
            lines.append(f"< (no response: {self.error})")
        else:
            lines.append(f"< HTTP {self.status} ({self.elapsed_ms:.0f} ms)")
            lines += [f"< {k}: {v}" for k, v in redact_headers(self.response_headers).items()]
            lines.append(f"< {_text(self.response_body)}")
        lines.append(f"Reproduce: {self.curl()}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "request": {
                "method": self.method,
                "url": self.url,
                "absolute_form": self.absolute_form,
                "headers": redact_headers(self.request_headers),
                "body": _text(self.request_body),
            },
            "response": None
            if self.error
            else {
                "status": self.status,
                "headers": redact_headers(self.response_headers),
                "body": _text(self.response_body),
                "elapsed_ms": round(self.elapsed_ms, 1),
            },
            "error": self.error,
            "retried": self.retried,
            "curl": self.curl(),
        }


def request_line(request: dict[str, Any]) -> str:
    """A request's first line as the reports show it (from `Exchange.to_dict()["request"]`). An
    absolute-form target (PC708) says so: its URL alone looks like any other request's."""
    form = " (absolute-form request target)" if request.get("absolute_form") else ""
    return f"{request['method']} {request['url']}{form}"
