"""The suite's HTTP client: it sends exactly the bytes a check asks for, bounds every wait,
retries throttled requests, signs with SigV4 when asked, and turns every transport problem into
a failure with a clear message (never a traceback or a hang)."""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import email.utils
import http.client
import os
import re
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests
import requests.adapters
import urllib3
import urllib3.connection

from . import wire
from .breaker import Breaker, relative
from .checks import Profile
from .concurrently import CLIENTS
from .exchange import Exchange
from .failures import ConformanceFailure, Findings, fail, observe
from .settings import Settings
from .written import Ledger

MAX_BODY = 32 * 1024 * 1024  # a response larger than this is a failure, not an out-of-memory
MAX_BACKOFF = 5.0
SIGNING_NAME = "mobiletargeting"  # AWS's model: metadata.signingName


def segment(value: str) -> str:
    """Percent-encode one path segment completely (RFC 3986 unreserved characters stay)."""
    return quote(value, safe="")


def user_path(application_id: str, user_id: str) -> str:
    return f"/v1/apps/{segment(application_id)}/users/{segment(user_id)}"


# Methods the User resource does not define that a client of the API may send it by mistake (PC603;
# PC902 draws from them). TRACE is sent under strict only: no API client sends it, and an HTTP layer
# may answer it 501 Not Implemented (RFC 9110 §15.6.2), as Python's http.server does.
OTHER_METHODS = ("POST", "PUT", "PATCH")
STRICT_METHODS = ("TRACE",)


def other_methods(profile: Profile) -> tuple[str, ...]:
    return OTHER_METHODS + STRICT_METHODS if profile >= Profile.STRICT else OTHER_METHODS


class SigV4Signer:
    """Signs prepared requests with botocore's SigV4, for the service name of AWS's model."""

    def __init__(self, region: str) -> None:
        # botocore is imported here, only for signed runs: a tenth of a second of every start-up.
        from botocore.auth import SigV4Auth
        from botocore.session import Session as BotocoreSession

        self.region = region
        credentials = BotocoreSession().get_credentials()
        if credentials is None:
            raise RuntimeError("--sigv4 was given but the AWS credential chain found no credentials")
        self._auth = SigV4Auth(credentials.get_frozen_credentials(), SIGNING_NAME, region)

    def signed_headers(
        self, method: str, url: str, headers: dict[str, str], body: bytes | str | None
    ) -> dict[str, str]:
        """`headers` with the SigV4 headers added."""
        from botocore.awsrequest import AWSRequest

        aws = AWSRequest(method=method, url=url, data=body or b"",
                         headers={k: v for k, v in headers.items() if k.lower() != "connection"})  # fmt: skip
        self._auth.add_auth(aws)
        return {**headers, **dict(aws.headers.items())}

    def sign(self, prepared: requests.PreparedRequest) -> None:
        signed = self.signed_headers(str(prepared.method), str(prepared.url), dict(prepared.headers), prepared.body)
        for name, value in signed.items():
            prepared.headers[name] = value

    def __call__(self, prepared: requests.PreparedRequest) -> requests.PreparedRequest:  # requests' auth API
        self.sign(prepared)
        return prepared


def backoff(attempt: int, retry_after_header: str | None) -> float:
    """How long to wait before attempt `attempt` + 1 of a throttled request: Retry-After when the
    server gives one, else exponential from 50 ms; never more than MAX_BACKOFF."""
    delay = retry_after(retry_after_header)
    return min(MAX_BACKOFF, delay if delay is not None else 0.05 * 2 ** (attempt - 1))


def retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# The request target of the request being sent, exactly as the check wrote it. urllib3 "repairs"
# targets before sending (a lone or malformed "%" becomes "%25", characters RFC 3986 does not allow
# are percent-encoded), so without this a malformed escape or a literal "{" would never reach the
# server; the pool below puts the check's own bytes back on the request line.
RAW_TARGET: contextvars.ContextVar[str | None] = contextvars.ContextVar("raw_target", default=None)
# Whether the request being sent went out on a connection that had already carried a response, and
# whether it must go out on a new one (the retry of a request that met a stale connection).
REUSED: contextvars.ContextVar[bool] = contextvars.ContextVar("reused", default=False)
FRESH: contextvars.ContextVar[bool] = contextvars.ContextVar("fresh", default=False)

