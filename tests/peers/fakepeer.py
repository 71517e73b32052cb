#!/usr/bin/env python3
"""A test server that answers as the recorded real clients do.

  --role beacon   like Lodestar 1.5.1's Beacon API
  --role jsonrpc  like anvil 1.7.1's JSON-RPC

Bodies, status codes and header quirks come from the recordings in --fixtures
(tests/fixtures/peers): Lodestar's numbers are decimal strings, its health
answers with an empty chunked body and no content type, unknown routes are a
404 JSON naming the route; anvil answers every POST with HTTP 200, errors
included, wants Content-Type application/json (else -32600 with id null), has
no net_peerCount (-32601), answers batches and echoes each request's id.

Binds 127.0.0.1 only. Prints "PORT <n>" as the first line on stdout once it
listens. The scenario is a comma-separated list of the names below, applied
in order (e.g. "synced,peers"); it is set with --scenario and changed at run
time by POST /__scenario with the list as body (answers 204, 400 for an
unknown name).

Beacon scenarios:
  synced          the recorded synced answer (head 12, distance 0), health 200
                  (default); the recorded peer count is 0 connected
  syncing         is_syncing true, sync_distance 5000, health 206 (as newer
                  clients; Lodestar 1.5.1 always says 200)
  stalled         the recorded stalled answer (is_syncing true, distance 9)
  stalled-first-epoch  the recorded one before that shows: not syncing, distance 0
  optimistic      is_optimistic true (and execution_optimistic in checkpoints)
  el-offline      el_offline true (1.5.1 has no such field)
  el-online       el_offline false present
  zero-peers      peer_count connected "0" (as recorded)
  peers           peer_count connected "12"
  wrong-network   genesis_validators_root of another chain than --genesis-root
  no-health       /eth/v1/node/health is an unknown route (404)
  not-ready       health 503
JSON-RPC scenarios:
  synced          eth_syncing false, latest block timestamp now (default);
                  net_peerCount -32601 as anvil
  syncing         eth_syncing {startingBlock, currentBlock, highestBlock};
                  the latest block is an hour old, as a syncing node's is
  stale-head      eth_syncing false, latest block 10 minutes old
  zero-peers      net_peerCount "0x0"
  peers           net_peerCount "0x19"
  not-implemented net_peerCount -32601 (as anvil)
  wrong-chain     eth_chainId of another chain than --chain-id (0x1, or
                  0xaa36a7 when --chain-id is 0x1); net_version follows
Faults, both roles, every route but /__scenario:
  hang            read the request, never answer (other connections are served)
  slow            answer after --delay-ms
  truncated       Content-Length larger than the body sent, then close
  huge            200 with a JSON-looking body streamed (chunked) to 100 MiB
  invalid-json    200, Content-Type JSON, body '{"data":' and garbage
  http-500        500 Internal Server Error
  ok              no fault (clears one set earlier)
The client's version (/eth/v1/node/version, web3_clientVersion), both roles:
  long-version    up to 200 bytes, a 2-byte character across byte 128, CJK after it
  hostile-version C1 and bidi controls in it (U+009B, U+202E, U+2066), ESC,
                  and plain non-ASCII text (é 日本)
"Connection refused" is a test not running a server.
"""
import argparse
import http.server
import json
import os
import sys
import threading
import time

GENESIS = {
    "mainnet": "0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95",
    "sepolia": "0xd8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078",
}
FAULTS = ("ok", "hang", "slow", "truncated", "huge", "invalid-json", "http-500")
VERSIONS = ("long-version", "hostile-version")
BEACON = ("synced", "syncing", "stalled", "stalled-first-epoch", "optimistic",
          "el-offline", "el-online", "zero-peers", "peers", "wrong-network",
          "no-health", "not-ready")
JSONRPC = ("synced", "syncing", "stale-head", "zero-peers", "peers",
           "not-implemented", "wrong-chain")
HUGE_BYTES = 100 << 20
NEVER = threading.Event()  # what a hung request waits for


def dumps(v):
    return json.dumps(v, separators=(",", ":")).encode()


