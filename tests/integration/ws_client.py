"""A small blocking WebSocket client (RFC 6455) in the standard library, for
tests that need to misbehave on purpose: never read, never answer pings,
send oversized frames. Text frames only; server frames are never fragmented
by notifyd.

It decodes as strictly as the seed's desktop app: every JSON message must have
exactly the types and formats the old gateway sent (`check_seed_message`),
or the read fails."""

import base64
import datetime
import hashlib
import hmac
import json
import os
import re
import socket
import ssl
import struct
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Closed(Exception):
    """The server closed the connection (close frame, EOF or reset); `code` is the close frame's status."""

    def __init__(self, text, code=None):
        super().__init__(text)
        self.code = code


class ProtocolError(AssertionError):
    """A message the seed's desktop app could not decode."""


SEED_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
# Fields a message may have, with the types the seed's app decodes them as.
SEED_FIELDS = {
    "notification": {"type": str, "id": str, "title": str, "message": str, "script": str, "timestamp": str,
                     "image_url": (str, type(None))},
    "auth_ok": {"type": str, "username": str},
    "auth_error": {"type": str, "message": str},
    "ping": {"type": str},
    "pong": {"type": str},
}
# What notifyd may add: the replay summary (only when the app sent `since`), an error's reason, and a
# notification's priority (1-5) and tags (strings). The seed's app ignores fields it does not know.
OPTIONAL_FIELDS = {"auth_ok": {"replayed": int, "replay_truncated": bool}, "auth_error": {"reason": str},
                   "notification": {"priority": int, "tags": list}}


def check_seed_message(message):
    """Raises ProtocolError unless `message` is a server message as the seed's gateway shaped it."""
    if not isinstance(message, dict) or message.get("type") not in SEED_FIELDS:
        raise ProtocolError(f"not a seed message: {message!r}")
    kind = message["type"]
    required, optional = SEED_FIELDS[kind], OPTIONAL_FIELDS.get(kind, {})
    missing = set(required) - set(message)
    unknown = set(message) - set(required) - set(optional)
    if missing or unknown:
        raise ProtocolError(f"{kind}: missing {sorted(missing)}, unknown {sorted(unknown)}: {message!r}")
    for field, value in message.items():
        expected = required.get(field) or optional[field]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ProtocolError(f"{kind}.{field} has type {type(value).__name__}: {message!r}")
    if kind == "notification":
        if not message["id"]:
            raise ProtocolError(f"empty id: {message!r}")
        if not SEED_TIMESTAMP.match(message["timestamp"]):
            raise ProtocolError(f"timestamp is not %Y-%m-%dT%H:%M:%SZ: {message!r}")
        datetime.datetime.strptime(message["timestamp"], "%Y-%m-%dT%H:%M:%SZ")
        if "priority" in message and not 1 <= message["priority"] <= 5:
            raise ProtocolError(f"priority is not 1-5: {message!r}")
        if not all(isinstance(tag, str) and tag for tag in message.get("tags", [])):
            raise ProtocolError(f"tags are not non-empty strings: {message!r}")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_token(secret, sub, exp_in=3600, alg="HS256", exp=None, extra=None):
    """An HS256 JWT (or a deliberately wrong one with alg != HS256, unsigned)."""
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    claims = {"sub": sub}
    if exp is not None or exp_in is not None:
        claims["exp"] = exp if exp is not None else int(time.time()) + exp_in
    claims.update(extra or {})
    payload = b64url(json.dumps(claims).encode())
    signing_input = f"{header}.{payload}".encode()
    if alg != "HS256":
        return f"{header}.{payload}."
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(signature)}"


class WsClient:
    """One connection. `status` is the HTTP status of the upgrade (101 when it worked)."""

    def __init__(self, port, timeout=5, origin=None, rcvbuf=None, answer_protocol_pings=True, tls=False):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        if tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            self.sock = context.wrap_socket(self.sock, server_hostname="localhost")
        self.answer_protocol_pings = answer_protocol_pings
        self.protocol_pings = 0  # received so far
        self.close_code = None  # the status of the server's close frame, once one came
        self.buffer = b""
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        )
        if origin:
            request += f"Origin: {origin}\r\n"
        self.sock.sendall((request + "\r\n").encode())
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise Closed("closed during the upgrade")
            self.buffer += chunk
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
        if self.status == 101:
            expected = base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()
            assert self.headers.get("sec-websocket-accept") == expected, self.headers

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    # ---- sending ----------------------------------------------------------

    def send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_json(self, value):
        self.send_frame(0x1, json.dumps(value).encode())

    def auth(self, token, since=None):
        """The seed's auth message; `since` (notifyd's addition) as given, a number or the id string of a frame."""
        message = {"type": "auth", "token": token}
        if since is not None:
            message["since"] = since
        self.send_json(message)

    # ---- receiving --------------------------------------------------------

    def _fill(self, deadline):
        remaining = deadline - time.time()
        if remaining <= 0:
            raise socket.timeout("timed out")
        self.sock.settimeout(remaining)
        try:
            chunk = self.sock.recv(65536)
        except (ConnectionResetError, ssl.SSLError) as error:
            raise Closed("reset") from error
        if not chunk:
            raise Closed("EOF")
        self.buffer += chunk

    def _take(self, n, deadline):
        while len(self.buffer) < n:
            self._fill(deadline)
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def recv_frame(self, timeout=5):
        """(opcode, payload) of the next frame; protocol pings are answered when enabled."""
        deadline = time.time() + timeout
        while True:
            b0, b1 = self._take(2, deadline)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._take(2, deadline))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._take(8, deadline))[0]
            payload = self._take(n, deadline)
            opcode = b0 & 0x0F
            if opcode == 0x9:
                self.protocol_pings += 1
                if self.answer_protocol_pings:
                    try:
                        self.send_frame(0xA, payload)
                    except OSError as error:
                        raise Closed("closed while answering a ping") from error
                continue
            if opcode == 0xA:
                continue
            if opcode == 0x8:
                try:
                    self.send_frame(0x8, payload[:2])
                except OSError:
                    pass
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                self.close_code = code
                raise Closed(f"close frame {code}", code)
            return opcode, payload

    def recv_json(self, timeout=5, answer_pings=True):
        """The next JSON message other than the heartbeat (answered with a pong when asked)."""
        deadline = time.time() + timeout
        while True:
            _, payload = self.recv_frame(max(deadline - time.time(), 0.001))
            message = json.loads(payload)
            check_seed_message(message)
            if message.get("type") == "ping":
                if answer_pings:
                    try:
                        self.send_json({"type": "pong"})
                    except OSError as error:
                        raise Closed("closed while answering a ping") from error
                continue
            return message

    def closed_by_server(self, timeout=5, answer_pings=False):
        """True when the server ends the connection within `timeout` (everything before is discarded)."""
        deadline = time.time() + timeout
        try:
            while True:
                self.recv_json(max(deadline - time.time(), 0.001), answer_pings=answer_pings)
        except Closed:
            return True
        except (socket.timeout, TimeoutError):
            return False
