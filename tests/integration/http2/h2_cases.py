#!/usr/bin/python3
"""HTTP/2 conformance and flood cases against one server, frame by frame.

Each case opens its own connection, writes frames byte by byte (struct for the frame layout,
hpack's Encoder for header blocks, so malformed frames that a client library would refuse to
emit can be sent), reads the server's frames with its own small reader, and reports the first
decisive thing the server did as one string:

  "GOAWAY <CODE>"       a connection error (the GOAWAY's error code)
  "RST_STREAM <CODE>"   a stream error
  "RESPONSE <status>"   a complete response (some cases add what they checked in it)
  "PING_ACK"            the server ignored what it was sent and answered a PING sent after it
  "SETTINGS_ACK"        the server acknowledged the client's SETTINGS
  "CLOSED"              the connection closed without a GOAWAY
  "TIMEOUT"             nothing decisive in time: a hung case fails

Cases are listed by RFC 9113 section (HPACK's by RFC 7541), each with the outcome expected of
relay7 (libnghttp2 with its HTTP messaging checks, as the issue's contract says). Usage:

  h2_cases.py --port N [--tls] [--case NAME | --section PREFIX] [--list]

prints one JSON object per line: name, section, expected (a list of accepted outcomes, one
except where the contract allows two), got, passed, and detail.
"""

import argparse
import json
import os
import select
import signal
import socket
import ssl
import struct
import sys
import time

import hpack

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

DATA = 0x0
HEADERS = 0x1
PRIORITY = 0x2
RST_STREAM = 0x3
SETTINGS = 0x4
PUSH_PROMISE = 0x5
PING = 0x6
GOAWAY = 0x7
WINDOW_UPDATE = 0x8
CONTINUATION = 0x9

FLAG_END_STREAM = 0x1
FLAG_ACK = 0x1
FLAG_END_HEADERS = 0x4
FLAG_PADDED = 0x8
FLAG_PRIORITY = 0x20

SETTINGS_HEADER_TABLE_SIZE = 0x1
SETTINGS_ENABLE_PUSH = 0x2
SETTINGS_MAX_CONCURRENT_STREAMS = 0x3
SETTINGS_INITIAL_WINDOW_SIZE = 0x4
SETTINGS_MAX_FRAME_SIZE = 0x5
SETTINGS_MAX_HEADER_LIST_SIZE = 0x6

ERROR_NAMES = {
    0x0: "NO_ERROR",
    0x1: "PROTOCOL_ERROR",
    0x2: "INTERNAL_ERROR",
    0x3: "FLOW_CONTROL_ERROR",
    0x4: "SETTINGS_TIMEOUT",
    0x5: "STREAM_CLOSED",
    0x6: "FRAME_SIZE_ERROR",
    0x7: "REFUSED_STREAM",
    0x8: "CANCEL",
    0x9: "COMPRESSION_ERROR",
    0xA: "CONNECT_ERROR",
    0xB: "ENHANCE_YOUR_CALM",
    0xC: "INADEQUATE_SECURITY",
    0xD: "HTTP_1_1_REQUIRED",
}
CANCEL = 0x8

DEFAULT_WAIT = 3.0


def error_name(code):
    return ERROR_NAMES.get(code, "0x%x" % code)


def frame(kind, flags, stream_id, payload=b""):
    header = struct.pack(">I", len(payload))[1:] + struct.pack(">BBI", kind, flags, stream_id)
    return header + payload


def settings_frame(pairs=(), flags=0, stream_id=0):
    return frame(SETTINGS, flags, stream_id, b"".join(struct.pack(">HI", k, v) for k, v in pairs))


def ping_frame(payload=b"relay7!!", flags=0):
    return frame(PING, flags, 0, payload)


def window_update(stream_id, increment):
    return frame(WINDOW_UPDATE, 0, stream_id, struct.pack(">I", increment))


def rst_stream(stream_id, code):
    return frame(RST_STREAM, 0, stream_id, struct.pack(">I", code))


def priority_payload(depends_on, weight=15, exclusive=False):
    return struct.pack(">IB", depends_on | (0x80000000 if exclusive else 0), weight)


def fnv1a64(data):
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % value


class Response:
    def __init__(self):
        self.status = None
        self.headers = []
        self.trailers = []
        self.data = bytearray()
        self.data_frames = 0
        self.ended = False


