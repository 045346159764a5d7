"""Real receivers on 127.0.0.1 for what Veille sends: an SMTP server and a webhook endpoint."""

from __future__ import annotations

import email
import json
import socket
import threading
import time
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """An SMTP server on 127.0.0.1 keeping every message it receives."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


class Webhook:
    """An HTTP receiver on 127.0.0.1 keeping every JSON body posted to it."""

    def __init__(self, port: int | None = None):
        self.bodies: list[dict] = []
        self.times: list[float] = []  # time.monotonic() of each arrival
        bodies, times = self.bodies, self.times

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook
                size = int(self.headers.get("Content-Length", 0))
                bodies.append(json.loads(self.rfile.read(size)))
                times.append(time.monotonic())
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port or free_port()), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