# RFC 9112 §9.3.1: a request that met a reused connection closed before any byte of its response
# arrived may be retried on a new connection if it is idempotent. The suite retries these methods
# once, never a write (PUT, POST, PATCH) and never a request the server had begun to answer.
RETRIED_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
# What the standard library raises when the peer had closed before the response began: nothing
# read (RemoteDisconnected), or the request itself met the closed socket.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


def stale_connection(error: BaseException) -> BaseException | None:
    """The cause of `error` if it says the connection was closed before any response byte arrived
    (urllib3 and requests wrap it in their own errors), else None."""
    seen: set[int] = set()
    pending: list[Any] = [error]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, _STALE):
            return current
        pending += [current.__cause__, current.__context__, *current.args, getattr(current, "reason", None)]
    return None


def may_retry(method: str, error: BaseException) -> BaseException | None:
    """The stale-connection cause that lets `method` be sent once more on a new connection, or None."""
    return stale_connection(error) if method.upper() in RETRIED_METHODS and REUSED.get() else None


def retry_note(method: str, url: str, cause: BaseException) -> str:
    return (
        f"{method} {url} met a reused connection that the server had closed before answering "
        f"({type(cause).__name__}); sent once more on a new connection (RFC 9112 §9.3.1)"
    )


# urllib3 names its connection object at the head of a connection error: "HTTPConnection(host='h',
# port=9): Failed to establish a new connection: [Errno 111] Connection refused".
_CONNECTION_NAME = re.compile(r"^\w+\(host='[^']*', port=\d+\): ")


def plain(error: BaseException) -> str:
    """A transport error as a person reads it: without urllib3's connection object, and with the
    cause of a ('Connection aborted.', RemoteDisconnected(...)) pair given after its summary."""
    args = getattr(error, "args", ())
    if len(args) == 2 and isinstance(args[0], str) and isinstance(args[1], BaseException):
        cause = plain(args[1])  # urllib3 may have put it in its summary already: "Connection broken: IncompleteRead(…)"
        return args[0] if cause in args[0] else f"{args[0].rstrip('.')}: {cause}"
    return _CONNECTION_NAME.sub("", str(error)) or type(error).__name__


def _asks_to_close(headers: Any) -> bool:
    return any(str(name).lower() == "connection" and "close" in str(value).lower()
               for name, value in (headers or {}).items())  # fmt: skip


class _SuitePool:
    """Mixed into urllib3's pools: the request line carries RAW_TARGET when one is set; a connection
    on which the suite sent `Connection: close` is closed, never reused (RFC 9112 §9.6: a client
    that sends a close option MUST NOT send further requests on that connection), whether or not
    the server echoed the option; FRESH hands out a new connection."""

    def _make_request(self, conn: Any, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        conn.close_after_response = _asks_to_close(kwargs.get("headers"))
        return super()._make_request(conn, method, RAW_TARGET.get() or url, *args, **kwargs)  # type: ignore[misc]

    def _get_conn(self, timeout: float | None = None) -> Any:
        conn = super()._get_conn(timeout)  # type: ignore[misc]
        if FRESH.get():
            conn.close()
        return conn

    def _put_conn(self, conn: Any) -> None:
        if conn is not None and getattr(conn, "close_after_response", False):
            conn.close()
        super()._put_conn(conn)  # type: ignore[misc]


def _ack_at_once(sock: socket.socket | None) -> None:
    """Acknowledge what arrives at once instead of after the delayed-ACK timer (Linux). A server
    that writes a response's headers and body in two sends (Python's http.server does) holds the
    body, by Nagle's algorithm, until the headers are acknowledged: each response then waited
    about 40 ms, and a run against such a server took 37 s instead of 5."""
    if sock is not None and hasattr(socket, "TCP_QUICKACK"):
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)