class Peer:
    """One client connection and everything the server has sent on it so far."""

    def __init__(self, options):
        self.options = options
        self.sock = socket.create_connection((options.host, options.port), timeout=5)
        self.alpn = None
        if options.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            context.set_alpn_protocols(options.alpn)
            self.sock = context.wrap_socket(self.sock, server_hostname=options.authority)
            self.alpn = self.sock.selected_alpn_protocol()
        self.sock.setblocking(False)
        self.scheme = "https" if options.tls else "http"
        self.encoder = hpack.Encoder()
        self.decoder = hpack.Decoder()
        self.decoder.max_header_list_size = 1 << 24
        self.inbox = b""
        self.server_settings = {}
        self.settings_seen = 0
        self.settings_acks = 0
        self.ping_acks = []
        self.goaway = None  # the first: (code, last stream id, debug data)
        self.goaways = []  # every one: (code, last stream id)
        self.timeline = []  # every GOAWAY and complete response, in order
        self.rsts = []
        self.responses = {}
        self.window_updates = 0
        self.window_credit = {}  # stream id (0: the connection) -> WINDOW_UPDATE increments
        self.closed = False
        self.send_failed = False
        self.events = []
        self.header_block = None  # (stream_id, kind, bytes) while a block is continued

    # --- sending -------------------------------------------------------------------------

    def send(self, data):
        view = memoryview(data)
        deadline = time.monotonic() + 10
        while view and not self.send_failed:
            try:
                sent = self.sock.send(view)
                view = view[sent:]
            except (ssl.SSLWantWriteError, BlockingIOError, ssl.SSLWantReadError):
                # The server is not reading: keep reading what it sends so neither side stalls.
                self.pump(0.05)
                if time.monotonic() > deadline:
                    self.send_failed = True
            except OSError:
                self.send_failed = True

    def start(self, settings=()):
        self.send(PREFACE + settings_frame(settings))

    def request_fields(self, method="GET", path="/", extra=()):
        fields = [
            (":method", method),
            (":scheme", self.scheme),
            (":authority", self.options.authority),
            (":path", path),
        ]
        return fields + list(extra)

    def block(self, fields):
        return self.encoder.encode(fields, huffman=False)

    def headers(self, stream_id, fields, end_stream=True, end_headers=True, flags=0):
        flags |= (FLAG_END_STREAM if end_stream else 0) | (FLAG_END_HEADERS if end_headers else 0)
        self.send(frame(HEADERS, flags, stream_id, self.block(fields)))

    def get(self, stream_id, path="/", extra=(), method="GET"):
        self.headers(stream_id, self.request_fields(method, path, extra))

    def data(self, stream_id, payload, end_stream=True):
        self.send(frame(DATA, FLAG_END_STREAM if end_stream else 0, stream_id, payload))

    # --- receiving -----------------------------------------------------------------------

    def pump(self, timeout):
        """Reads what arrives within `timeout` seconds; False once the connection is closed."""
        if self.closed:
            return False
        pending = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending() > 0
        if not pending:
            readable, _, _ = select.select([self.sock], [], [], max(timeout, 0))
            if not readable:
                return True
        try:
            chunk = self.sock.recv(65536)
        except (ssl.SSLWantReadError, BlockingIOError):
            return True
        except OSError:
            chunk = b""
        if not chunk:
            self.closed = True
            return False
        self.inbox += chunk
        self.parse_frames()
        return True

    def drain(self):
        """Reads whatever has already arrived, without waiting."""
        while not self.closed:
            pending = isinstance(self.sock, ssl.SSLSocket) and self.sock.pending() > 0
            if not pending and not select.select([self.sock], [], [], 0)[0]:
                return
            self.pump(0)

    def parse_frames(self):
        while len(self.inbox) >= 9:
            length = struct.unpack(">I", b"\0" + self.inbox[:3])[0]
            if len(self.inbox) < 9 + length:
                return
            kind, flags, stream_id = struct.unpack(">BBI", self.inbox[3:9])
            payload = self.inbox[9 : 9 + length]
            self.inbox = self.inbox[9 + length :]
            self.on_frame(kind, flags, stream_id & 0x7FFFFFFF, payload)

    def response(self, stream_id):
        return self.responses.setdefault(stream_id, Response())

    def on_frame(self, kind, flags, stream_id, payload):
        if kind == SETTINGS:
            if flags & FLAG_ACK:
                self.settings_acks += 1
            else:
                for at in range(0, len(payload) - 5, 6):
                    key, value = struct.unpack(">HI", payload[at : at + 6])
                    self.server_settings[key] = value
                self.settings_seen += 1
                self.send(settings_frame(flags=FLAG_ACK))
        elif kind == PING:
            if flags & FLAG_ACK:
                self.ping_acks.append(payload)
            else:
                self.send(ping_frame(payload, FLAG_ACK))
        elif kind == GOAWAY:
            last_stream, code = struct.unpack(">II", payload[:8])
            self.goaways.append((code, last_stream & 0x7FFFFFFF))
            self.timeline.append("GOAWAY %s last=%d" % (error_name(code), last_stream & 0x7FFFFFFF))
            if self.goaway is None:
                self.goaway = (code, last_stream & 0x7FFFFFFF, payload[8:])
                self.events.append("GOAWAY " + error_name(code))
        elif kind == RST_STREAM:
            code = struct.unpack(">I", payload[:4])[0]
            self.rsts.append((stream_id, code))
            self.events.append("RST_STREAM " + error_name(code))
        elif kind in (HEADERS, CONTINUATION):
            fragment = payload
            if kind == HEADERS:
                fragment = self.unpad(flags, payload)
                if flags & FLAG_PRIORITY:
                    fragment = fragment[5:]
                self.header_block = (stream_id, flags, fragment)
            elif self.header_block is not None:
                first_stream, first_flags, earlier = self.header_block
                self.header_block = (first_stream, first_flags | flags, earlier + fragment)
            if flags & FLAG_END_HEADERS and self.header_block is not None:
                first_stream, all_flags, block = self.header_block
                self.header_block = None
                self.on_header_block(first_stream, all_flags, block)
        elif kind == DATA:
            response = self.response(stream_id)
            response.data += self.unpad(flags, payload)
            response.data_frames += 1
            if flags & FLAG_END_STREAM:
                self.end_response(stream_id)
        elif kind == WINDOW_UPDATE:
            self.window_updates += 1
            increment = struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF
            self.window_credit[stream_id] = self.window_credit.get(stream_id, 0) + increment

    @staticmethod
    def unpad(flags, payload):
        if flags & FLAG_PADDED and payload:
            return payload[1 : len(payload) - payload[0]]
        return payload

    def on_header_block(self, stream_id, flags, block):
        fields = [(str(n), str(v)) for n, v in self.decoder.decode(block, raw=False)]
        response = self.response(stream_id)
        status = dict(fields).get(":status")
        if status is not None and response.status is None:
            if not status.startswith("1"):
                response.status = int(status)
                response.headers = fields
        elif response.status is not None:
            response.trailers = fields
        if flags & FLAG_END_STREAM:
            self.end_response(stream_id)

    def end_response(self, stream_id):
        response = self.response(stream_id)
        response.ended = True
        self.events.append("RESPONSE %s" % response.status)
        self.timeline.append("RESPONSE %s" % response.status)

    def wait(self, done, timeout=DEFAULT_WAIT):
        """Reads until done() holds, the connection closes, or timeout; returns done()."""
        deadline = time.monotonic() + timeout
        while not done():
            left = deadline - time.monotonic()
            if left <= 0 or not self.pump(min(left, 0.2)):
                break
        return done()

    def outcome(self, timeout=DEFAULT_WAIT, ping_sentinel=False):
        """The first decisive event. With ping_sentinel, a PING is sent first, so a server that
        ignores what came before answers PING_ACK."""
        if ping_sentinel:
            self.send(ping_frame(b"sentinel"))
        decisive = lambda: self.events or (ping_sentinel and b"sentinel" in self.ping_acks)
        self.wait(decisive, timeout)
        if self.events:
            return self.events[0]
        if ping_sentinel and b"sentinel" in self.ping_acks:
            return "PING_ACK"
        return "CLOSED" if self.closed else "TIMEOUT"

    def handshake(self, settings=()):
        """Preface and SETTINGS both ways; the server's SETTINGS are read before returning."""
        self.start(settings)
        self.wait(lambda: self.settings_seen > 0 and self.settings_acks > 0)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


CASES = []


class Case:
    def __init__(self, section, name, expected, run, doc):
        self.section = section
        self.name = name
        self.expected = expected if isinstance(expected, list) else [expected]
        self.run = run
        self.doc = (doc or "").strip()


def case(section, name, expected):
    def register(function):
        CASES.append(Case(section, name, expected, function, function.__doc__))
        return function

    return register


def opened(options, settings=()):
    peer = Peer(options)
    peer.handshake(settings)
    return peer


def sends(section, name, expected, build, open_stream=False):
    """A case that sends what build(peer) returns once the connection is set up (after opening
    stream 1 with a POST left open, if asked) and reports the server's answer."""

    def run(o):
        peer = opened(o)
        if open_stream:
            peer.headers(1, peer.request_fields("POST", "/"), end_stream=False)
        peer.send(build(peer))
        return peer.outcome()

    CASES.append(Case(section, name, expected, run, None))


# === RFC 9113 3.4: the connection preface ======================================================


@case("3.4", "3.4/http1-request-instead-of-preface", ["CLOSED", "GOAWAY PROTOCOL_ERROR"])
def _(o):
    """An HTTP/1.1 request where the preface belongs."""
    peer = Peer(o)
    peer.send(b"GET / HTTP/1.1\r\nHost: h2.test\r\n\r\n")
    return peer.outcome()


@case("3.4", "3.4/preface-not-followed-by-settings", "GOAWAY PROTOCOL_ERROR")
def _(o):
    """The first frame after the preface must be SETTINGS."""
    peer = Peer(o)
    peer.send(PREFACE + ping_frame())
    return peer.outcome()


