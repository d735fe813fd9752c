# SPDX-License-Identifier: MIT
# serve.py DIR: serve DIR over HTTP on 127.0.0.1, on a free port, which it
# prints first; for the realworld jobs' clients.
import http.server
import sys


class Quiet(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=sys.argv[1], **k)

    def log_message(self, *a):
        pass


with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet) as s:
    print(s.server_address[1], flush=True)
    s.serve_forever()