class _SuiteConnection:
    """Mixed into urllib3's connections: counts the responses the open socket carried (REUSED tells
    the sender whether this request went out on a used one), and `_ack_at_once` before each."""

    answered = 0

    def request(self, *args: Any, **kwargs: Any) -> None:
        REUSED.set(self.sock is not None and self.answered > 0)  # type: ignore[attr-defined]
        super().request(*args, **kwargs)  # type: ignore[misc]

    def getresponse(self) -> Any:
        _ack_at_once(self.sock)  # type: ignore[attr-defined]
        response = super().getresponse()  # type: ignore[misc]
        self.answered += 1
        return response

    def close(self) -> None:
        self.answered = 0
        super().close()  # type: ignore[misc]


class _SuiteHTTPConnection(_SuiteConnection, urllib3.connection.HTTPConnection):
    pass


class _SuiteHTTPSConnection(_SuiteConnection, urllib3.connection.HTTPSConnection):
    pass


class _SuiteHTTPPool(_SuitePool, urllib3.HTTPConnectionPool):
    ConnectionCls = _SuiteHTTPConnection


class _SuiteHTTPSPool(_SuitePool, urllib3.HTTPSConnectionPool):
    ConnectionCls = _SuiteHTTPSConnection


class _SuiteAdapter(requests.adapters.HTTPAdapter):
    """The pools above under requests, for the generated requests' session (RAW_TARGET is not set
    for those, so their request line is urllib3's own)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _SuiteHTTPPool, "https": _SuiteHTTPSPool}


@dataclass(frozen=True)
class _Environment:
    """What requests takes from the environment for the target (the proxy for its URL, honouring
    NO_PROXY; a CA bundle; ~/.netrc credentials), read once per run: with `trust_env` on, requests
    re-reads os.environ twice per request, which was a fifth of the suite's per-request cost."""

    proxies: dict[str, str]
    ca_bundle: str | None
    netrc: tuple[str, str] | None

    @classmethod
    def read(cls, base_url: str) -> _Environment:
        return cls(requests.utils.get_environ_proxies(base_url),
                   os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE"),
                   requests.utils.get_netrc_auth(base_url))  # fmt: skip

    def apply(self, session: requests.Session) -> None:
        """Give `session` what was read, and stop it reading the environment again."""
        session.proxies.update(self.proxies)
        if self.ca_bundle:
            session.verify = self.ca_bundle
        if session.auth is None:
            session.auth = self.netrc
        session.trust_env = False


class BodyTooLarge(requests.exceptions.RequestException):
    """A response body over MAX_BODY: a failure (PC702), not an out-of-memory."""


def read_within(response: requests.Response, deadline: float) -> bytes:
    """Read a streamed body as it arrives (read1 returns whatever is there, so that a stream that
    trickles cannot hold a read past the deadline), bounded in time and in size. Raises
    ReadTimeout past the deadline and BodyTooLarge past MAX_BODY; closes the response."""
    chunks, size = [], 0
    try:
        while chunk := response.raw.read1(65536, decode_content=True):
            size += len(chunk)
            if size > MAX_BODY:
                raise BodyTooLarge
            if time.monotonic() > deadline:
                raise requests.exceptions.ReadTimeout("the body was still arriving at the deadline")
            chunks.append(chunk)
    finally:
        response.close()
    return b"".join(chunks)