@case("3.4", "3.4/settings-acknowledged", "SETTINGS_ACK")
def _(o):
    peer = Peer(o)
    peer.start([(SETTINGS_INITIAL_WINDOW_SIZE, 65535)])
    peer.wait(lambda: peer.settings_acks > 0)
    return "SETTINGS_ACK" if peer.settings_acks else peer.outcome()


# === 4.1 frame format, 4.2 frame size, 4.3 field section compression ===========================


@case("4.1", "4.1/unknown-frame-type-ignored", "PING_ACK")
def _(o):
    peer = opened(o)
    peer.send(frame(0x42, 0, 0, b"extension"))
    return peer.outcome(ping_sentinel=True)


@case("4.1", "4.1/undefined-flags-ignored", "PING_ACK")
def _(o):
    peer = opened(o)
    peer.send(frame(PING, 0x16, 0, b"sentinel"))
    peer.wait(lambda: peer.ping_acks or peer.events)
    return "PING_ACK" if b"sentinel" in peer.ping_acks else peer.outcome()


@case("4.1", "4.1/reserved-stream-bit-ignored", "RESPONSE 200")
def _(o):
    peer = opened(o)
    peer.send(frame(HEADERS, FLAG_END_STREAM | FLAG_END_HEADERS, 0x80000001,
                    peer.block(peer.request_fields())))
    return peer.outcome()


@case("4.2", "4.2/data-of-max-frame-size-accepted", "RESPONSE 200")
def _(o):
    peer = opened(o)
    peer.headers(1, peer.request_fields("POST", "/upload", [("content-length", "16384")]),
                 end_stream=False)
    peer.data(1, b"x" * 16384)
    return peer.outcome()


@case("4.2", "4.2/data-over-max-frame-size", "GOAWAY FRAME_SIZE_ERROR")
def _(o):
    peer = opened(o)
    peer.headers(1, peer.request_fields("POST", "/upload"), end_stream=False)
    peer.data(1, b"x" * 16385)
    return peer.outcome()


@case("4.2", "4.2/headers-over-max-frame-size", "GOAWAY FRAME_SIZE_ERROR")
def _(o):
    peer = opened(o)
    fields = peer.request_fields(extra=[("x-filler-%d" % i, "v" * 100) for i in range(170)])
    block = peer.block(fields)
    assert len(block) > 16384
    peer.send(frame(HEADERS, FLAG_END_STREAM | FLAG_END_HEADERS, 1, block))
    return peer.outcome()


sends("4.2", "4.2/ping-over-max-frame-size", "GOAWAY FRAME_SIZE_ERROR",
      lambda peer: frame(PING, 0, 0, b"\0" * 16392))


@case("4.3", "4.3/garbage-header-block", "GOAWAY COMPRESSION_ERROR")
def _(o):
    peer = opened(o)
    # 0xff 0xff ...: an indexed field whose index never ends.
    peer.send(frame(HEADERS, FLAG_END_STREAM | FLAG_END_HEADERS, 1, b"\xff" * 16))
    return peer.outcome()


def interrupted_block(section, name, between, continuation_stream=1):
    """A request's header block cut after 5 bytes, with between(peer, block) sent before the
    CONTINUATION (on continuation_stream) that would end it: a connection error."""

    def run(o):
        peer = opened(o)
        block = peer.block(peer.request_fields())
        peer.send(frame(HEADERS, FLAG_END_STREAM, 1, block[:5]) + between(peer, block) +
                  frame(CONTINUATION, FLAG_END_HEADERS, continuation_stream, block[5:]))
        return peer.outcome()

    CASES.append(Case(section, name, "GOAWAY PROTOCOL_ERROR", run, None))


interrupted_block("4.3", "4.3/priority-inside-header-block",
                  lambda peer, block: frame(PRIORITY, 0, 1, priority_payload(0)))
interrupted_block("4.3", "4.3/other-stream-inside-header-block",
                  lambda peer, block: frame(HEADERS, FLAG_END_STREAM | FLAG_END_HEADERS, 3, block))


# === 5.1 stream states ==========================================================================


@case("5.1", "5.1/idle-data", "GOAWAY PROTOCOL_ERROR")
def _(o):
    peer = opened(o)
    peer.data(1, b"x")
    return peer.outcome()


sends("5.1", "5.1/idle-rst-stream", "GOAWAY PROTOCOL_ERROR", lambda peer: rst_stream(1, CANCEL))
sends("5.1", "5.1/idle-window-update", "GOAWAY PROTOCOL_ERROR", lambda peer: window_update(1, 100))
sends("5.1", "5.1/idle-continuation", "GOAWAY PROTOCOL_ERROR",
      lambda peer: frame(CONTINUATION, FLAG_END_HEADERS, 1, peer.block(peer.request_fields())))


@case("5.1", "5.1/half-closed-remote-data", "GOAWAY STREAM_CLOSED")
def _(o):
    """The request ended (END_STREAM) while the backend takes its time to answer."""
    peer = opened(o)
    peer.get(1, "/?delay_ms=1500")
    peer.data(1, b"late")
    return peer.outcome()


@case("5.1", "5.1/half-closed-remote-headers", "GOAWAY STREAM_CLOSED")
def _(o):
    peer = opened(o)
    peer.get(1, "/?delay_ms=1500")
    peer.get(1, "/?delay_ms=1500")
    return peer.outcome()


@case("5.1", "5.1/data-after-rst-stream", ["GOAWAY STREAM_CLOSED", "RST_STREAM STREAM_CLOSED"])
def _(o):
    """A frame other than PRIORITY after the server received RST_STREAM is a stream error
    STREAM_CLOSED (RFC 9113 5.1, closed; 6.1), which nghttp2 (keeping closed streams) makes a
    connection error: either carries the code."""
    peer = opened(o)
    peer.headers(1, peer.request_fields("POST", "/"), end_stream=False)
    peer.send(rst_stream(1, CANCEL))
    peer.data(1, b"in flight", end_stream=False)
    return peer.outcome(ping_sentinel=True)


@case("5.1.1", "5.1.1/even-stream-id", "GOAWAY PROTOCOL_ERROR")
def _(o):
    peer = opened(o)
    peer.get(2)
    return peer.outcome()


@case("5.1.1", "5.1.1/stream-id-going-backwards", "GOAWAY PROTOCOL_ERROR")
def _(o):
    """Stream 3 after stream 5: RFC 9113 5.1.1 and the contract want PROTOCOL_ERROR, while
    libnghttp2 1.52 alone silently ignores such a HEADERS frame."""
    peer = opened(o)
    peer.get(5)
    peer.wait(lambda: peer.response(5).ended or peer.events)
    peer.get(3)
    peer.events = [e for e in peer.events if not e.startswith("RESPONSE")]
    return peer.outcome()


