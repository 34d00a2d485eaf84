#!/usr/bin/env python3
"""listen.py - loopback listeners for vosctl's probe tests and benchmarks.

usage: listen.py [--lifetime S] [--ready FILE] SPEC...

SPEC is KIND:ADDRESS:PORT[-LAST] with KIND one of
  tcp      accept, then close when the client does
  http200  answer any request with 200 and the body "ok vosctl-test"
  http500  answer any request with 500
  hang     accept and never answer
  https    like http200 over TLS; needs --cert FILE --key FILE
--record FILE appends the head of every http(s) request (request line and headers) to FILE.
Only 127.0.0.0/8 addresses are accepted. The process exits after --lifetime seconds (default 60)
or on SIGTERM, and writes FILE (--ready) once every listener is bound.
"""
import argparse
import asyncio
import ipaddress
import os
import signal
import ssl
import sys

BODY200 = b"ok vosctl-test"


def parse_spec(spec):
    # KIND:ADDR:PORTS, ADDR an IPv4 address or an IPv6 one in brackets ([::1])
    kind, rest = spec.split(":", 1)
    addr, ports = rest.rsplit(":", 1)
    addr = addr.strip("[]")
    if kind not in ("tcp", "http200", "http500", "hang", "https"):
        raise ValueError("unknown kind %r" % kind)
    if not ipaddress.ip_address(addr).is_loopback:
        raise ValueError("refusing non-loopback address %s" % addr)
    if "-" in ports:
        a, b = ports.split("-")
        rng = range(int(a), int(b) + 1)
    else:
        rng = range(int(ports), int(ports) + 1)
    return [(kind, addr, p) for p in rng]


async def read_request(reader):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = await reader.read(4096)
        if not chunk:
            break
        data += chunk
    return data


RECORD = None


def handler(kind):
    async def handle(reader, writer):
        try:
            if kind in ("http200", "https", "http500"):
                req = await read_request(reader)
                if RECORD:
                    with open(RECORD, "ab") as f:
                        f.write(req.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")
                if kind == "http500":
                    body = b"broken"
                    head = b"HTTP/1.1 500 Internal Server Error\r\n"
                else:
                    body = BODY200
                    head = b"HTTP/1.1 200 OK\r\n"
                writer.write(head + b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
                await writer.drain()
            else:  # tcp and hang: hold the connection until the client goes
                while await reader.read(4096):
                    pass
        except (ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass
    return handle


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lifetime", type=float, default=60)
    ap.add_argument("--ready")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--record")
    ap.add_argument("specs", nargs="+")
    args = ap.parse_args()
    global RECORD
    RECORD = args.record
    targets = []
    for s in args.specs:
        targets += parse_spec(s)
    if len(targets) > 70000:
        sys.exit("too many listeners")
    sslctx = None
    if any(k == "https" for k, _, _ in targets):
        sslctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        sslctx.load_cert_chain(args.cert, args.key)
    servers = []
    for kind, addr, port in targets:
        srv = await asyncio.start_server(handler(kind), addr, port, backlog=1024,
                                         ssl=sslctx if kind == "https" else None,
                                         reuse_address=True)
        servers.append(srv)
    if args.ready:
        tmp = args.ready + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(tmp, args.ready)
    # SIGTERM keeps its default action (exit at once); the lifetime bounds a forgotten listener
    await asyncio.sleep(args.lifetime)
    for s in servers:
        s.close()


if __name__ == "__main__":
    asyncio.run(main())
