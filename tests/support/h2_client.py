#!/usr/bin/env python3
"""HTTP/2 client for relay7's integration tests (python3-h2), one JSON line on stdout.

  load     --port P --seconds S --connections C --streams M [--tls] [--path /]
           GETs on C connections with up to M streams each until S seconds have passed.
           A GOAWAY is followed as RFC 9113 section 6.8 says: streams above its last stream
           id were not processed and are sent again on a new connection ("retried"); any
           other stream that does not end in a response is "failed".
  upload   --port P --path PATH --bytes N [--expect]
           One POST whose body of N bytes is generated as it is sent (bounded memory on
           this side too), under the server's flow control. Prints status and body. With
           --expect it asks "Expect: 100-continue" and sends the body only after the 100.
  beside   --port P --slow-path PATH --slow-bytes N --fast-path PATH
           A slow upload on one stream, then a GET on another stream of the same
           connection: prints how long the GET took and whether the upload was still going.
  stall    --port P --path PATH --bytes N
           A POST announcing N bytes that sends 10 of them and then nothing: prints the
           status it got and after how long.
  websocket --port P --path PATH
           An extended CONNECT for WebSocket (RFC 8441), written as raw frames (python-h2
           cannot send :protocol): prints whether the server allowed it
           (SETTINGS_ENABLE_CONNECT_PROTOCOL), the status, what came back for the bytes sent,
           and whether the stream ended after the client ended its side.
"""
import argparse
import json
import socket
import ssl
import sys
import threading
import time

import h2.config
import h2.connection
import h2.events
import h2.errors
import h2.exceptions

# Bodies are bytes 0..255 repeated from the first byte on; a slice of PIECE starting at
# (offset % 256) continues the pattern for up to 16 KiB.
PIECE = bytes(range(256)) * 65
MAX_SLICE = 16384


def connect(port, tls, timeout=10.0):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.set_alpn_protocols(["h2"])
        sock = context.wrap_socket(sock, server_hostname="localhost")
        if sock.selected_alpn_protocol() != "h2":
            raise RuntimeError("ALPN did not choose h2")
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    return sock, conn


def headers_for(method, path, port, extra=()):
    return [(":method", method), (":path", path), (":scheme", "http"),
            (":authority", "127.0.0.1:%d" % port)] + list(extra)


class LoadStats:
    def __init__(self):
        self.lock = threading.Lock()
        self.completed = 0
        self.failed = 0
        self.retried = 0
        self.goaways = 0
        self.connections = 0
        self.errors = []

    def add(self, **counts):
        with self.lock:
            for key, value in counts.items():
                setattr(self, key, getattr(self, key) + value)

    def error(self, text):
        with self.lock:
            if len(self.errors) < 5:
                self.errors.append(text)


def load_connection(args, deadline, stats):
    """One connection at a time, reopened after each GOAWAY, until the deadline."""
    to_retry = 0
    while time.monotonic() < deadline or to_retry > 0:
        if time.monotonic() > deadline + 20:
            stats.add(failed=to_retry)
            stats.error("retries still pending 20 s after the end")
            return
        try:
            sock, conn = connect(args.port, args.tls)
        except OSError as error:
            stats.add(failed=to_retry)
            stats.error("connect: %s" % error)
            return
        stats.add(connections=1)
        open_streams = {}
        last_stream_id = None
        try:
            while True:
                while (last_stream_id is None and len(open_streams) < args.streams
                       and (time.monotonic() < deadline or to_retry > 0)):
                    stream_id = conn.get_next_available_stream_id()
                    conn.send_headers(stream_id, headers_for("GET", args.path, args.port),
                                      end_stream=True)
                    open_streams[stream_id] = {"status": None}
                    if to_retry > 0:
                        to_retry -= 1
                sock.sendall(conn.data_to_send())
                if not open_streams:
                    break
                data = sock.recv(65536)
                if not data:
                    raise ConnectionError("closed with %d streams open" % len(open_streams))
                for event in conn.receive_data(data):
                    if isinstance(event, h2.events.ResponseReceived):
                        open_streams[event.stream_id]["status"] = dict(event.headers)[b":status"]
                    elif isinstance(event, h2.events.DataReceived):
                        conn.acknowledge_received_data(event.flow_controlled_length,
                                                       event.stream_id)
                    elif isinstance(event, h2.events.StreamEnded):
                        stream = open_streams.pop(event.stream_id)
                        if stream["status"] == b"200":
                            stats.add(completed=1)
                        else:
                            stats.add(failed=1)
                            stats.error("status %s" % stream["status"])
                    elif isinstance(event, h2.events.StreamReset):
                        open_streams.pop(event.stream_id, None)
                        if event.error_code == h2.errors.ErrorCodes.REFUSED_STREAM:
                            stats.add(retried=1)
                            to_retry += 1
                        else:
                            stats.add(failed=1)
                            stats.error("reset %s" % event.error_code)
                    elif isinstance(event, h2.events.ConnectionTerminated):
                        stats.add(goaways=1)
                        last_stream_id = event.last_stream_id
                        if event.error_code == 0:
                            # python-h2 closes its state machine on any GOAWAY, but a graceful
                            # one lets the streams up to last_stream_id finish (RFC 9113
                            # section 6.8): reopened to read them; no new stream is started.
                            conn.state_machine.state = h2.connection.ConnectionState.CLIENT_OPEN
                        if event.error_code != 0:
                            stats.error("GOAWAY %s" % event.error_code)
                        for stream_id in [s for s in open_streams if s > last_stream_id]:
                            del open_streams[stream_id]
                            stats.add(retried=1)
                            to_retry += 1
                sock.sendall(conn.data_to_send())
        except (OSError, ConnectionError, h2.exceptions.ProtocolError) as error:
            if open_streams:
                stats.add(failed=len(open_streams))
                stats.error("%s: %s" % (type(error).__name__, error))
        finally:
            sock.close()