@case("5.1.2", "5.1.2/streams-over-max-concurrent", "GOAWAY PROTOCOL_ERROR")
def _(o):
    """One stream more than SETTINGS_MAX_CONCURRENT_STREAMS, all left open (no END_STREAM),
    after the client acknowledged the limit: RFC 9113 asks for a stream error PROTOCOL_ERROR or
    REFUSED_STREAM and allows a connection error; nghttp2 ends the connection."""
    peer = opened(o)
    limit = peer.server_settings.get(SETTINGS_MAX_CONCURRENT_STREAMS)
    if limit is None or limit > 1000:
        return "no usable SETTINGS_MAX_CONCURRENT_STREAMS: %r" % limit
    for i in range(limit + 1):
        peer.headers(1 + 2 * i, peer.request_fields("POST", "/"), end_stream=False)
    result = peer.outcome()
    refused = [s for s, _ in peer.rsts]
    if result.startswith("RST_STREAM") and refused != [1 + 2 * limit]:
        return result + " on streams %s" % refused
    return result


# === 5.3 priority, 5.5 extensions ===============================================================


# RFC 9113 asks for a stream error and allows a connection error, which is what nghttp2 sends.
@case("5.3.1", "5.3.1/headers-depending-on-itself", "GOAWAY PROTOCOL_ERROR")
def _(o):
    peer = opened(o)
    peer.send(frame(HEADERS, FLAG_END_STREAM | FLAG_END_HEADERS | FLAG_PRIORITY, 1,
                    priority_payload(1) + peer.block(peer.request_fields())))
    return peer.outcome()


sends("5.3.1", "5.3.1/priority-depending-on-itself", "GOAWAY PROTOCOL_ERROR",
      lambda peer: frame(PRIORITY, 0, 1, priority_payload(1)))


interrupted_block("5.5", "5.5/unknown-frame-inside-header-block",
                  lambda peer, block: frame(0x42, 0, 1, b"extension"))


# === 6 frame definitions =======================================================================


@case("6.1", "6.1/data-on-stream-0", "GOAWAY PROTOCOL_ERROR")
def _(o):
    peer = opened(o)
    peer.data(0, b"x")
    return peer.outcome()


sends("6.1", "6.1/data-pad-length-too-large", "GOAWAY PROTOCOL_ERROR",
      lambda peer: frame(DATA, FLAG_PADDED | FLAG_END_STREAM, 1, b"\x08" + b"abc"),
      open_stream=True)


@case("6.2", "6.2/headers-on-stream-0", "GOAWAY PROTOCOL_ERROR")
def _(o):
    peer = opened(o)
    peer.get(0)
    return peer.outcome()


@case("6.2", "6.2/headers-pad-length-too-large", "GOAWAY PROTOCOL_ERROR")
def _(o):
    peer = opened(o)
    block = peer.block(peer.request_fields())
    peer.send(frame(HEADERS, FLAG_PADDED | FLAG_END_STREAM | FLAG_END_HEADERS, 1,
                    bytes([len(block) + 1]) + block))
    return peer.outcome()


sends("6.3", "6.3/priority-on-stream-0", "GOAWAY PROTOCOL_ERROR",
      lambda peer: frame(PRIORITY, 0, 0, priority_payload(1)))
sends("6.3", "6.3/priority-wrong-length", "GOAWAY FRAME_SIZE_ERROR",
      lambda peer: frame(PRIORITY, 0, 1, priority_payload(0) + b"\0"))
sends("6.4", "6.4/rst-stream-on-stream-0", "GOAWAY PROTOCOL_ERROR",
      lambda peer: rst_stream(0, CANCEL))
sends("6.4", "6.4/rst-stream-wrong-length", "GOAWAY FRAME_SIZE_ERROR",
      lambda peer: frame(RST_STREAM, 0, 1, b"\0\0\0\x08\0"), open_stream=True)
sends("6.5", "6.5/settings-ack-with-payload", "GOAWAY FRAME_SIZE_ERROR",
      lambda peer: settings_frame([(SETTINGS_ENABLE_PUSH, 0)], flags=FLAG_ACK))
sends("6.5", "6.5/settings-on-a-stream", "GOAWAY PROTOCOL_ERROR",
      lambda peer: settings_frame(stream_id=1))
sends("6.5", "6.5/settings-length-not-multiple-of-6", "GOAWAY FRAME_SIZE_ERROR",
      lambda peer: frame(SETTINGS, 0, 0, b"\0\x02\0\0\0\0\0\0"))
sends("6.5.2", "6.5.2/enable-push-2", "GOAWAY PROTOCOL_ERROR",
      lambda peer: settings_frame([(SETTINGS_ENABLE_PUSH, 2)]))
sends("6.5.2", "6.5.2/initial-window-size-too-large", "GOAWAY FLOW_CONTROL_ERROR",
      lambda peer: settings_frame([(SETTINGS_INITIAL_WINDOW_SIZE, 0x80000000)]))
sends("6.5.2", "6.5.2/max-frame-size-too-small", "GOAWAY PROTOCOL_ERROR",
      lambda peer: settings_frame([(SETTINGS_MAX_FRAME_SIZE, 16383)]))
sends("6.5.2", "6.5.2/max-frame-size-too-large", "GOAWAY PROTOCOL_ERROR",
      lambda peer: settings_frame([(SETTINGS_MAX_FRAME_SIZE, 1 << 24)]))


@case("6.5.2", "6.5.2/unknown-setting-ignored", "SETTINGS_ACK")
def _(o):
    peer = opened(o)
    acks = peer.settings_acks
    peer.send(settings_frame([(0xFF, 1)]))
    peer.wait(lambda: peer.settings_acks > acks or peer.events)
    return "SETTINGS_ACK" if peer.settings_acks > acks else peer.outcome()


@case("6.5.3", "6.5.3/server-settings", "SETTINGS_ACK")
def _(o):
    """The server's SETTINGS carry what the contract fixes (the limits as --max-concurrent-streams
    and --max-header-list-size say relay7 was configured); a mismatch is reported instead."""
    peer = opened(o)
    peer.wait(lambda: peer.window_updates > 0, 1)
    got = peer.server_settings
    expected = {
        SETTINGS_ENABLE_PUSH: 0,
        SETTINGS_MAX_CONCURRENT_STREAMS: o.max_concurrent_streams,
        SETTINGS_MAX_HEADER_LIST_SIZE: o.max_header_list_size,
    }
    wrong = {key: got.get(key) for key, value in expected.items() if got.get(key) != value}
    if got.get(SETTINGS_INITIAL_WINDOW_SIZE, 65535) != 65535:
        wrong[SETTINGS_INITIAL_WINDOW_SIZE] = got[SETTINGS_INITIAL_WINDOW_SIZE]
    if wrong:
        return "server SETTINGS %r differ in %r" % (got, sorted(wrong))
    if peer.window_updates == 0:
        return "no WINDOW_UPDATE raising the connection window"
    return "SETTINGS_ACK" if peer.settings_acks else peer.outcome()


@case("6.7", "6.7/ping-answered-with-same-payload", "PING_ACK")
def _(o):
    peer = opened(o)
    peer.send(ping_frame(b"\x01\x02\x03\x04\x05\x06\x07\x08"))
    peer.wait(lambda: peer.ping_acks or peer.events)
    return "PING_ACK" if peer.ping_acks == [b"\x01\x02\x03\x04\x05\x06\x07\x08"] else peer.outcome()


