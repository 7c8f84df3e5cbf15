#!/usr/bin/env python3
"""Raw-socket checks of the HTTP layer and hostile input. Starts nothing.

usage: python3 check_raw.py [--host 127.0.0.1] [--port 8080]
Exits non-zero if any answer is not a documented status with a MessageBody.
"""
import argparse
import json
import socket
import sys
import threading
import time

DOCUMENTED = {200, 201, 202, 400, 403, 404, 405, 413, 429, 500}
FAIL = []


def read_response(sock, timeout=5.0):
    """Read one response; returns (status, headers(list), body bytes, closed_after)."""
    sock.settimeout(timeout)
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed before headers: %r" % buf[:200])
        buf += chunk
    head, rest = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = [(l.split(":", 1)[0].strip().lower(), l.split(":", 1)[1].strip()) for l in lines[1:]]
    h = dict(headers)
    body = b""
    if h.get("transfer-encoding", "").lower() == "chunked":
        data = rest
        while True:
            while b"\r\n" not in data:
                data += sock.recv(65536)
            size_line, data = data.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            while len(data) < size + 2:
                data += sock.recv(65536)
            if size == 0:
                data = data[2:]
                break
            body += data[:size]
            data = data[size + 2:]
    elif "content-length" in h:
        n = int(h["content-length"])
        body = rest
        while len(body) < n:
            body += sock.recv(65536)
    return status, headers, body


def conn_closed(sock, wait=0.5):
    sock.settimeout(wait)
    try:
        return sock.recv(1) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def check(cond, what):
    print(("ok    " if cond else "FAIL  ") + what)
    if not cond:
        FAIL.append(what)