def run_load(args):
    stats = LoadStats()
    deadline = time.monotonic() + args.seconds
    threads = [threading.Thread(target=load_connection, args=(args, deadline, stats))
               for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"completed": stats.completed, "failed": stats.failed, "retried": stats.retried,
            "goaways": stats.goaways, "connections": stats.connections, "errors": stats.errors}


class Exchange:
    """Streams on one connection, driven by receive()."""

    def __init__(self, port, tls=False):
        self.port = port
        self.sock, self.conn = connect(port, tls, timeout=120.0)
        self.status = {}
        self.informational = []
        self.body = {}
        self.ended = set()
        self.flow_changed = False

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def receive(self, timeout=None):
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return
        if not data:
            raise ConnectionError("connection closed")
        for event in self.conn.receive_data(data):
            if isinstance(event, h2.events.ResponseReceived):
                self.status[event.stream_id] = int(dict(event.headers)[b":status"])
            elif isinstance(event, h2.events.InformationalResponseReceived):
                self.informational.append(int(dict(event.headers)[b":status"]))
            elif isinstance(event, h2.events.DataReceived):
                self.body.setdefault(event.stream_id, bytearray()).extend(event.data)
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                self.ended.add(event.stream_id)
            elif isinstance(event, h2.events.StreamReset):
                if event.error_code == 0 and event.stream_id in self.ended:
                    continue  # the response came whole; the server only stops the upload
                raise ConnectionError("stream %d reset: %s" % (event.stream_id, event.error_code))
            elif isinstance(event, h2.events.ConnectionTerminated):
                raise ConnectionError("GOAWAY %s" % event.error_code)
            elif isinstance(event, (h2.events.WindowUpdated, h2.events.RemoteSettingsChanged)):
                self.flow_changed = True
        self.flush()

    def send_some_body(self, stream_id, offset, remaining):
        """Sends what the flow-control windows allow now, continuing the pattern at `offset`;
        returns the bytes sent."""
        sent = 0
        while remaining - sent > 0:
            window = min(self.conn.local_flow_control_window(stream_id),
                         self.conn.max_outbound_frame_size, MAX_SLICE, remaining - sent)
            if window <= 0:
                break
            start = (offset + sent) % 256
            self.conn.send_data(stream_id, PIECE[start:start + window])
            sent += window
        self.flush()
        return sent



def run_upload(args):
    exchange = Exchange(args.port)
    stream_id = exchange.conn.get_next_available_stream_id()
    extra = [("content-length", str(args.bytes))]
    if args.expect:
        extra.append(("expect", "100-continue"))
    exchange.conn.send_headers(stream_id, headers_for("POST", args.path, args.port, extra))
    exchange.flush()
    deadline = time.monotonic() + 10
    while (args.expect and not exchange.informational and stream_id not in exchange.status
           and time.monotonic() < deadline):
        exchange.receive(timeout=0.5)
    sent = 0
    started = time.monotonic()
    while sent < args.bytes:
        sent += exchange.send_some_body(stream_id, sent, args.bytes - sent)
        if sent < args.bytes:
            exchange.receive()
    exchange.conn.end_stream(stream_id)
    exchange.flush()
    while stream_id not in exchange.ended:
        exchange.receive()
    return {"status": exchange.status.get(stream_id), "informational": exchange.informational,
            "sent": sent,
            "seconds": round(time.monotonic() - started, 3),
            "body": bytes(exchange.body.get(stream_id, b"")).decode("utf-8", "replace")}


def run_stall(args):
    exchange = Exchange(args.port)
    stream_id = exchange.conn.get_next_available_stream_id()
    exchange.conn.send_headers(stream_id, headers_for(
        "POST", args.path, args.port, [("content-length", str(args.bytes))]))
    exchange.conn.send_data(stream_id, PIECE[:10])
    exchange.flush()
    started = time.monotonic()
    while stream_id not in exchange.ended and time.monotonic() < started + 20:
        exchange.receive(timeout=0.5)
    return {"status": exchange.status.get(stream_id),
            "seconds": round(time.monotonic() - started, 3)}