class Peer:
    """What the server says: the recordings and the scenario's changes."""

    def __init__(self, args):
        self.role, self.delay = args.role, args.delay_ms / 1000
        d = args.fixtures
        self.lodestar = {}
        for name in os.listdir(os.path.join(d, "lodestar")):
            if name.endswith(".json"):
                with open(os.path.join(d, "lodestar", name), "rb") as f:
                    self.lodestar[name[:-5]] = json.loads(f.read())
        with open(os.path.join(d, "anvil.jsonl")) as f:
            self.anvil = {}
            for line in f:
                rec = json.loads(line)
                req = rec["request"]
                if isinstance(req, dict) and req["method"] in (
                        "web3_clientVersion", "net_listening", "eth_chainId", "eth_blockNumber"):
                    self.anvil[req["method"]] = rec["response"]["result"]
        self.genesis_root = args.genesis_root or \
            self.lodestar["beacon-genesis"]["data"]["genesis_validators_root"]
        self.chain_id = args.chain_id or self.anvil["eth_chainId"]
        self.set_scenario(args.scenario)

    def set_scenario(self, names):
        known = BEACON if self.role == "beacon" else JSONRPC
        s = dict(fault="ok", syncing="node-syncing.synced", health=200, peers="0",
                 extra={}, optimistic=False, genesis=self.genesis_root,
                 eth_syncing=False, head_age=0, peer_count=None, chain=self.chain_id, version=None)
        for n in names.split(","):
            n = n.strip()
            if n in FAULTS:
                s["fault"] = n
            elif n in VERSIONS:
                s["version"] = self.version_text(n)
            elif n not in known:
                raise ValueError("unknown %s scenario %r" % (self.role, n))
            elif self.role == "beacon":
                if n == "synced":
                    s["syncing"], s["health"] = "node-syncing.synced", 200
                elif n == "syncing":
                    s["syncing"], s["health"] = {"head_slot": "100", "sync_distance": "5000",
                                                 "is_syncing": True, "is_optimistic": False}, 206
                elif n in ("stalled", "stalled-first-epoch"):
                    s["syncing"] = "node-syncing." + n
                elif n == "optimistic":
                    s["optimistic"] = True
                elif n in ("el-offline", "el-online"):
                    s["extra"] = {"el_offline": n == "el-offline"}
                elif n in ("zero-peers", "peers"):
                    s["peers"] = "12" if n == "peers" else "0"
                elif n == "wrong-network":
                    other = "sepolia" if self.genesis_root != GENESIS["sepolia"] else "mainnet"
                    s["genesis"] = GENESIS[other]
                elif n == "no-health":
                    s["health"] = 404
                elif n == "not-ready":
                    s["health"] = 503
            else:
                if n == "synced":
                    s["eth_syncing"], s["head_age"] = False, 0
                elif n == "syncing":
                    s["eth_syncing"] = {"startingBlock": "0x0", "currentBlock": "0x28",
                                        "highestBlock": "0x1000"}
                    s["head_age"] = 3600
                elif n == "stale-head":
                    s["eth_syncing"], s["head_age"] = False, 600
                elif n in ("zero-peers", "peers"):
                    s["peer_count"] = "0x19" if n == "peers" else "0x0"
                elif n == "not-implemented":
                    s["peer_count"] = None
                elif n == "wrong-chain":
                    s["chain"] = "0x1" if int(self.chain_id, 16) != 1 else "0xaa36a7"
        self.s = s  # one assignment: a request sees the old or the new scenario

    def version_text(self, name):
        real = self.lodestar["node-version"]["data"]["version"] if self.role == "beacon" \
            else self.anvil["web3_clientVersion"]
        if name == "long-version":
            v = (real + "/").ljust(127, "x") + "\u00e9"  # é: bytes 127 and 128
            while len((v + "\u65e5\u672c").encode()) <= 200:
                v += "\u65e5\u672c"  # 日本
            return v
        return real + "\u009b31m\u202eexe.txt\u2066\x1b[2J \u00e9 \u65e5\u672c"

    # Beacon API: (status, body) for a GET; None for a route it does not know.
    def beacon(self, path):
        s = self.s
        if path == "/eth/v1/node/syncing":
            data = s["syncing"]
            if isinstance(data, str):
                data = self.lodestar[data]["data"]
            data = dict(data)
            if s["optimistic"]:
                data["is_optimistic"] = True
            data.update(s["extra"])
            return 200, {"data": data}
        if path == "/eth/v1/node/health" and s["health"] != 404:
            return s["health"], b""
        if path == "/eth/v1/node/peer_count":
            body = json.loads(dumps(self.lodestar["node-peer_count"]))
            body["data"]["connected"] = s["peers"]
            return 200, body
        if path == "/eth/v1/node/peers":
            return 200, self.lodestar["node-peers"]
        if path == "/eth/v1/node/version":
            if s["version"] is not None:
                return 200, {"data": {"version": s["version"]}}
            return 200, self.lodestar["node-version"]
        if path == "/eth/v1/beacon/genesis":
            body = json.loads(dumps(self.lodestar["beacon-genesis"]))
            body["data"]["genesis_validators_root"] = s["genesis"]
            return 200, body
        if path == "/eth/v1/beacon/states/head/finality_checkpoints":
            # Not recorded: the Beacon API's shape, Lodestar's decimal strings.
            def cp(epoch, byte):
                return {"epoch": str(epoch), "root": "0x" + byte * 32}
            return 200, {"execution_optimistic": s["optimistic"], "finalized": False,
                         "data": {"previous_justified": cp(1, "b1"),
                                  "current_justified": cp(2, "c2"),
                                  "finalized": cp(1, "f1")}}
        if path.startswith("/eth/v1/beacon/headers/"):
            # Headers are not served: every id is the recorded "not found".
            body = dict(self.lodestar["beacon-headers-999999.404"])
            body["message"] = "No block found for id '%s'" % path.rsplit("/", 1)[1]
            return 404, body
        return None

    # JSON-RPC: the answer to one request object (None for a notification).
    def call(self, req):
        if not isinstance(req, dict) or not isinstance(req.get("method"), str):
            return {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "Invalid request"}}
        if "id" not in req:
            return None
        s, m = self.s, req["method"]
        res = {"jsonrpc": "2.0", "id": req["id"]}
        head = int(s["eth_syncing"]["currentBlock"], 16) if s["eth_syncing"] else int(self.anvil["eth_blockNumber"], 16)
        if m == "eth_syncing":
            res["result"] = s["eth_syncing"]
        elif m == "eth_blockNumber":
            res["result"] = hex(head)
        elif m == "eth_getBlockByNumber":
            res["result"] = block(head, int(time.time()) - s["head_age"])
        elif m == "net_peerCount" and s["peer_count"] is not None:
            res["result"] = s["peer_count"]
        elif m == "eth_chainId":
            res["result"] = s["chain"]
        elif m == "net_version":
            res["result"] = str(int(s["chain"], 16))
        elif m == "web3_clientVersion" and s["version"] is not None:
            res["result"] = s["version"]
        elif m in ("web3_clientVersion", "net_listening"):
            res["result"] = self.anvil[m]
        else:
            res["error"] = {"code": -32601, "message": "Method not found"}
        return res


