#!/usr/bin/env python3
"""Opens N keep-alive client connections to one HTTP server and keeps them open, idle.

Used by bench/run.py for the "idle" scenario. Each connection sends one small GET request and
reads its whole response (so the server has really served it and gone back to waiting for the
next request), then stays open without sending anything more. When every connection is done,
one line is printed on stdout:

    READY ok=N failed=M first_error=...

The connections stay open until a line arrives on stdin (or stdin closes, or --hold seconds
pass), then all are closed and the program exits. Connections come from several loopback source
addresses (127.0.0.2, 127.0.0.3, ...) with IP_BIND_ADDRESS_NO_PORT, so ten thousand of them never
run short of ephemeral ports, even with earlier connections still in TIME_WAIT.

With --tls, each connection is a TLS connection (Python's ssl module, no certificate
verification, SNI "localhost", ALPN http/1.1) that completes its handshake and one request,
then stays open and idle the same way.

Standard library only; loopback addresses only.
"""

import argparse
import asyncio
import ipaddress
import resource
import socket
import ssl
import sys

IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)


def loopback(address):
    return ipaddress.ip_address(address) in ipaddress.ip_network("127.0.0.0/8")


def parse_head(head):
    """(status, Content-Length) of a response head without its final CRLF CRLF."""
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        elif name.strip().lower() == b"transfer-encoding":
            raise ConnectionError("unexpected Transfer-Encoding in the response")
    return status, length


async def read_response(loop, sock, timeout):
    """Reads one response with a Content-Length body; returns the status code."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = await asyncio.wait_for(loop.sock_recv(sock, 4096), timeout)
        if not chunk:
            raise ConnectionError("connection closed before the response head")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status, length = parse_head(head)
    while len(body) < length:
        chunk = await asyncio.wait_for(loop.sock_recv(sock, 65536), timeout)
        if not chunk:
            raise ConnectionError("connection closed in the middle of the body")
        body += chunk
    return status


async def read_response_stream(reader, timeout):
    """The same as read_response, from an asyncio stream (the TLS case)."""
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    status, length = parse_head(head[:-4])
    if length:
        await asyncio.wait_for(reader.readexactly(length), timeout)
    return status


class TlsConnection:
    """An open TLS connection: its stream pair."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    def closed_by_server(self):
        # The event loop ran during the hold, so a close_notify or FIN has been read by now.
        return self.reader.at_eof() or self.writer.transport.is_closing()

    def close(self):
        self.writer.close()


def tls_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


async def connect_from(loop, host, port, source, timeout):
    """A non-blocking socket connected from the loopback address `source`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1)
        sock.bind((source, 0))
        sock.setblocking(False)
        await asyncio.wait_for(loop.sock_connect(sock, (host, port)), timeout)
        return sock
    except BaseException:
        sock.close()
        raise


async def open_one_tls(loop, host, port, source, request, limiter, timeout, ctx):
    async with limiter:
        sock = await connect_from(loop, host, port, source, timeout)
        reader, writer = await asyncio.wait_for(asyncio.open_connection(
            sock=sock, ssl=ctx, server_hostname="localhost", ssl_handshake_timeout=timeout),
            timeout)
        try:
            writer.write(request)
            await asyncio.wait_for(writer.drain(), timeout)
            status = await read_response_stream(reader, timeout)
            if status >= 400:
                raise ConnectionError(f"status {status}")
            return TlsConnection(reader, writer)
        except BaseException:
            writer.close()
            raise


async def open_one(loop, host, port, source, request, limiter, timeout):
    async with limiter:
        sock = await connect_from(loop, host, port, source, timeout)
        try:
            await asyncio.wait_for(loop.sock_sendall(sock, request), timeout)
            status = await read_response(loop, sock, timeout)
            if status >= 400:
                raise ConnectionError(f"status {status}")
            return sock
        except BaseException:
            sock.close()
            raise


async def main_async(args):
    loop = asyncio.get_running_loop()
    request = (f"GET {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n"
               "User-Agent: relay7-bench-idle\r\n\r\n").encode()
    limiter = asyncio.Semaphore(args.concurrency)
    sources = [f"127.0.0.{2 + i}" for i in range(args.sources)]
    if args.tls:
        ctx = tls_context()
        tasks = [asyncio.ensure_future(open_one_tls(loop, args.host, args.port,
                                                    sources[i % len(sources)], request, limiter,
                                                    args.timeout, ctx))
                 for i in range(args.connections)]
        kind = TlsConnection
    else:
        tasks = [asyncio.ensure_future(open_one(loop, args.host, args.port,
                                                sources[i % len(sources)], request, limiter,
                                                args.timeout))
                 for i in range(args.connections)]
        kind = socket.socket
    results = await asyncio.gather(*tasks, return_exceptions=True)
    socks = [r for r in results if isinstance(r, kind)]
    errors = [r for r in results if not isinstance(r, kind)]
    first = repr(errors[0]).replace("\n", " ") if errors else "-"
    print(f"READY ok={len(socks)} failed={len(errors)} first_error={first}", flush=True)

    # Hold until told to close (a line or EOF on stdin), bounded by --hold.
    reader_done = loop.run_in_executor(None, sys.stdin.readline)
    try:
        await asyncio.wait_for(reader_done, args.hold)
    except asyncio.TimeoutError:
        pass
    # Count connections the server closed while they were idle: readable with EOF.
    closed_by_server = 0
    for sock in socks:
        if args.tls:
            closed_by_server += sock.closed_by_server()
            sock.close()
            continue
        try:
            if sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                closed_by_server += 1
        except (BlockingIOError, InterruptedError):
            pass
        except OSError:
            closed_by_server += 1
        sock.close()
    if args.tls:
        await asyncio.sleep(0.1)  # let the transports send their close_notify and close
    print(f"CLOSED closed_by_server={closed_by_server}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/")
    parser.add_argument("--connections", type=int, default=10000)
    parser.add_argument("--concurrency", type=int, default=200,
                        help="connections being opened at the same time")
    parser.add_argument("--sources", type=int, default=8,
                        help="number of source addresses 127.0.0.2, 127.0.0.3, ...")
    parser.add_argument("--timeout", type=float, default=10.0, help="per step, seconds")
    parser.add_argument("--hold", type=float, default=120.0,
                        help="longest time to keep the connections open, seconds")
    parser.add_argument("--tls", action="store_true",
                        help="TLS connections (no certificate verification)")
    args = parser.parse_args()
    if not loopback(args.host):
        parser.error("only loopback addresses are allowed")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, args.connections + 256) if hard != resource.RLIM_INFINITY else args.connections + 256
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
