"""A webhook receiver for the tests: checks each request's signature with the
`standardwebhooks` package (not with Portico's code) and appends what it got to a JSON-lines
file. Usage: webhook_receiver.py PORT SECRET OUT [--fail N] [--status CODE]
(--fail N: answer 500 to the first N requests; --status: answer every request with CODE)."""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

port, secret, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
fail = int(sys.argv[sys.argv.index("--fail") + 1]) if "--fail" in sys.argv else 0
status = int(sys.argv[sys.argv.index("--status") + 1]) if "--status" in sys.argv else 200
webhook = Webhook(secret)
seen = 0


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        seen += 1
        body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            payload = webhook.verify(body, headers)
            verified = True
        except WebhookVerificationError:
            payload, verified = json.loads(body), False
        answer = 500 if seen <= fail else status
        with open(out, "a") as f:
            f.write(json.dumps({
                "id": headers.get("webhook-id"),
                "type": payload.get("type"),
                "data": payload.get("data"),
                "verified": verified,
                "status": answer,
            }) + "\n")
        self.send_response(answer)
        if 300 <= answer < 400:
            self.send_header("location", "http://127.0.0.1:9/elsewhere")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


print("ready", flush=True)
ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
