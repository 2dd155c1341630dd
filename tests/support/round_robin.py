"""A round-robin forwarder on 127.0.0.1 for webhook replicas, as a load balancer spreads
Telegram's POSTs; and a sender that posts updates through it as Telegram does.

Like the production proxy (deploy/Caddyfile), a replica that refuses the connection or answers
503 (starting, stopping) is passed over for the next; the answer of the replica that took the
update goes back to the sender unchanged, so a 200 still means "handled".
"""

from __future__ import annotations

import http.client
import itertools
import json
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TIMEOUT_SECONDS = 60.0


class RoundRobin:
    """Forwards each POST to the next of `ports`; `.port` is where it listens."""

    def __init__(self, ports: Sequence[int]) -> None:
        self.ports = list(ports)
        self.forwarded: Counter[int] = Counter()  # 200s by replica port
        self.passed_over: Counter[int] = Counter()  # refused or 503 by replica port
        self._turn = itertools.count()
        self._lock = threading.Lock()
        forwarder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {
                    name: value
                    for name, value in self.headers.items()
                    if name.lower() in ("content-type", SECRET_HEADER.lower())
                }
                status, answer = forwarder.forward(self.path, body, headers)
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # the default 5 resets Telegram's 40 connections at once

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> RoundRobin:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> RoundRobin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def forward(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """The first answer other than 503 from the replicas in turn (each tried once)."""
        with self._lock:
            first = next(self._turn)
        status, answer = int(HTTPStatus.BAD_GATEWAY), b""
        for offset in range(len(self.ports)):
            port = self.ports[(first + offset) % len(self.ports)]
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
            try:
                connection.request("POST", path, body=body, headers=headers)
                response = connection.getresponse()
                status, answer = response.status, response.read()
            except OSError:  # refused, reset: a replica starting, stopping or gone
                status = int(HTTPStatus.BAD_GATEWAY)
            finally:
                connection.close()
            if status not in (HTTPStatus.SERVICE_UNAVAILABLE, HTTPStatus.BAD_GATEWAY):
                with self._lock:
                    self.forwarded[port] += 1
                return status, answer
            with self._lock:
                self.passed_over[port] += 1
        return status, answer


def post_updates(
    port: int,
    path: str,
    secret: str,
    updates: Iterable[dict[str, Any]],
    connections: int = 16,
    attempts: int = 5,
) -> list[int]:
    """POST each update to 127.0.0.1:port as Telegram does: up to `connections` at once, and
    again (up to `attempts` times in all) while the answer is not 200. The final statuses."""

    def post(update: dict[str, Any]) -> int:
        status = 0
        for _ in range(attempts):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_SECONDS)
            try:
                connection.request(
                    "POST",
                    path,
                    body=json.dumps(update).encode(),
                    headers={"Content-Type": "application/json", SECRET_HEADER: secret},
                )
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:  # as Telegram, a connection that failed is tried again
                status = 0
            finally:
                connection.close()
            if status == HTTPStatus.OK:
                break
        return status

    with ThreadPoolExecutor(connections) as pool:
        return list(pool.map(post, updates))
