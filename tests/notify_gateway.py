"""A real HTTP server on 127.0.0.1 standing in for a chat robot: records posts, answers as scripted."""
from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Gateway:
    """Records every POST (path, query, headers, JSON body); ``replies`` scripts the first answers.

    A reply is ``(status, body_bytes, headers_dict)``; once the script is used up every post gets
    ``default``.  ``hold`` (a threading.Event) makes the server sit on each request until it is set.
    """

    def __init__(self, replies=(), default=(200, b'{"errcode":0,"errmsg":"ok"}', {}), hold=None):
        self.received = []
        self.replies = list(replies)
        self.default = default
        self.hold = hold
        self.arrived = threading.Event()
        gw = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                u = urllib.parse.urlsplit(self.path)
                gw.received.append({"path": u.path, "query": urllib.parse.parse_qs(u.query), "raw_query": u.query,
                                    "headers": dict(self.headers), "body": json.loads(body)})
                gw.arrived.set()
                if gw.hold is not None:
                    gw.hold.wait(30)
                status, data, headers = gw.replies.pop(0) if gw.replies else gw.default
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/robot/send?access_token=tok"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self):
        return [r["body"] for r in self.received]

    def close(self):
        if self.hold is not None:
            self.hold.set()
        self.server.shutdown()
        self.server.server_close()


class ManualClock:
    """A clock the test moves by hand (routing, intervals, rate windows, retries)."""

    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, s: float) -> None:
        self.t += s