class DeadlineSession(requests.Session):
    """A requests session whose every response, body included, arrives within `timeout` seconds or
    raises ReadTimeout (requests' own timeout bounds each read, not the whole response). A request
    that met a stale reused connection is sent once more on a new one (`may_retry`), and
    `on_retry` is told. A throttled request (429) is sent again after a backoff, up to
    `max_attempts` in all, as the checks' own requests are: where a server throttles does not
    change what a generated sequence goes on to send (the checks' own requests judge the 429s)."""

    def __init__(self, timeout: float, on_retry: Callable[[str], None] | None = None, max_attempts: int = 1,
                 breaker: Breaker | None = None, base_url: str = "") -> None:  # fmt: skip
        super().__init__()
        self.timeout = timeout
        self.on_retry = on_retry
        self.max_attempts = max_attempts
        self.breaker = breaker or Breaker(timeout)
        self.base_url = base_url

    def _send_retrying(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        try:
            REUSED.set(False)
            return super().send(request, **kwargs)
        except requests.exceptions.ConnectionError as error:
            cause = may_retry(str(request.method), error)
            if cause is None:
                raise
            if self.on_retry is not None:
                self.on_retry(retry_note(str(request.method), str(request.url), cause))
        fresh = FRESH.set(True)
        try:
            return super().send(request, **kwargs)
        finally:
            FRESH.reset(fresh)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        method, path = str(request.method), relative(str(request.url), self.base_url)
        for attempt in range(1, self.max_attempts + 1):
            self.breaker.admit(method, path)
            try:
                response = self._send_within(request, **kwargs)
            except requests.exceptions.Timeout:
                self.breaker.timed_out(method, path)
                raise
            self.breaker.answered(method, path)
            if response.status_code != 429 or attempt == self.max_attempts:
                return response
            time.sleep(backoff(attempt, response.headers.get("Retry-After")))
        raise AssertionError("unreachable")

    def _send_within(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        started = time.monotonic()
        kwargs["stream"] = True
        kwargs["timeout"] = (self.timeout, self.timeout)
        response = self._send_retrying(request, **kwargs)
        try:
            body = read_within(response, started + self.timeout)
        except requests.exceptions.RequestException:
            raise  # ReadTimeout, BodyTooLarge: already what the caller expects (and OSErrors too)
        except urllib3.exceptions.DecodeError as error:
            raise requests.exceptions.ContentDecodingError(error) from None
        except urllib3.exceptions.ReadTimeoutError as error:
            raise requests.exceptions.ReadTimeout(error) from None
        except (urllib3.exceptions.HTTPError, OSError) as error:
            raise requests.exceptions.ConnectionError(error) from None
        response._content = body  # what `response.content` returns from now on
        response._content_consumed = True
        return response


def _pool_manager(base_url: str, environment: _Environment) -> urllib3.PoolManager:
    """urllib3 pools that put RAW_TARGET on the request line, through the environment's proxy."""
    proxy = environment.proxies.get(urlsplit(base_url).scheme)
    # A kept-alive connection for each of clause 11's clients; one at a time uses one of them.
    kept = {"retries": False, "maxsize": CLIENTS}
    manager = urllib3.ProxyManager(proxy, **kept) if proxy else urllib3.PoolManager(**kept)
    if environment.ca_bundle:
        manager.connection_pool_kw["ca_certs"] = environment.ca_bundle
    manager.pool_classes_by_scheme = {"http": _SuiteHTTPPool, "https": _SuiteHTTPSPool}
    return manager


class _Response:
    """What `read_within` needs of a response: urllib3's own, as `raw`."""

    def __init__(self, raw: urllib3.BaseHTTPResponse) -> None:
        self.raw = raw

    def close(self) -> None:
        if not self.raw.isclosed():
            # The body was not read to its end (a timeout, a body too large): the connection cannot
            # carry another request, so it is closed, not returned to the pool as it is.
            self.raw.close()
        self.raw.release_conn()


class Client:
    """The checks' own requests go through urllib3 directly: requests' session machinery (hooks,
    cookies, environment look-ups, re-preparation) doubled the suite's cost per request, and a run
    sends hundreds of them. Generated requests keep going through a requests session, which
    Schemathesis needs (`generated_session`)."""

    def __init__(self, settings: Settings, signer: SigV4Signer | None = None) -> None:
        self.settings = settings
        self.signer = signer
        self._environment = _Environment.read(settings.base_url)
        self._pool = _pool_manager(settings.base_url, self._environment)
        # What requests would send by default, so that both kinds of request look alike to a server.
        self._headers = {"User-Agent": requests.utils.default_user_agent(), "Accept-Encoding": "gzip, deflate",
                         "Accept": "*/*", **settings.headers}  # fmt: skip
        netrc = self._environment.netrc
        if netrc and not any(name.lower() == "authorization" for name in self._headers):
            self._headers.update(urllib3.make_headers(basic_auth=":".join(netrc)))
        self._direct: urllib3.HTTPConnectionPool | None = None  # `_target_pool`, once looked up
        self.findings: Findings | None = None  # the current test's: warnings and observations
        self.ledger = Ledger()  # what the run wrote through the support calls
        self.breaker = Breaker(settings.timeout)  # what the server stopped answering is not sent again
        # Told of every exchange `send` ends with (the parity recorder, when the run keeps a transcript).
        self.on_exchange: Callable[[Exchange], None] | None = None

    def close(self) -> None:
        self.drop_connections()

    @contextlib.contextmanager
    def waiting_at_most(self, seconds: float | None) -> Iterator[None]:
        """Requests sent inside wait at most `seconds` for their answer (never longer than
        --timeout) and are not retried after a 429; None changes nothing."""
        if seconds is None:
            yield
            return
        kept = self.settings
        wait = min(kept.timeout, max(round(seconds, 1), 0.1))  # tenths: a timeout as a person would write it
        self.settings = dataclasses.replace(kept, timeout=wait, max_attempts=1)
        try:
            yield
        finally:
            self.settings = kept

    def drop_connections(self) -> None:
        """Close every kept-alive connection: the next requests open fresh ones."""
        self._pool.clear()
        self._direct = None

    def _target_pool(self) -> urllib3.HTTPConnectionPool | None:
        """The pool of connections to the target, when no proxy stands between (a proxy wants the
        whole URL, which the manager sends it). Sent through directly, a request skips the
        manager's look-up of its pool by URL: about 30 µs of each of a run's hundreds of requests
        (benchmarks/suite_runtime.py)."""
        if self._direct is None and not isinstance(self._pool, urllib3.ProxyManager):
            self._direct = self._pool.connection_from_url(self.settings.base_url)
        return self._direct

    def connects_directly(self) -> bool:
        """No proxy stands between the suite and the target."""
        return not isinstance(self._pool, urllib3.ProxyManager)

    def open_socket(self) -> socket.socket | None:
        """A new connection to the target (TLS set up for https://), for bytes no request of
        urllib3's would send; None where a proxy stands between. Raises ConformanceFailure (PC804)
        if it cannot be opened."""
        pool = self._target_pool()
        if pool is None:
            return None
        connection = pool._new_conn()
        connection.timeout = self.settings.timeout
        try:
            connection.connect()
        except (urllib3.exceptions.HTTPError, OSError) as error:
            fail("PC804", f"connection to {self.settings.base_url} failed: {plain(error)}")
        return connection.sock

    # Sending ------------------------------------------------------------------------------

    def send(self, method: str, path: str, *, body: bytes | None = None, headers: dict[str, Any] | None = None,
             sign: bool = True, absolute_form: bool = False, fields_reversed: bool = False) -> Exchange:  # fmt: skip
        """Send, retrying while the server throttles. Raises ConformanceFailure for transport
        problems (PC803, PC804) and for throttling without a MessageBody or without end.
        `absolute_form` puts the whole URL on the request line (RFC 9112 §3.2.2), not only its path.
        `fields_reversed` sends the header fields in the reverse of their usual order, led by
        `Connection: keep-alive` and ended by Host (which urllib3 would otherwise put first)."""
        for attempt in range(1, self.settings.max_attempts + 1):
            self.breaker.admit(method, path)
            try:
                exchange = self._send_once(method, path, body, headers, sign, absolute_form, fields_reversed)
            except ConformanceFailure as failure:  # no complete response: a transcript keeps it too
                if failure.check_id == "PC803":
                    self.breaker.timed_out(method, path)
                self._returned(*failure.exchanges)
                raise
            self.breaker.answered(method, path)
            if exchange.status != 429:
                self._returned(exchange)
                return exchange
            observe(self.findings, "PC801", "PC802")
            if method != "HEAD":  # an answer to HEAD has no body, a 429 included
                wire.check_message_body(exchange, "PC801")
            if attempt == self.settings.max_attempts:
                self._returned(exchange)
                fail("PC802", f"still 429 after {attempt} attempts with backoff", exchange)
            time.sleep(backoff(attempt, exchange.header("Retry-After")))
        raise AssertionError("unreachable")

    def _returned(self, *exchanges: Exchange) -> None:
        if self.on_exchange is not None:
            for exchange in exchanges:
                self.on_exchange(exchange)

    def _request_headers(self, method: str, headers: dict[str, Any] | None, body: bytes | None) -> dict[str, str]:
        """The default headers with the check's own on top (a header the check sets to None is not
        sent), and Content-Length as requests sends it: the body's length, or 0 for a method other
        than GET and HEAD without a body."""
        merged = dict(self._headers)
        if body is not None or method not in ("GET", "HEAD"):
            merged["Content-Length"] = str(len(body or b""))
        for name, value in (headers or {}).items():
            for existing in [key for key in merged if key.lower() == name.lower()]:
                del merged[existing]
            if value is not None:
                merged[name] = value
        return merged

    def _send_once(self, method: str, path: str, body: bytes | None, headers: dict[str, Any] | None,
                   sign: bool, absolute_form: bool = False, fields_reversed: bool = False) -> Exchange:  # fmt: skip
        url = self.settings.base_url + path  # exactly as the check encoded it: no re-quoting
        request_headers = self._request_headers(method, headers, body)
        signer = self.signer if sign else None
        if signer is not None:
            request_headers = signer.signed_headers(method, url, request_headers, body)
        if fields_reversed:  # urllib3 sends a Host it is given where it stands, and no Host of its own
            request_headers = {"Connection": "keep-alive", **dict(reversed(request_headers.items())),
                               "Host": urlsplit(url).netloc.rpartition("@")[2]}  # fmt: skip
        exchange = Exchange(method, url, request_headers, body, sigv4_region=signer and signer.region,
                            absolute_form=absolute_form)  # fmt: skip
        timeout = self.settings.timeout
        started = time.monotonic()
        direct = None if absolute_form else self._target_pool()
        # On the request line: the whole URL where the check asks for it (PC708) and where an HTTP
        # proxy stands between (it must learn the target, RFC 9112 §3.2.2); the path otherwise (to
        # the target itself, or inside an HTTPS proxy's tunnel).
        whole = absolute_form or (direct is None and urlsplit(url).scheme == "http")
        target = url if whole else urlsplit(self.settings.base_url).path + path
        token = RAW_TARGET.set(target)
        pool, sent_as = (direct, target) if direct else (self._pool, url)
        try:
            raw = self._urlopen(pool, exchange, sent_as, timeout)
            exchange.status = raw.status
            exchange.response_headers = dict(raw.headers)
            exchange.response_body = self._read_body(_Response(raw), exchange, started)
        except (requests.exceptions.ContentDecodingError, urllib3.exceptions.DecodeError) as error:
            exchange.error = f"the body does not decode as its Content-Encoding says ({error})"
            fail("PC704", exchange.error, exchange)
        except urllib3.exceptions.NewConnectionError as error:
            # Caught before TimeoutError: urllib3 2 makes a refused connection a ConnectTimeoutError too.
            exchange.error = f"connection failed: {plain(error)}"
            fail("PC804", exchange.error, exchange)
        except (requests.exceptions.Timeout, urllib3.exceptions.TimeoutError):
            exchange.error = f"no complete response within {timeout:g} s"
            fail("PC803", exchange.error, exchange)
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as error:
            reason = str(error)
            if "timed out" in reason.lower():
                exchange.error = f"no complete response within {timeout:g} s"
                fail("PC803", exchange.error, exchange)
            exchange.error = f"connection failed: {plain(error)}"
            fail("PC804", exchange.error, exchange)
        finally:
            RAW_TARGET.reset(token)
            exchange.elapsed_ms = (time.monotonic() - started) * 1000
        return exchange

    def _urlopen(self, pool: Any, exchange: Exchange, sent_as: str, timeout: float) -> urllib3.BaseHTTPResponse:
        """Send `exchange`'s request; once more, on a new connection, if it met a stale reused one
        (`may_retry`), noting the retry in the exchange and the test's findings."""

        def attempt() -> urllib3.BaseHTTPResponse:
            REUSED.set(False)
            return pool.urlopen(exchange.method, sent_as, body=exchange.request_body, headers=exchange.request_headers,
                                redirect=False, retries=False, preload_content=False, assert_same_host=False,
                                timeout=urllib3.Timeout(connect=timeout, read=timeout))  # fmt: skip

        try:
            return attempt()
        except (urllib3.exceptions.HTTPError, OSError) as error:
            cause = may_retry(exchange.method, error)
            if cause is None:
                raise
            self._note_retry(exchange, retry_note(exchange.method, exchange.url, cause))
        fresh = FRESH.set(True)
        try:
            return attempt()
        finally:
            FRESH.reset(fresh)

    def _note_retry(self, exchange: Exchange | None, note: str) -> None:
        if exchange is not None:
            exchange.retried = note
        if self.findings is not None:
            self.findings.note_retry(note)

    def _read_body(self, response: Any, exchange: Exchange, started: float) -> bytes:
        try:
            return read_within(response, started + self.settings.timeout)
        except BodyTooLarge:
            fail("PC702", f"the response body exceeds {MAX_BODY} bytes", exchange)
        except requests.exceptions.ReadTimeout:
            exchange.error = f"the body was still arriving after {self.settings.timeout:g} s"
            fail("PC803", exchange.error, exchange)

    def generated_session(self) -> requests.Session:
        """A session for the requests Schemathesis sends: the run's headers and signer, and the same
        bound on every response, body included."""
        session = DeadlineSession(self.settings.timeout, lambda note: self._note_retry(None, note),
                                  self.settings.max_attempts, self.breaker, self.settings.base_url)  # fmt: skip
        session.mount("http://", _SuiteAdapter())
        session.mount("https://", _SuiteAdapter())
        session.headers.update(self.settings.headers)
        if self.signer is not None:
            session.auth = self.signer
        self._environment.apply(session)
        return session

    # The User resource, checked on the wire -----------------------------------------------

    def user(self, method: str, application_id: str, user_id: str, *, path: str | None = None,
             headers: dict[str, Any] | None = None, absolute_form: bool = False,
             fields_reversed: bool = False, overlaps_writes: bool = False) -> Exchange:  # fmt: skip
        """Call the User resource and hold the response to the wire checks (clauses 3, 6, 7, 10).
        `overlaps_writes`: sent while other clients write the endpoints it may list (clause 11), so
        that it may show each of them as it was before or after any of those writes: the values it
        lists are not held to what the run wrote."""
        exchange = self.send(method, path or user_path(application_id, user_id), headers=headers,
                             absolute_form=absolute_form, fields_reversed=fields_reversed)  # fmt: skip
        ledger = None if overlaps_writes else self.ledger
        self._settle(wire.response_failures(exchange, self.settings.profile, self.findings, ledger))
        return exchange

    def _settle(self, failures: list[ConformanceFailure]) -> None:
        """One failure never hides another: a wire check's failure is recorded in the test's findings
        and the test goes on, unless it is the test's own check or the response cannot be read as
        an answer at all; then the first of those is raised."""
        findings = self.findings
        raised = [f for f in failures if f.unreadable or findings is None or f.check_id == findings.check]
        for failure in failures:
            if failure not in raised:
                findings.record(failure)  # type: ignore[union-attr]
        if raised:
            raise raised[0]