@case("6.7", "6.7/ping-ack-not-answered", "PING_ACK")
def _(o):
    peer = opened(o)
    peer.send(ping_frame(b"unasked!", FLAG_ACK))
    result = peer.outcome(ping_sentinel=True)
    if result == "PING_ACK" and peer.ping_acks != [b"sentinel"]:
        return "acks %r" % peer.ping_acks
    return result


sends("6.7", "6.7/ping-on-a-stream", "GOAWAY PROTOCOL_ERROR",
      lambda peer: frame(PING, 0, 1, b"relay7!!"))
sends("6.7", "6.7/ping-wrong-length", "GOAWAY FRAME_SIZE_ERROR",
      lambda peer: frame(PING, 0, 0, b"short"))
sends("6.8", "6.8/goaway-on-a-stream", "GOAWAY PROTOCOL_ERROR",
      lambda peer: frame(GOAWAY, 0, 1, struct.pack(">II", 0, 0)))
sends("6.9", "6.9/window-update-zero-on-connection", "GOAWAY PROTOCOL_ERROR",
      lambda peer: window_update(0, 0))
sends("6.9", "6.9/window-update-zero-on-stream", "GOAWAY PROTOCOL_ERROR",
      lambda peer: window_update(1, 0), open_stream=True)
sends("6.9", "6.9/window-update-wrong-length", "GOAWAY FRAME_SIZE_ERROR",
      lambda peer: frame(WINDOW_UPDATE, 0, 0, b"\0\0\0\x01\0"))
sends("6.9.1", "6.9.1/connection-window-overflow", "GOAWAY FLOW_CONTROL_ERROR",
      lambda peer: window_update(0, 0x7FFFFFFF))
sends("6.9.1", "6.9.1/stream-window-overflow", "RST_STREAM FLOW_CONTROL_ERROR",
      lambda peer: window_update(1, 0x7FFFFFFF), open_stream=True)


@case("6.9.1", "6.9.1/server-respects-stream-window", "RESPONSE 200 body=4000 within window")
def _(o):
    """With a 100-byte initial window the server sends 100 bytes, then waits for the client."""
    peer = opened(o, [(SETTINGS_INITIAL_WINDOW_SIZE, 100)])
    peer.get(1, "/?bytes=4000")
    response = peer.response(1)
    peer.wait(lambda: len(response.data) >= 100 or peer.events, 3)
    peer.wait(lambda: len(response.data) > 100 or peer.events, 0.5)
    if len(response.data) != 100:
        return "got %d body bytes with a 100-byte window; %s" % (len(response.data), peer.events)
    peer.send(window_update(1, 10000) + window_update(0, 10000))
    result = peer.outcome()
    if result == "RESPONSE 200":
        return "RESPONSE 200 body=%d within window" % len(response.data)
    return result


@case("6.9.2", "6.9.2/initial-window-change-overflows-stream", "GOAWAY FLOW_CONTROL_ERROR")
def _(o):
    """A WINDOW_UPDATE brings a stream window to 2^31-1; raising SETTINGS_INITIAL_WINDOW_SIZE
    then pushes it past the maximum: a connection error in RFC 9113 6.9.2 (libnghttp2 1.52 resets
    the stream instead)."""
    peer = opened(o)
    peer.get(1, "/?delay_ms=1500")
    peer.send(window_update(1, 0x7FFFFFFF - 65535))
    peer.send(settings_frame([(SETTINGS_INITIAL_WINDOW_SIZE, 65536)]))
    return peer.outcome()


@case("6.10", "6.10/continuations-accepted", "RESPONSE 200")
def _(o):
    peer = opened(o)
    block = peer.block(peer.request_fields(extra=[("x-a", "1"), ("x-b", "2")]))
    third = len(block) // 3
    peer.send(frame(HEADERS, FLAG_END_STREAM, 1, block[:third]))
    peer.send(frame(CONTINUATION, 0, 1, block[third : 2 * third]))
    peer.send(frame(CONTINUATION, FLAG_END_HEADERS, 1, block[2 * third :]))
    return peer.outcome()


sends("6.10", "6.10/continuation-after-end-headers", "GOAWAY PROTOCOL_ERROR",
      lambda peer: frame(CONTINUATION, FLAG_END_HEADERS, 1, peer.block([("x-late", "1")])),
      open_stream=True)


interrupted_block("6.10", "6.10/continuation-on-stream-0", lambda peer, block: b"",
                  continuation_stream=0)
interrupted_block("6.10", "6.10/continuation-on-other-stream", lambda peer, block: b"",
                  continuation_stream=3)


@case("6.10", "6.10/continuation-after-data", "GOAWAY PROTOCOL_ERROR")
def _(o):
    peer = opened(o)
    peer.headers(1, peer.request_fields("POST", "/"), end_stream=False)
    peer.data(1, b"abc", end_stream=False)
    peer.send(frame(CONTINUATION, FLAG_END_HEADERS, 1, peer.block([("x-late", "1")])))
    return peer.outcome()


@case("8.4", "8.4/push-promise-from-client", "GOAWAY PROTOCOL_ERROR")
def _(o):
    peer = opened(o)
    peer.send(frame(PUSH_PROMISE, FLAG_END_HEADERS, 1,
                    struct.pack(">I", 2) + peer.block(peer.request_fields())))
    return peer.outcome()


# === 8.1 message framing, 8.2 fields, 8.3 pseudo-header fields: stream errors ====================


def malformed_request(o, fields, end_stream=True):
    peer = opened(o)
    peer.headers(1, fields, end_stream=end_stream)
    return peer.outcome()


def with_fields(o, replace=None, extra=(), drop=(), method="GET"):
    """The standard request's fields with some dropped, replaced or added, for a case to send."""
    fields = [
        (":method", method),
        (":scheme", "https" if o.tls else "http"),
        (":authority", o.authority),
        (":path", "/"),
    ]
    fields = [(n, (replace or {}).get(n, v)) for n, v in fields if n not in drop]
    return fields + list(extra)


def malformed(section, name, build, expected="RST_STREAM PROTOCOL_ERROR", end_stream=True):
    run = lambda o: malformed_request(o, build(o), end_stream)
    CASES.append(Case(section, name, expected, run, None))


malformed("8.2.1", "8.2.1/uppercase-field-name", lambda o: with_fields(o, extra=[("X-Upper", "1")]))
malformed("8.2.1", "8.2.1/space-in-field-name", lambda o: with_fields(o, extra=[("x bad", "1")]))
malformed("8.2.1", "8.2.1/colon-inside-field-name",
          lambda o: with_fields(o, extra=[("x:bad", "1")]))
malformed("8.2.1", "8.2.1/nul-in-field-value", lambda o: with_fields(o, extra=[("x-a", "a\0b")]))
malformed("8.2.1", "8.2.1/lf-in-field-value", lambda o: with_fields(o, extra=[("x-a", "a\nb")]))
malformed("8.2.1", "8.2.1/cr-in-field-value", lambda o: with_fields(o, extra=[("x-a", "a\rb")]))
malformed("8.2.1", "8.2.1/leading-space-in-field-value",
          lambda o: with_fields(o, extra=[("x-a", " a")]))
malformed("8.2.1", "8.2.1/trailing-tab-in-field-value",
          lambda o: with_fields(o, extra=[("x-a", "a\t")]))