def run_beside(args):
    exchange = Exchange(args.port)
    slow = exchange.conn.get_next_available_stream_id()
    exchange.conn.send_headers(slow, headers_for(
        "POST", args.slow_path, args.port, [("content-length", str(args.slow_bytes))]))
    exchange.flush()
    sent = 0
    # Fill the slow stream's window and more: the backend takes it slowly.
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and sent < args.slow_bytes:
        sent += exchange.send_some_body(slow, sent, args.slow_bytes - sent)
        exchange.receive(timeout=0.2)
    fast = exchange.conn.get_next_available_stream_id()
    started = time.monotonic()
    exchange.conn.send_headers(fast, headers_for("GET", args.fast_path, args.port),
                               end_stream=True)
    exchange.flush()
    while fast not in exchange.ended and time.monotonic() < started + 30:
        sent += exchange.send_some_body(slow, sent, args.slow_bytes - sent)
        exchange.receive(timeout=0.2)
    return {"fast_status": exchange.status.get(fast),
            "fast_ms": round((time.monotonic() - started) * 1000),
            "slow_sent": sent, "slow_done": slow in exchange.ended}


def raw_frame(kind, flags, stream_id, payload=b""):
    return (len(payload).to_bytes(3, "big") + bytes([kind, flags]) +
            stream_id.to_bytes(4, "big") + payload)


def read_raw_frames(sock, until, timeout=5.0):
    """Reads frames (type, flags, stream id, payload) until `until(frames)` or the timeout."""
    frames, data = [], b""
    deadline = time.monotonic() + timeout
    while not until(frames) and time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
        while len(data) >= 9 and len(data) >= 9 + int.from_bytes(data[:3], "big"):
            length = int.from_bytes(data[:3], "big")
            frames.append((data[3], data[4], int.from_bytes(data[5:9], "big") & 0x7fffffff,
                           data[9:9 + length]))
            data = data[9 + length:]
    return frames


def run_websocket(args):
    import hpack
    sock = socket.create_connection(("127.0.0.1", args.port), timeout=10)
    sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + raw_frame(4, 0, 0))
    frames = read_raw_frames(sock, lambda f: any(k == 4 and not fl & 1 for k, fl, _, _ in f))
    settings = {}
    for kind, flags, _, payload in frames:
        if kind == 4 and not flags & 1:
            for i in range(0, len(payload) - 5, 6):
                settings[int.from_bytes(payload[i:i + 2], "big")] = \
                    int.from_bytes(payload[i + 2:i + 6], "big")
    block = hpack.Encoder().encode([
        (":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "http"),
        (":authority", "127.0.0.1:%d" % args.port), (":path", args.path),
        ("sec-websocket-version", "13")])
    sock.sendall(raw_frame(4, 1, 0) + raw_frame(1, 4, 1, block))
    decoder = hpack.Decoder()
    status = None
    frames = read_raw_frames(sock, lambda f: any(k in (1, 3, 7) and s == 1 or k == 7
                                                 for k, _, s, _ in f))
    for kind, _, stream_id, payload in frames:
        if kind == 1 and stream_id == 1:
            status = int(dict(decoder.decode(payload))[":status"])
    echoed = b""
    ended = False
    if status == 200:
        message = b"hello over h2"  # the demo backend echoes a tunnel's bytes as they are
        sock.sendall(raw_frame(0, 0, 1, message))
        frames = read_raw_frames(sock, lambda f: sum(len(p) for k, _, s, p in f
                                                     if k == 0 and s == 1) >= len(message))
        echoed = b"".join(p for k, _, s, p in frames if k == 0 and s == 1)
        sock.sendall(raw_frame(0, 1, 1))  # END_STREAM: the client is done
        frames = read_raw_frames(sock, lambda f: any(s == 1 and (k == 3 or fl & 1)
                                                     for k, fl, s, _ in f))
        ended = any(s == 1 and k == 0 and fl & 1 for k, fl, s, _ in frames)
    sock.close()
    return {"enable_connect_protocol": settings.get(8), "status": status,
            "echoed": echoed.decode("latin-1"), "ended": ended}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["load", "upload", "beside", "stall", "websocket"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--path", default="/")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--streams", type=int, default=10)
    parser.add_argument("--bytes", type=int, default=0)
    parser.add_argument("--expect", action="store_true")
    parser.add_argument("--slow-path")
    parser.add_argument("--slow-bytes", type=int, default=0)
    parser.add_argument("--fast-path", default="/")
    args = parser.parse_args()
    try:
        result = {"load": run_load, "upload": run_upload, "beside": run_beside,
                  "stall": run_stall, "websocket": run_websocket}[args.mode](args)
    except (OSError, ConnectionError, h2.exceptions.ProtocolError, RuntimeError) as error:
        result = {"error": "%s: %s" % (type(error).__name__, error)}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