def block(number, timestamp):
    """A block with the fields anvil 1.7.1 answers (no transactions)."""
    z32 = "0x" + "00" * 32
    empty = "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421"
    return {"hash": "0x%064x" % (number + 0xb10c), "parentHash": "0x%064x" % (number + 0xb10b),
            "sha3Uncles": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
            "miner": "0x" + "00" * 20, "stateRoot": empty, "transactionsRoot": empty,
            "receiptsRoot": empty, "logsBloom": "0x" + "00" * 256, "difficulty": "0x0",
            "number": hex(number), "gasLimit": "0x1c9c380", "gasUsed": "0x0",
            "timestamp": hex(timestamp), "extraData": "0x", "mixHash": z32,
            "nonce": "0x0000000000000000", "baseFeePerGas": "0x3b9aca00",
            "withdrawalsRoot": empty, "blobGasUsed": "0x0", "excessBlobGas": "0x0",
            "parentBeaconBlockRoot": z32,
            "requestsHash": "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "totalDifficulty": "0x0", "size": "0x267",
            "uncles": [], "transactions": [], "withdrawals": []}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5  # idle keep-alive, as Lodestar's "Keep-Alive: timeout=5"
    peer = None
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("fakepeer: " + fmt % args + "\n")

    def send_response_only(self, code, message=None):
        # Every answer goes through here (send_response, which would log it,
        # is not used: it adds headers the recorded clients do not send).
        self.log_request(code)
        super().send_response_only(code, message)

    def respond(self, status, body, ctype, extra=()):
        self.send_response_only(status)
        if ctype:
            self.send_header("content-type", ctype)
        if status != 204:
            self.send_header("content-length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def lodestar_headers(self):
        return (("access-control-allow-origin", "*"), ("Connection", "keep-alive"), ("Keep-Alive", "timeout=5"))

    def anvil_headers(self):
        return (("vary", "origin, access-control-request-method, access-control-request-headers"),
                ("access-control-allow-origin", "*"))

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        self.serve("GET", b"")

    def do_POST(self):
        data = self.body()
        if self.path == "/__scenario":
            try:
                self.peer.set_scenario(data.decode().strip())
            except ValueError as e:
                return self.respond(400, str(e).encode() + b"\n", "text/plain")
            return self.respond(204, b"", None)
        self.serve("POST", data)

    def serve(self, method, data):
        fault = self.peer.s["fault"]
        if fault == "hang":
            self.close_connection = True
            NEVER.wait()
            return
        if fault == "slow":
            time.sleep(self.peer.delay)
        if fault == "http-500":
            return self.respond(500, b'{"statusCode":500,"error":"Internal Server Error","message":"fakepeer"}',
                                "application/json; charset=utf-8")
        if fault == "invalid-json":
            return self.respond(200, b'{"data":\x00garbage<<', "application/json")
        if fault == "huge":
            return self.huge()
        if self.peer.role == "beacon":
            status, body, ctype, extra = self.beacon(method)
        else:
            status, body, ctype, extra = self.jsonrpc(method, data)
        if fault == "truncated":
            body = body or b""
            self.send_response_only(status)
            self.send_header("content-type", ctype or "application/json")
            self.send_header("content-length", str(len(body) + 100))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            self.close_connection = True
            return
        if body is None:  # the health answer: an empty chunked body, no content type
            self.send_response_only(status)
            self.send_header("Transfer-Encoding", "chunked")
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(b"0\r\n\r\n")
            return
        self.respond(status, body, ctype, extra)

    def beacon(self, method):
        path = self.path.split("?", 1)[0]
        got = self.peer.beacon(path) if method == "GET" else None
        hdrs = self.lodestar_headers()
        if got is None:
            msg = "Route %s:%s not found" % (method, self.path)
            return 404, dumps({"message": msg, "error": "Not Found", "statusCode": 404}), \
                "application/json; charset=utf-8", hdrs
        status, body = got
        if body == b"":
            return status, None, None, hdrs[1:]
        return status, dumps(body), "application/json; charset=utf-8", hdrs

    def jsonrpc(self, method, data):
        hdrs = self.anvil_headers()
        if method == "GET":
            return 400, b"Connection header did not include 'upgrade'", "text/plain; charset=utf-8", hdrs
        if self.path != "/":
            return 404, b"", None, ()
        invalid = {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": "Invalid request"}}
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        try:
            req = json.loads(data) if ctype == "application/json" else None
        except ValueError:
            req = None
        if isinstance(req, list) and req:
            out = [r for r in map(self.peer.call, req) if r is not None]
        elif isinstance(req, dict):
            out = self.peer.call(req)
        else:
            out = invalid
        if out is None or out == []:  # notifications only
            return 204, b"", None, hdrs
        return 200, dumps(out), "application/json", hdrs

    def huge(self):
        """A 200 whose JSON never seems to end: streamed up to HUGE_BYTES."""
        self.send_response_only(200)
        self.send_header("content-type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.close_connection = True
        head = b'{"data":{"head_slot":"12","padding":"' if self.peer.role == "beacon" \
            else b'{"jsonrpc":"2.0","id":1,"result":"0x'
        tail = b'"}}' if self.peer.role == "beacon" else b'"}'
        chunk = b"0" * 65536
        try:
            for piece in [head] + [chunk] * ((HUGE_BYTES - len(head) - len(tail)) // len(chunk)) + [tail]:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass  # the client stopped reading: what it should do


def main():
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                epilog=__doc__.split("\n\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--role", choices=("beacon", "jsonrpc"), required=True)
    p.add_argument("--scenario", default="synced", help="comma-separated names (see below)")
    p.add_argument("--port", type=int, default=0, help="0 (default) picks a free one")
    p.add_argument("--fixtures", default=os.path.join(top, "tests", "fixtures", "peers"),
                   help="the recordings (default: tests/fixtures/peers in the repository)")
    p.add_argument("--delay-ms", type=int, default=3000, help="for 'slow' (default 3000)")
    p.add_argument("--chain-id", help="the right chain id, hex (default: anvil's 0x7a69)")
    p.add_argument("--genesis-root", help="the right genesis_validators_root (default: the recorded one)")
    p.add_argument("--verbose", action="store_true", help="log each request on stderr")
    args = p.parse_args()
    try:
        peer = Peer(args)
    except (OSError, ValueError, KeyError) as e:
        sys.exit("fakepeer: %s" % e)
    Handler.peer, Handler.verbose = peer, args.verbose
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    srv.daemon_threads = True
    print("PORT %d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