for _header in ("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"):
    malformed("8.2.2", "8.2.2/connection-specific-" + _header,
              lambda o, h=_header: with_fields(o, extra=[(h, "chunked" if h[0] == "t" else "x")]))
malformed("8.2.2", "8.2.2/te-other-than-trailers", lambda o: with_fields(o, extra=[("te", "gzip")]))
malformed("8.2.2", "8.2.2/te-trailers-accepted",
          lambda o: with_fields(o, extra=[("te", "trailers")]),
          expected="RESPONSE 200")
malformed("8.3", "8.3/unknown-pseudo-header", lambda o: with_fields(o, extra=[(":foo", "bar")]))
malformed("8.3", "8.3/response-pseudo-header-in-request",
          lambda o: with_fields(o, extra=[(":status", "200")]))
malformed("8.3", "8.3/pseudo-header-after-regular",
          lambda o: with_fields(o, drop=[":path"], extra=[("x-a", "1"), (":path", "/")]))
for _pseudo in (":method", ":scheme", ":path"):
    malformed("8.3.1", "8.3.1/missing-" + _pseudo[1:],
              lambda o, p=_pseudo: with_fields(o, drop=[p]))
    malformed("8.3.1", "8.3.1/duplicated-" + _pseudo[1:],
              lambda o, p=_pseudo: with_fields(o, extra=[(p, dict(with_fields(o))[p])]))
malformed("8.3.1", "8.3.1/empty-path", lambda o: with_fields(o, replace={":path": ""}))
malformed("8.3.1", "8.3.1/path-without-leading-slash",
          lambda o: with_fields(o, replace={":path": "foo"}))
malformed("8.3.1", "8.3.1/asterisk-path-on-get", lambda o: with_fields(o, replace={":path": "*"}))
malformed("8.3.1", "8.3.1/space-in-authority",
          lambda o: with_fields(o, replace={":authority": "h2 .test"}))
malformed("8.3.1", "8.3.1/space-in-method", lambda o: with_fields(o, replace={":method": "GE T"}))
malformed("8.3.1", "8.3.1/neither-authority-nor-host",
          lambda o: with_fields(o, drop=[":authority"]))
malformed("8.2.1", "8.2.1/empty-field-name", lambda o: with_fields(o, extra=[("", "x")]))
malformed("8.1.1", "8.1.1/content-length-without-data",
          lambda o: with_fields(o, method="POST", extra=[("content-length", "5")]))
# RFC 9113 8.3.1: a Host naming another entity than :authority SHOULD make the request malformed;
# relay7 answers 400 (Bad Request), which RFC 9113 8.1.1 allows for a malformed request.
malformed("8.3.1", "8.3.1/host-differs-from-authority",
          lambda o: with_fields(o, extra=[("host", "other.test")]), expected="RESPONSE 400")
malformed("8.3.1", "8.3.1/duplicated-authority",
          lambda o: with_fields(o, extra=[(":authority", o.authority)]))


def with_trailers(section, name, expected, trailers, end_stream=True):
    """A POST whose body "abc" is followed by a trailing HEADERS frame with `trailers`."""

    def run(o):
        peer = opened(o)
        peer.headers(1, peer.request_fields("POST", "/"), end_stream=False)
        peer.data(1, b"abc", end_stream=False)
        peer.headers(1, trailers, end_stream=end_stream)
        return peer.outcome()

    CASES.append(Case(section, name, expected, run, None))


with_trailers("8.1", "8.1/trailers-without-end-stream", "RST_STREAM PROTOCOL_ERROR",
              [("x-trailer", "1")], end_stream=False)
with_trailers("8.1", "8.1/pseudo-header-in-trailers", "RST_STREAM PROTOCOL_ERROR",
              [(":path", "/again")])


@case("8.1.1", "8.1.1/content-length-above-data", "RST_STREAM PROTOCOL_ERROR")
def _(o):
    peer = opened(o)
    peer.headers(1, peer.request_fields("POST", "/", [("content-length", "10")]), end_stream=False)
    peer.data(1, b"12345")
    return peer.outcome()


@case("8.1.1", "8.1.1/content-length-below-data", "RST_STREAM PROTOCOL_ERROR")
def _(o):
    peer = opened(o)
    peer.headers(1, peer.request_fields("POST", "/", [("content-length", "2")]), end_stream=False)
    peer.data(1, b"12345")
    return peer.outcome()


# === HPACK (RFC 7541) errors: connection errors of type COMPRESSION_ERROR (RFC 9113 4.3) ========


def hpack_case(name, block):
    def run(o):
        peer = opened(o)
        peer.send(frame(HEADERS, FLAG_END_STREAM | FLAG_END_HEADERS, 1, block))
        return peer.outcome()

    CASES.append(Case("hpack", name, "GOAWAY COMPRESSION_ERROR", run, None))


def literal(name, value):
    """A literal field without indexing, new name, raw strings (RFC 7541 6.2.2)."""
    return b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value


REQUEST_LITERALS = b"\x82\x86\x84" + b"\x41\x07h2.test"  # GET, http, /, :authority h2.test
hpack_case("hpack/index-0", b"\x80")
hpack_case("hpack/index-past-dynamic-table", b"\xff\x80\x01")  # index 255, table empty
hpack_case("hpack/table-size-update-above-setting", b"\x3f\xe1\x3f" + REQUEST_LITERALS)  # 8192
hpack_case("hpack/table-size-update-after-field", REQUEST_LITERALS + b"\x20")
hpack_case("hpack/huffman-eos-padding-too-long", b"\x82\x86\x84\x41\x84\xff\xff\xff\xff")
hpack_case("hpack/integer-overflow", b"\xff" + b"\xff" * 10 + b"\x01")
hpack_case("hpack/truncated-literal", b"\x82\x86\x84\x41\x64h2")


# === The request head limits (limits.request_headers, limits.request_head) =====================


def split_block(block, size=16384):
    return [block[at : at + size] for at in range(0, len(block), size)]


def send_long_head(peer, fields):
    """One request whose header block spans a HEADERS frame and as many CONTINUATIONs as needed."""
    pieces = split_block(peer.block(fields))
    last = len(pieces) - 1
    first_flags = FLAG_END_STREAM | (FLAG_END_HEADERS if last == 0 else 0)
    peer.send(frame(HEADERS, first_flags, 1, pieces[0]))
    for index, piece in enumerate(pieces[1:], start=1):
        peer.send(frame(CONTINUATION, FLAG_END_HEADERS if index == last else 0, 1, piece))


@case("limits", "limits/more-fields-than-request-headers", "RESPONSE 431")
def _(o):
    """150 fields against the default limits.request_headers of 100."""
    peer = opened(o)
    peer.get(1, "/many-fields", extra=[("x-f%d" % i, "v") for i in range(150)])
    return peer.outcome()


@case("limits", "limits/head-over-request-head", "RESPONSE 431")
def _(o):
    """Five 14000-byte fields (70 kB) against the default limits.request_head of 64 KiB, which
    the server announced as SETTINGS_MAX_HEADER_LIST_SIZE."""
    peer = opened(o)
    big = [("x-big%d" % i, "v" * 14000) for i in range(5)]
    send_long_head(peer, peer.request_fields(path="/big-head", extra=big))
    return peer.outcome()