def send(host, port, raw, what, want=None, head=False):
    s = socket.create_connection((host, port))
    try:
        s.sendall(raw)
        status, headers, body = read_response(s)
    except Exception as e:
        check(False, f"{what}: no valid response ({e})")
        s.close()
        return None
    h = dict(headers)
    ok = status in DOCUMENTED and "x-amzn-requestid" in h
    if status >= 400:
        ok = ok and "x-amzn-errortype" in h
        if not head:
            try:
                j = json.loads(body)
                ok = ok and isinstance(j.get("Message"), str) and "RequestID" in j
            except Exception:
                ok = False
    if want is not None:
        ok = ok and status == want
    check(ok, f"{what}: {status} {h.get('x-amzn-errortype', '')}")
    s.close()
    return status, headers, body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8080)
    a = ap.parse_args()
    H, P = a.host, a.port

    def req(method, path, body=b"", extra=""):
        return (f"{method} {path} HTTP/1.1\r\nHost: x\r\n{extra}Content-Length: {len(body)}\r\n\r\n").encode() + body

    st, _, body = send(H, P, req("POST", "/v1/apps", b'{"Name":"raw"}'), "create app", 201)
    app = json.loads(body)["Id"]
    base = f"/v1/apps/{app}"

    # --- Connection: close is honoured without echoing the header -----------
    s = socket.create_connection((H, P))
    s.sendall(f"GET {base} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    status, headers, _ = read_response(s)
    names = [k for k, _ in headers]
    check(status == 200, "Connection: close request answered 200")
    check("connection" not in names, "no Connection header in the answer")
    check(dict(headers).get("transfer-encoding") == "chunked" and "content-length" not in names,
          "answer is chunked, no Content-Length")
    check(conn_closed(s, 2), "server closed the connection after answering")
    s.close()

    # --- keep-alive idles out after ~1 s ----------------------------------------
    s = socket.create_connection((H, P))
    s.sendall(f"GET {base} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    read_response(s)
    t = time.time()
    s.settimeout(5)
    try:
        closed = s.recv(1) == b""
    except socket.timeout:
        closed = False
    dt = time.time() - t
    check(closed and 0.8 <= dt <= 1.6, f"idle keep-alive connection closed after {dt:.2f}s")
    s.close()

    # --- pipelining: two requests in one write -----------------------------------
    s = socket.create_connection((H, P))
    s.sendall(f"GET {base} HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    a1 = read_response(s)[0]
    a2 = read_response(s)[0]
    check((a1, a2) == (200, 404), "pipelined requests answered in order")
    s.close()

    hostile = [
        ("%00 %01 %1F in user ID", req("GET", base + "/users/%00%01%1F"), 400),
        ("%7F in user ID", req("GET", base + "/users/a%7Fb"), 400),
        ("%ZZ", req("GET", base + "/users/%ZZ"), 400),
        ("truncated %", req("GET", base + "/users/ab%4"), 400),
        ("%C0%AF overlong UTF-8", req("GET", base + "/users/%C0%AF"), 400),
        ("%ED%A0%80 surrogate UTF-8", req("GET", base + "/users/%ED%A0%80"), 400),
        ("%FF", req("GET", base + "/users/%FF"), 400),
        ("2,000-char user ID", req("GET", base + "/users/" + "u" * 2000), 404),
        ("2,000-char endpoint ID PUT", req("PUT", base + "/endpoints/" + "e" * 2000, b"{}"), 202),
        ("20,000-char user ID", req("GET", base + "/users/" + "u" * 20000), 400),
        ("raw UTF-8 byte in path", f"GET {base}/users/".encode() + b"\xc3\xa9 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        ("unknown method FOO", req("FOO", base + "/users/x"), 405),
        ("PATCH on user resource", req("PATCH", base + "/users/x"), 405),
        ("POST on user resource", req("POST", base + "/users/x", b"{}"), 405),
        ("PROPFIND", req("PROPFIND", base), 405),
        ("OPTIONS", req("OPTIONS", base + "/users/x"), 405),
        ("OPTIONS *", b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 405),
        ("OPTIONS unknown path", req("OPTIONS", "/whatever"), 405),
        ("CONNECT", b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 405),
        ("TRACE", req("TRACE", base), 405),
        ("unknown path", req("GET", "/v2/whatever"), 404),
        ("root path", req("GET", "/"), 404),
        ("absolute-form target", f"GET http://x{base} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), 200),
        ("missing Host (HTTP/1.1)", f"GET {base} HTTP/1.1\r\n\r\n".encode(), 400),
        ("control char in header", f"GET {base} HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n".encode(), 400),
        ("header without colon", f"GET {base} HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n".encode(), 400),
        ("bad HTTP version", f"GET {base} HTTP/9.9\r\nHost: x\r\n\r\n".encode(), 400),
        ("garbage request line", b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n", 400),
        ("CL and TE both", f"PUT {base}/endpoints/e HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".encode(), 400),
        ("bad chunk size", f"PUT {base}/endpoints/e HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{{}}\r\n0\r\n\r\n".encode(), 400),
        ("chunked request body ok", f"PUT {base}/endpoints/e HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n".encode(), 202),
        ("negative Content-Length", f"PUT {base}/endpoints/e HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n".encode(), 400),
        ("Expect: foo", f"GET {base} HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n".encode(), 400),
        ("bad JSON", req("PUT", base + "/endpoints/e", b"{nope"), 400),
        ("invalid UTF-8 JSON", req("PUT", base + "/endpoints/e", b'{"Address":"\xc0\xaf"}'), 400),
        ("JSON array body", req("PUT", base + "/endpoints/e", b"[1]"), 400),
        ("JSON null body", req("PUT", base + "/endpoints/e", b"null"), 400),
        ("wrong member type", req("PUT", base + "/endpoints/e", b'{"Address":5}'), 400),
        ("bad ChannelType", req("PUT", base + "/endpoints/e", b'{"ChannelType":"FAX"}'), 400),
        ("attribute value not list", req("PUT", base + "/endpoints/e", b'{"Attributes":{"a":"b"}}'), 400),
        ("deep JSON nesting", req("PUT", base + "/endpoints/e", b"[" * 100000 + b"]" * 100000), 400),
        ("batch Item not list", req("PUT", base + "/endpoints", b'{"Item":{}}'), 400),
        ("batch item Id with {", req("PUT", base + "/endpoints", b'{"Item":[{"Id":"a{b"}]}'), 400),
        ("CreateApp without Name", req("POST", "/v1/apps", b"{}"), 400),
        ("CreateApp empty body", req("POST", "/v1/apps"), 400),
        ("body too large", req("PUT", base + "/endpoints/e", b" " * (3 * 1024 * 1024)), 413),
        ("declared body too large", f"PUT {base}/endpoints/e HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n".encode(), 413),
        ("endpoint ID %2F", req("GET", base + "/endpoints/a%2Fb"), 404),
        ("empty endpoint ID", req("GET", base + "/endpoints/"), 400),
        ("unknown app", req("GET", "/v1/apps/nope/users/x"), 404),
        ("GetApps bad page-size", req("GET", "/v1/apps?page-size=abc"), 400),
    ]
    for what, raw, want in hostile:
        send(H, P, raw, what, want)

    st = send(H, P, req("HEAD", base + "/users/x"), "HEAD", 405, head=True)

    # --- slow client does not block others ------------------------------------
    slow = socket.create_connection((H, P))
    slow.sendall(b"GET /v1/apps HTTP/1.1\r\nHo")
    send(H, P, req("GET", base), "request while another client stalls", 200)
    slow.close()

    # --- concurrency -------------------------------------------------------------
    errors = []

    def worker(n):
        try:
            for i in range(20):
                body = json.dumps({"User": {"UserId": "conc"}, "Address": f"a{n}-{i}"}).encode()
                s = socket.create_connection((H, P))
                s.sendall(req("PUT", f"{base}/endpoints/c-{n}-{i}", body))
                if read_response(s)[0] != 202:
                    errors.append("put")
                s.close()
        except Exception as e:
            errors.append(repr(e))

    ts = [threading.Thread(target=worker, args=(n,)) for n in range(10)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    s = socket.create_connection((H, P))
    s.sendall(req("GET", f"{base}/users/conc"))
    status, _, body = read_response(s)
    s.close()
    n = len(json.loads(body).get("Item", [])) if status == 200 else -1
    check(not errors and n == 200, f"200 concurrent writes all visible ({n}, errors={errors[:3]})")

    send(H, P, req("DELETE", base), "delete app", 200)
    print()
    print("all raw checks passed" if not FAIL else f"{len(FAIL)} raw check(s) FAILED")
    return 1 if FAIL else 0


if __name__ == "__main__":
    sys.exit(main())