@case("limits", "limits/field-over-64k", "GOAWAY COMPRESSION_ERROR")
def _(o):
    """One 70000-byte field: past what libnghttp2's HPACK decoder takes for one field."""
    peer = opened(o)
    send_long_head(peer, peer.request_fields(path="/big-field", extra=[("x-big", "v" * 70000)]))
    return peer.outcome()


# === Requests through relay7's pipeline to the HTTP/1.1 backend =================================


def echo_of(response):
    try:
        return json.loads(bytes(response.data))
    except ValueError:
        return {}


def echoed(echo, name):
    values = [v for n, v in echo.get("headers", []) if n.lower() == name.lower()]
    return values


def exchange(o, fields, body=None, settings=()):
    peer = opened(o, settings)
    peer.headers(1, fields, end_stream=body is None)
    if body is not None:
        peer.data(1, body)
    result = peer.outcome(timeout=5)
    return peer, result, peer.response(1)


@case("8.3.1", "proxy/authority-becomes-host", "RESPONSE 200 host=h2.test")
def _(o):
    _, result, response = exchange(o, with_fields(o))
    return "%s host=%s" % (result, ",".join(echoed(echo_of(response), "host")))


@case("8.3.1", "proxy/host-without-authority", "RESPONSE 200 host=other.test")
def _(o):
    """Without :authority, the Host field names the target (RFC 9113 8.3.1)."""
    fields = with_fields(o, drop=[":authority"], extra=[("host", "other.test")])
    _, result, response = exchange(o, fields)
    return "%s host=%s" % (result, ",".join(echoed(echo_of(response), "host")))


@case("8.2.3", "proxy/cookie-crumbs-joined", "RESPONSE 200 cookie=a=1; b=2; c=3")
def _(o):
    crumbs = [("cookie", "a=1"), ("x-a", "1"), ("cookie", "b=2"), ("cookie", "c=3")]
    fields = with_fields(o, extra=crumbs)
    _, result, response = exchange(o, fields)
    return "%s cookie=%s" % (result, "|".join(echoed(echo_of(response), "cookie")))


@case("8.3.1", "proxy/blocked-location-403", "RESPONSE 403")
def _(o):
    _, result, _ = exchange(o, with_fields(o, replace={":path": "/admin/users"}))
    return result


@case("8.1", "proxy/head-has-no-data", "RESPONSE 200 data-frames=0")
def _(o):
    _, result, response = exchange(o, with_fields(o, method="HEAD"))
    return "%s data-frames=%d" % (result, response.data_frames)


@case("8.1", "proxy/204-has-no-data", "RESPONSE 204 data-frames=0")
def _(o):
    _, result, response = exchange(o, with_fields(o, replace={":path": "/?status=204"}))
    return "%s data-frames=%d" % (result, response.data_frames)


@case("8.1", "proxy/304-has-no-data", "RESPONSE 304 data-frames=0")
def _(o):
    _, result, response = exchange(o, with_fields(o, replace={":path": "/?status=304"}))
    return "%s data-frames=%d" % (result, response.data_frames)


@case("8.1", "proxy/response-trailers", "RESPONSE 200 trailers=x-sum: abc")
def _(o):
    path = "/?chunked=1&trailer=X-Sum:abc"
    _, result, response = exchange(o, with_fields(o, replace={":path": path}))
    trailers = ",".join("%s: %s" % (n, v) for n, v in response.trailers)
    return "%s trailers=%s" % (result, trailers)


@case("8.1", "proxy/request-body-flow-controlled", "RESPONSE 200 body=300000 fnv1a=ok")
def _(o):
    """A body larger than the 65535-byte stream window: the client sends only what the windows
    allow, so it arrives whole only if relay7 opens the window as the backend reads."""
    peer = opened(o)
    body = bytes((i * 7) % 251 for i in range(300000))
    peer.headers(1, peer.request_fields("POST", "/upload", [("content-length", str(len(body)))]),
                 end_stream=False)
    stream_window = peer.server_settings.get(SETTINGS_INITIAL_WINDOW_SIZE, 65535)
    sent = 0
    deadline = time.monotonic() + 10

    def room():
        stream_room = stream_window + peer.window_credit.get(1, 0) - sent
        connection_room = 65535 + peer.window_credit.get(0, 0) - sent
        return min(stream_room, connection_room, 16384, len(body) - sent)

    while sent < len(body) and time.monotonic() < deadline and not peer.events:
        size = room()
        if size <= 0:
            peer.wait(lambda: room() > 0 or peer.events, 2)
            continue
        peer.data(1, body[sent : sent + size], end_stream=sent + size == len(body))
        sent += size
    if sent < len(body):
        return "sent only %d of %d bytes; %s" % (sent, len(body), peer.events)
    result = peer.outcome(timeout=5)
    echo = echo_of(peer.response(1))
    fnv_ok = echo.get("body_fnv1a") == fnv1a64(body)
    return "%s body=%s fnv1a=%s" % (result, echo.get("body_length"), "ok" if fnv_ok else "bad")


@case("8.2.2", "proxy/response-fields-valid-for-h2", "RESPONSE 200 fields-ok x-kept=yes")
def _(o):
    """A chunked HTTP/1.1 response with connection fields of its own: what relay7 forwards must
    have lower-case names and no connection-specific field (RFC 9113 8.2.1, 8.2.2)."""
    path = ("/?chunked=1&header=Keep-Alive:timeout%3D5&header=Connection:X-Hop"
            "&header=X-Hop:1&header=Upgrade:websocket&header=X-Kept:yes")
    _, result, response = exchange(o, with_fields(o, replace={":path": path}))
    # X-Hop is named by the backend's Connection field: hop-by-hop, so not forwarded either.
    forbidden = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade",
                 "x-hop"}
    bad = [n for n, _ in response.headers if n != n.lower() or n in forbidden]
    kept = dict(response.headers).get("x-kept")
    return "%s %s x-kept=%s" % (result, "fields-ok" if not bad else "bad fields %s" % bad, kept)


with_trailers("8.1", "proxy/request-trailers-accepted", "RESPONSE 200", [("x-checksum", "1")])


@case("5.1", "proxy/many-streams-on-one-connection", "RESPONSE 200 x50")
def _(o):
    peer = opened(o)
    for i in range(50):
        peer.get(1 + 2 * i, "/s%d" % i)
    peer.wait(lambda: sum(r.ended for r in peer.responses.values()) >= 50 or peer.goaway, 10)
    statuses = sorted({r.status for r in peer.responses.values() if r.ended})
    ended = sum(r.ended for r in peer.responses.values())
    if ended == 50 and statuses == [200]:
        return "RESPONSE 200 x50"
    return "%d responses, statuses %s, events %s" % (ended, statuses, peer.events[:3])


# === Graceful shutdown (RFC 9113 6.8) ===========================================================


@case("6.8", "drain/reload-finishes-the-stream-in-flight",
      "GOAWAY NO_ERROR last=2147483647, RESPONSE 200, GOAWAY NO_ERROR last=1, CLOSED")
def _(o):
    """A reload (SIGHUP to --relay7-pid) while a request waits on the backend: first a GOAWAY
    that refuses nothing, then the response, then the GOAWAY naming the last stream taken."""
    if o.relay7_pid is None:
        return "needs --relay7-pid"
    peer = opened(o)
    peer.get(1, "/drain?delay_ms=800")
    peer.wait(lambda: peer.events, 0.2)
    os.kill(o.relay7_pid, signal.SIGHUP)
    peer.wait(lambda: peer.closed, 5)
    return ", ".join(peer.timeline + ["CLOSED" if peer.closed else "still open"])


# === Floods: each must end in GOAWAY ENHANCE_YOUR_CALM, bounded in frames and time =============


PAUSE = None  # yielded by a flood: send what is pending, then let the server work a moment


def flood(o, peer, frames, batch=100, read=True):
    """Writes `frames` (an iterator of bytes) in batches, reading between them (unless not to
    `read` until the end), until the server says GOAWAY or closes. Returns (outcome, frames sent,
    seconds)."""
    began = time.monotonic()
    sent = 0
    pending = []
    for data in frames:
        if data is PAUSE:
            peer.send(b"".join(pending))
            sent += len(pending)
            pending = []
            peer.wait(lambda: peer.goaway is not None, 0.02)
        else:
            pending.append(data)
            if len(pending) < batch:
                continue
        peer.send(b"".join(pending))
        sent += len(pending)
        pending = []
        if read:
            peer.drain()
        if peer.goaway or peer.closed or peer.send_failed:
            break
    if pending and not (peer.goaway or peer.closed or peer.send_failed):
        peer.send(b"".join(pending))
        sent += len(pending)
    peer.wait(lambda: peer.goaway is not None, o.flood_wait)
    seconds = time.monotonic() - began
    if peer.goaway:
        result = "GOAWAY " + error_name(peer.goaway[0])
    else:
        result = "CLOSED" if peer.closed else "TIMEOUT"
    return result, sent, seconds


def flood_case(name, expected="GOAWAY ENHANCE_YOUR_CALM", read=True):
    def register(function):
        def run(o):
            peer = opened(o)
            result, sent, seconds = flood(o, peer, function(o, peer), read=read)
            # The acknowledgements tell how many PING and SETTINGS frames the server processed.
            run.detail = {"frames_sent": sent, "seconds": round(seconds, 3),
                          "responses": sum(r.ended for r in peer.responses.values()),
                          "rst_streams": len(peer.rsts), "ping_acks": len(peer.ping_acks),
                          "settings_acks": peer.settings_acks}
            return result

        CASES.append(Case("flood", name, expected, run, function.__doc__))
        return function

    return register


@flood_case("flood/rapid-reset")
def _(o, peer):
    """CVE-2023-44487: each stream opened and cancelled at once, far faster than it completes."""
    for i in range(o.count):
        stream_id = 1 + 2 * i
        yield frame(HEADERS, FLAG_END_STREAM | FLAG_END_HEADERS, stream_id,
                    peer.block(peer.request_fields(path="/rapid-reset?delay_ms=200")))
        yield rst_stream(stream_id, CANCEL)


@flood_case("flood/rapid-reset-paced")
def _(o, peer):
    """Rapid Reset as a server that starts work at once would feel it: 100 streams opened, a
    moment for the server to pass them to the backend, then all 100 reset, again and again."""
    block = lambda: peer.block(peer.request_fields(path="/paced-reset?delay_ms=500"))
    for first in range(0, o.count, 100):
        streams = [1 + 2 * i for i in range(first, min(first + 100, o.count))]
        for stream_id in streams:
            yield frame(HEADERS, FLAG_END_STREAM | FLAG_END_HEADERS, stream_id, block())
        yield PAUSE
        for stream_id in streams:
            yield rst_stream(stream_id, CANCEL)
        yield PAUSE


@flood_case("flood/continuation")
def _(o, peer):
    """CVE-2024-28182: one header block that never ends, one CONTINUATION after another."""
    yield frame(HEADERS, FLAG_END_STREAM, 1, peer.block(peer.request_fields()))
    for i in range(o.count):
        yield frame(CONTINUATION, 0, 1, literal(b"x-c", b"%06d" % i))


def pings(o, peer):
    for i in range(o.count):
        yield ping_frame(struct.pack(">Q", i))


flood_case("flood/ping")(pings)
# A client that reads none of the answers until it has sent every PING: they queue up in relay7.
flood_case("flood/ping-unread", read=False)(pings)


@flood_case("flood/settings")
def _(o, peer):
    for _ in range(o.count):
        yield settings_frame()


@flood_case("flood/empty-data")
def _(o, peer):
    yield frame(HEADERS, FLAG_END_HEADERS, 1, peer.block(peer.request_fields("POST", "/")))
    for _ in range(o.count):
        yield frame(DATA, 0, 1, b"")


# === running ====================================================================================


class CaseTimeout(Exception):
    pass


def run_case(c, options):
    def on_alarm(signum, frame_):
        raise CaseTimeout()

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(options.case_timeout)
    began = time.monotonic()
    detail = {}
    try:
        got = c.run(options)
        detail = getattr(c.run, "detail", {})
    except CaseTimeout:
        got = "TIMEOUT"
    except Exception as error:  # a case that breaks is reported, not fatal to the others
        got = "ERROR %s: %s" % (type(error).__name__, error)
    finally:
        signal.alarm(0)
    detail = dict(detail)
    detail["case_seconds"] = round(time.monotonic() - began, 3)
    return {"name": c.name, "section": c.section, "expected": c.expected, "got": got,
            "passed": got in c.expected, "detail": detail}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--alpn", default="h2", help="comma-separated ALPN offer with --tls")
    parser.add_argument("--authority", default="h2.test")
    parser.add_argument("--case", action="append", default=[])
    parser.add_argument("--section", action="append", default=[])
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--relay7-pid", type=int, help="the master, for the drain case")
    parser.add_argument("--max-concurrent-streams", type=int, default=128)
    parser.add_argument("--max-header-list-size", type=int, default=65536)
    parser.add_argument("--count", type=int, default=5000, help="frames or streams per flood")
    parser.add_argument("--flood-wait", type=float, default=10.0)
    parser.add_argument("--case-timeout", type=int, default=30)
    parser.add_argument("--alpn-only", action="store_true",
                        help="print the protocol the TLS handshake settled and stop")
    options = parser.parse_args()
    options.alpn = options.alpn.split(",")

    selected = [c for c in CASES
                if (not options.case or c.name in options.case)
                and (not options.section or any(c.name.startswith(s) for s in options.section))]
    if options.list:
        for c in selected:
            print(json.dumps({"name": c.name, "section": c.section, "expected": c.expected}))
        return 0
    if options.port is None:
        parser.error("--port is required")
    if options.alpn_only:
        print(json.dumps({"alpn": Peer(options).alpn}))
        return 0
    unknown = set(options.case) - {c.name for c in CASES}
    if unknown:
        parser.error("unknown case(s): %s" % ", ".join(sorted(unknown)))
    failed = 0
    for c in selected:
        result = run_case(c, options)
        failed += not result["passed"]
        print(json.dumps(result), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
