#!/usr/bin/env python3
"""The image booted for real in QEMU (TCG): first boot on an empty labelled
disk, a reboot, a boot without the disk (and the disk hot-plugged later),
kexec-boot into the image again from a running guest, and a node whose one
btrfs disk is mounted twice, by subvolume. The stand-in clients answer as
synced mainnet clients (tests/e2e/standins/standin.c); the btrfs node reports
to a real etcd on the host's loopback (HSOS_E2E_ETCD_PORT, chosen by
test-boot.sh), which the host reads back with hsos-agent fleet.
    python3 tests/e2e/test_boot.py IMAGE-DIR [BTRFS-IMAGE-DIR]"""

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Etcd, Guest, GuestError, Tap, free_port, make_btrfs_disk, make_ext4_disk  # noqa: E402

SNTP = None


def sntp_start():
    """The time server the guests' timesyncd asks (10.0.2.2:123 is the
    host's 127.0.0.1:123 on QEMU's user network): tests/e2e/sntp.py, on
    loopback only, until the tier ends."""
    global SNTP
    if SNTP is None:
        SNTP = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "sntp.py"),
                                 "127.0.0.1", "123"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        line = SNTP.stdout.readline().decode()
        if not line.startswith("sntp: listening"):
            raise GuestError("the host's time server did not start: %s" % line)


def sntp_stop():
    if SNTP is not None:
        SNTP.kill()
        SNTP.wait()

image = sys.argv[1]
image_btrfs = sys.argv[2] if len(sys.argv) > 2 else None
image_invalid = sys.argv[3] if len(sys.argv) > 3 else None
work = tempfile.mkdtemp(prefix="hsos-e2e-")
tap = Tap()
LABEL = "hsos-e2e"
MAINNET_ROOT = "0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95"
# lighthouse's extraOptions in node.json, word by word as systemd splits them
# (quotes group and go, a backslash escapes, % and $ stay as written): the
# arguments the client must receive, after the ones the agent generates.
LIGHTHOUSE_EXTRA = ["--graffiti=100% $HOME", ";", "/bin/sh", "-c", "id", "--e2e-path=C:\\Temp", "%n%%",
                    "--e2e-quote=it is", "${PATH}", "--e2e-apos=it's"]
# The same words as systemctl show prints systemd's parsed ExecStart: joined by
# spaces, a $ still doubled (systemd expands variables only when it starts the
# command, and $$ is a literal $).
LIGHTHOUSE_EXTRA_SHOWN = "--graffiti=100% $$HOME ; /bin/sh -c id --e2e-path=C:\\Temp %n%% --e2e-quote=it is $${PATH} --e2e-apos=it's"
# Each boot of the image has a machine id of its own, and journalctl reads
# only the current machine's journal unless it is named the directory: boot
# 1's journal, kept on the disk by agent.journalDir, is read so in boot 2.
PREVIOUS = "-D /var/log/journal"
# What systemd logs when units' ordering loops: it drops a job to break the
# cycle, or refuses the whole transaction.
ORDERING_CYCLE = re.compile(r"ordering cycle|break cycle|order is cyclic", re.I)


def journal(g, unit):
    return g.run("journalctl -b --no-pager -o cat -u %s" % unit, timeout=60)[1]


def pids(g, *units):
    return g.check("systemctl show -P MainPID " + " ".join(units)).split()


def last_line(out):
    lines = out.strip().splitlines()
    return lines[-1].strip() if lines else ""


def no_ordering_cycle(g, name, boot="0"):
    """The journal of one boot (0 this one, -1 the one before, up to its
    shutdown) holds no ordering cycle systemd had to break."""
    rc, out = g.run("journalctl %s -b %s --no-pager -o cat" % (PREVIOUS if boot == "-1" else "", boot), timeout=60)
    cycles = [l for l in out.splitlines() if ORDERING_CYCLE.search(l)]
    tap.ok(rc == 0 and len(out.splitlines()) > 100 and not cycles, name,
           "\n".join(cycles) if cycles else "exit %d\n%s" % (rc, out[-1500:]))


def units_verify(g, name):
    """systemd-analyze verify over the agent's units together with the target
    the node boots into: one transaction, as at boot, so an ordering cycle
    between a unit and the targets (which no unit alone pulls in) shows.
    --man=no: the image carries no manual pages."""
    rc, out = g.run("cd /run/systemd/system && ls *.service && echo --- && "
                    "systemd-analyze verify --man=no multi-user.target *.service", timeout=120)
    listed, _, said = out.partition("---\n")
    tap.ok(rc == 0 and "wg-quick-wg0.service" in listed.split() and said.strip() == "", name, out)


def argv_checks(g):
    """node.json's hostile extraOptions (spaces, quotes, $, %, ;, a
    backslash): systemd parses the agent's ExecStart into exactly their words,
    and lighthouse receives exactly those."""
    show = g.check("systemctl show -p ExecStart lighthouse.service").strip()
    argv_part = show.split(" ; ignore_errors=")[0]
    tap.ok(show.startswith("ExecStart={ path=/usr/bin/lighthouse ; argv[]=/usr/bin/lighthouse bn ")
           and argv_part.endswith(" " + LIGHTHOUSE_EXTRA_SHOWN) and argv_part.count(" ; ") == 2,
           "argv: systemctl show -p ExecStart lighthouse ends with node.json's extraOptions, as systemd parsed them",
           show)
    raw = g.check("base64 -w0 /proc/$(systemctl show -P MainPID lighthouse.service)/cmdline")
    argv = base64.b64decode(raw).decode(errors="replace").split("\0")
    if argv and argv[-1] == "":
        argv.pop()
    n = len(LIGHTHOUSE_EXTRA)
    tap.ok(argv[:2] == ["/usr/bin/lighthouse", "bn"] and argv[-n:] == LIGHTHOUSE_EXTRA
           and not any(w in argv[:-n] for w in LIGHTHOUSE_EXTRA),
           "argv: lighthouse receives node.json's extraOptions word for word, once, at the end", json.dumps(argv, indent=1))


def daemon_checks(g):
    """The daemon at work on a running node: reload, a crash, a kill, its socket."""
    # SIGHUP with one client changed: only that one restarts.
    before = pids(g, "geth.service", "lighthouse.service", "mev-boost.service")
    g.check("sed -i 's|\"dataDir\": \"/mnt/eth/geth\"|\"dataDir\": \"/mnt/eth/geth\", \"extraOptions\": [\"--cache=1024\"]|' "
            "/etc/hsos/node.json && systemctl reload hsos-agent.service")
    rc, out = g.run("timeout 60 sh -c 'until systemctl cat geth.service | grep -q cache=1024 && "
                    "[ $(systemctl show -P MainPID geth.service) != %s ] && systemctl is-active -q geth.service; "
                    "do sleep 0.5; done' && systemctl show -P MainPID geth.service lighthouse.service mev-boost.service"
                    % before[0])
    after = out.split()
    tap.ok(rc == 0 and len(after) == 3 and after[0] not in (before[0], "0") and after[1:] == before[1:],
           "reload: only the changed unit (geth) restarts, with the new option",
           "exit %d, before %s, after %s" % (rc, before, out))

    # An invalid node.json on reload: refused, the node kept, the errors shown.
    before = pids(g, "geth.service", "lighthouse.service", "mev-boost.service")
    g.check("cp /etc/hsos/node.json /run/node.json.good && echo '{\"network\": \"moon\"}' > /etc/hsos/node.json "
            "&& systemctl reload hsos-agent.service")
    rc, out = g.run("timeout 30 sh -c 'until hsos-agent status --json | grep -q \"network: must be one of\"; "
                    "do sleep 0.5; done'; hsos-agent status --json")
    tap.ok("a reload of node.json was refused" in out and "network: must be one of" in out,
           "reload: an invalid node.json is refused, with its error", out[-1500:])
    rc, out = g.run("systemctl is-active geth.service lighthouse.service mev-boost.service; "
                    "systemctl show -P MainPID geth.service lighthouse.service mev-boost.service")
    tap.ok(out.split() == ["active"] * 3 + before,
           "reload: after an invalid node.json the clients keep running (same processes)",
           "before %s, after:\n%s" % (before, out))
    g.check("cp /run/node.json.good /etc/hsos/node.json && systemctl reload hsos-agent.service")

    # A unit the plan no longer has is stopped and its file removed; an
    # address that goes away is reported.
    g.check("cp /etc/hsos/node.json /run/node.json.good && "
            "sed -i '/\"mev-boost\"/,/}/ s/\"enable\": true/\"enable\": false/' /etc/hsos/node.json && "
            "grep -A1 mev-boost /etc/hsos/node.json | grep -q false && systemctl reload hsos-agent.service")
    rc, out = g.run("timeout 60 sh -c 'until [ ! -e /run/systemd/system/mev-boost.service ] && "
                    "! systemctl is-active -q mev-boost.service; do sleep 0.5; done'; "
                    "systemctl is-active mev-boost.service; ls /run/systemd/system")
    words = out.split()
    tap.ok(words[:1] == ["inactive"] and "geth.service" in words and "mev-boost.service" not in words[1:],
           "reload: a client no longer in node.json is stopped and its unit removed", out)
    g.check("cp /run/node.json.good /etc/hsos/node.json && systemctl reload hsos-agent.service")
    rc, out = g.run("timeout 60 sh -c 'until systemctl is-active -q mev-boost.service; do sleep 0.5; done'; "
                    "systemctl is-active mev-boost.service")
    tap.ok(out.strip() == "active", "reload: enabled again, it is started again", out)
    g.check("ip addr del 10.9.9.9/32 dev lo")
    rc, out = g.run("timeout 30 sh -c 'until hsos-agent status | grep -q \"mev-boost.service waiting\"; "
                    "do sleep 0.5; done'; hsos-agent status")
    tap.ok("mev-boost.service waiting: waiting for address 10.9.9.9" in out,
           "an address that goes away is reported", out)
    g.check("ip addr add 10.9.9.9/32 dev lo")

    # kill -9 of the agent: systemd restarts it, and it converges without
    # restarting the running clients or mounting twice.
    before = pids(g, "geth.service", "lighthouse.service", "mev-boost.service")
    old = g.check("systemctl show -P MainPID hsos-agent.service").strip()
    g.check("systemctl kill -s KILL hsos-agent.service")
    rc, out = g.run("timeout 60 sh -c 'until [ $(systemctl show -P MainPID hsos-agent.service) != %s ] && "
                    "systemctl is-active -q hsos-agent.service; do sleep 0.5; done' && "
                    "timeout 30 sh -c 'until hsos-agent status >/dev/null 2>&1 || [ $? -lt 3 ]; do sleep 0.5; done' && "
                    "systemctl show -P MainPID hsos-agent.service geth.service lighthouse.service mev-boost.service && "
                    "findmnt -n --mountpoint /mnt/eth | wc -l" % old)
    lines = out.split()
    tap.ok(rc == 0 and len(lines) == 5 and lines[0] not in (old, "0") and lines[1:4] == before and lines[4] == "1",
           "kill -9: the agent comes back, no client restarted, nothing mounted twice", out)

    # A crash-looping client is reported failed, with its restarts.
    g.check("mkdir -p /run/hsos-e2e && touch /run/hsos-e2e/crash-lighthouse && systemctl restart lighthouse.service "
            "|| true")
    rc, out = g.run("timeout 90 sh -c 'until hsos-agent status >/dev/null; [ $? = 2 ]; do sleep 1; done'; "
                    "hsos-agent status; echo exit=$?", timeout=150)
    tap.ok(last_line(out) == "exit=2" and "lighthouse.service is crash-looping" in out,
           "crash loop: lighthouse is reported failed, with its restart count (exit 2)", out)
    g.check("rm -f /run/hsos-e2e/crash-lighthouse && systemctl restart lighthouse.service")

    # The status socket is for root and the hsos group.
    rc, out = g.run("setpriv --reuid=65534 --regid=65534 --clear-groups hsos-agent status")
    tap.ok(rc == 3 and "Permission denied" in out, "socket: a non-member of hsos cannot read the status", out)
    rc, out = g.run("setpriv --reuid=65534 --regid=65534 --groups=$(getent group hsos | cut -d: -f3) "
                    "hsos-agent status --json")
    # (Any state: lighthouse was just crash-looping, so the node may be failed;
    # exit 3 is no answer.)
    try:
        doc = json.loads(out)
    except ValueError:
        doc = {}
    tap.ok(rc in (0, 1, 2) and isinstance(doc, dict) and doc.get("hostname") == "e2e-node",
           "socket: a member of hsos can (its status document)", "exit %d\n%s" % (rc, out[:1500]))


def status_json(g):
    rc, out = g.run("hsos-agent status --json")
    try:
        return json.loads(out)
    except ValueError:
        raise GuestError("hsos-agent status --json printed no JSON (exit %d):\n%s" % (rc, out))


def wait_status(g, cond, timeout=60):
    """Polls the guest's status document until cond(doc) holds; returns the
    last document and the seconds it took."""
    start = time.monotonic()
    while True:
        doc = status_json(g)
        if cond(doc) or time.monotonic() - start > timeout:
            return doc, time.monotonic() - start
        g.run("sleep 0.5")


def host_asks(port, timeout):
    """A JSON-RPC request from the host to a port QEMU forwards to the guest,
    as a machine on the LAN would send it: what came back ("" for nothing:
    QEMU takes the host's connection at once, and a guest that drops the
    packets never answers)."""
    body = b'{"jsonrpc":"2.0","id":1,"method":"web3_clientVersion","params":[]}'
    req = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)) + body
    data = b""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as c:
            c.sendall(req)
            while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
                chunk = c.recv(4096)
                if not chunk:
                    break
                data += chunk
    except OSError:
        pass
    return data.decode(errors="replace")


def firewall_checks(g, fwd):
    """The daemon's firewall (table inet hsos) in the guest: from the host,
    through QEMU's user network as from the LAN, geth's P2P port answers and
    its engine API, which the stand-in also listens on beyond loopback as real
    nodes do, does not."""
    doc, _ = wait_status(g, lambda d: (d.get("firewall") or {}).get("applied") is True)
    fw = doc.get("firewall") or {}
    opened = {(o.get("port"), o.get("proto"), o.get("only")) for o in fw.get("open", [])}
    tap.ok(fw.get("enabled") is True and fw.get("applied") is True and fw.get("lastError") is None
           and fw.get("rules", 0) > 0 and (30303, "tcp+udp", None) in opened and (8551, "tcp", "wg0") in opened
           and (22, "tcp", None) in opened,
           "firewall: the status says applied, geth's P2P open, its engine API only on wg0", json.dumps(fw, indent=1))
    rc, out = g.run("nft list table inet hsos")
    tap.ok(rc == 0 and "policy drop;" in out and 'tcp dport 30303 accept comment "geth P2P"' in out
           and 'iifname "wg0" tcp dport 8551 accept comment "geth engine API"' in out,
           "firewall: nft list table inet hsos in the guest shows the daemon's ruleset", out)
    # The image carries nft for the operator; Debian's nftables.service,
    # which would flush every table, stays off.
    rc, out = g.run("systemctl is-enabled nftables.service")
    tap.ok(out.strip() == "disabled", "firewall: nftables.service (flush ruleset) is not enabled in the image", out)
    rc, out = g.run("hsos-agent status | grep '^  firewall: '")
    tap.ok(re.fullmatch(r"  firewall: applied, \d+ rules, \d+ ports open, \d+ only on wg0", out.strip("\n")) is not None,
           "firewall: hsos-agent status says so in one line", out)
    rc, out = g.run("ss -Hltn | awk '{ print $4 }' | grep -E '^(\\*|\\[::\\]|0\\.0\\.0\\.0):(30303|8551)$'")
    tap.ok(sorted({l.rsplit(":", 1)[1] for l in out.split()}) == ["30303", "8551"],
           "firewall: the stand-in geth listens on 30303 and 8551 beyond loopback", out)
    p2p = host_asks(fwd[30303], 60)
    tap.ok("geth/standin" in p2p, "firewall: the host reaches the guest's P2P port 30303 (hostfwd)", p2p[:500])
    engine = host_asks(fwd[8551], 15)
    tap.ok(engine == "", "firewall: the host does not reach the guest's engine API 8551 (hostfwd)", engine[:500])


def privsep_checks(g):
    """The root daemon maps no libcurl and parses nothing from the network;
    its helper, which does, runs as its own unit (hsos-agent-net.service), as
    hsos-net without privileges; killed, it is started again by the daemon,
    and the status says so until it has run a while."""
    main = g.check("systemctl show -P MainPID hsos-agent.service").strip()
    rc, maps = g.run("grep -E 'libcurl|libssl|libcrypto|libgnutls' /proc/%s/maps | awk '{print $6}' | sort -u" % main)
    tap.ok(rc in (0, 1) and main not in ("", "0") and maps.strip() == "",
           "privsep: the root agent maps no libcurl, OpenSSL or GnuTLS", maps)
    show = dict(l.split("=", 1) for l in g.check(
        "systemctl show -p MainPID,User,ActiveState hsos-agent-net.service").split() if "=" in l)
    helper = show.get("MainPID", "0")
    tap.ok(show.get("User") == "hsos-net" and show.get("ActiveState") == "active" and helper != "0",
           "privsep: the helper runs as its own unit, hsos-agent-net.service, User=hsos-net, active", show)
    rc, out = g.run("p=%s; awk '/^(Uid|CapEff|CapBnd|NoNewPrivs|Seccomp):/ { print $1, $2 }' /proc/$p/status; "
                    "id -un $(awk '/^Uid:/ { print $2 }' /proc/$p/status); grep -c libssl /proc/$p/maps; "
                    "awk '{ print $4 }' /proc/$p/stat" % helper)
    lines = out.strip().splitlines()
    seen = dict(l.split(None, 1) for l in lines[:5] if " " in l)
    tap.ok(rc == 0 and len(lines) == 8 and seen.get("Uid:") not in (None, "0") and seen.get("CapEff:") == "0" * 16
           and seen.get("CapBnd:") == "0" * 16 and seen.get("NoNewPrivs:") == "1" and seen.get("Seccomp:") == "2"
           and lines[5] == "hsos-net" and lines[6].isdigit() and int(lines[6]) > 0 and lines[7] != main,
           "privsep: the helper runs as hsos-net, no capabilities, no_new_privs, seccomp, it maps OpenSSL "
           "(its libcurl's TLS; libcurl is built in), "
           "and systemd started it, not the daemon", out)
    # Root's socket for it is gone once the helper connected (one connection).
    rc, out = g.run("test -e /run/hsos-agent/net.sock")
    tap.ok(rc == 1, "privsep: root's socket for the helper is gone once it connected")

    # Killed: the daemon sees its connection close, starts the unit again
    # after its backoff, and the status says so until it has run a minute.
    g.check("systemctl kill -s KILL hsos-agent-net.service")
    rc, out = g.run("timeout 60 sh -c 'until [ $(systemctl show -P MainPID hsos-agent-net.service) != %s ] && "
                    "[ $(systemctl show -P MainPID hsos-agent-net.service) != 0 ] && "
                    "systemctl is-active -q hsos-agent-net.service; do sleep 0.5; done'; echo rc=$?; "
                    "systemctl show -P MainPID hsos-agent-net.service" % helper)
    tap.ok(out.startswith("rc=0\n"), "privsep: a killed helper is started again by the daemon (systemctl kill)", out)
    doc, _ = wait_status(g, lambda d: any("network helper" in r for r in d.get("reasons") or []), timeout=15)
    tap.ok(any("network helper (probes, controller) closed its connection" in r and "started again" in r
               for r in doc.get("reasons") or []),
           "privsep: the status says the helper stopped and was started again", json.dumps(doc.get("reasons")))
    doc, took = wait_status(g, lambda d: d.get("state") == "operational" and d.get("reasons") == [], timeout=150)
    ex = (doc.get("execution") or [{}])[0]
    tap.ok(doc.get("state") == "operational" and doc.get("reasons") == [] and ex.get("reachable") is True
           and g.check("systemctl show -P MainPID hsos-agent.service").strip() == main,
           "privsep: the status recovers (operational, probes answered, %.0f s), the daemon never restarted" % took,
           json.dumps(doc.get("reasons")))

    # While root waits for the helper (its start held 20 s by a drop-in),
    # anyone else who reaches root's socket is refused: hsos-net's uid from
    # outside the unit (the socket's mode lets it connect: only the cgroup
    # check stops it), and root itself (not hsos-net). Neither gets root's
    # first message; the real helper, when it comes, is still accepted.
    dropin = "/run/systemd/system/hsos-agent-net.service.d"
    g.check("mkdir -p %s && printf '[Service]\\nExecStartPre=/bin/sleep 20\\n' >%s/e2e-delay.conf && "
            "systemctl daemon-reload" % (dropin, dropin))
    old = g.check("systemctl show -P MainPID hsos-agent-net.service").strip()
    g.check("systemctl kill -s KILL hsos-agent-net.service")
    # Connected to only once systemd runs the held start (ExecStartPre): a
    # socket root closes because the start failed would look refused too.
    rc, out = g.run("timeout 40 sh -c 'until [ \"$(systemctl show -P ActiveState hsos-agent-net.service)\" = activating ] "
                    "&& test -S /run/hsos-agent/net.sock; do sleep 0.2; done' && "
                    "setpriv --reuid=hsos-net --regid=hsos-net --clear-groups hsos-e2e-connect /run/hsos-agent/net.sock; "
                    "hsos-e2e-connect /run/hsos-agent/net.sock", timeout=60)
    tap.ok(rc == 0 and out.split() == ["closed", "closed"],
           "privsep: while root waits for its helper, hsos-net's uid outside the unit and root itself "
           "are refused on net.sock (closed, no message)", out)
    g.check("rm -r %s && systemctl daemon-reload" % dropin)
    log = journal(g, "hsos-agent.service")
    refused = re.findall(r"refused a connection to /run/hsos-agent/net.sock from pid \d+, uid (\d+)", log)
    netuid = g.check("id -u hsos-net").strip()
    tap.ok(netuid in refused and "0" in refused,
           "privsep: the journal names both refused connections (uid %s and 0)" % netuid,
           "\n".join(l for l in log.splitlines() if "net.sock" in l or "network helper" in l)[-3000:])
    doc, took = wait_status(g, lambda d: d.get("state") == "operational" and d.get("reasons") == [], timeout=150)
    new = g.check("systemctl show -P MainPID hsos-agent-net.service").strip()
    tap.ok(doc.get("state") == "operational" and new not in ("", "0", old)
           and g.check("systemctl show -P MainPID hsos-agent.service").strip() == main,
           "privsep: the real helper, 20 s late, is accepted after them and the status recovers (%.0f s)" % took,
           json.dumps(doc.get("reasons")))


def probe_checks(g):
    """The clients' own word (the stand-ins answer as synced mainnet clients),
    and a client that changes its answer, judged with hysteresis."""
    doc = status_json(g)
    ex = (doc.get("execution") or [{}])[0]
    cs = (doc.get("consensus") or [{}])[0]
    tap.ok(ex.get("client") == "geth" and ex.get("reachable") is True and ex.get("syncing") is False
           and ex.get("chainId") == 1 and ex.get("peers") == 25 and ex.get("staleHead") is False
           and ex.get("version") == "geth/standin" and ex.get("url") == "http://127.0.0.1:8545/",
           "probe: status --json shows geth reachable, synced, chain id 1, 25 peers", json.dumps(ex, indent=1))
    tap.ok(cs.get("client") == "lighthouse" and cs.get("reachable") is True and cs.get("health") == 200
           and cs.get("syncing") is False and cs.get("syncDistance") == 0 and cs.get("peers") == 30
           and cs.get("optimistic") is False and cs.get("elOffline") is False
           and cs.get("genesisValidatorsRoot") == MAINNET_ROOT and isinstance(cs.get("finalizedEpoch"), int)
           and cs.get("url") == "http://127.0.0.1:5052",
           "probe: status --json shows lighthouse reachable, health 200, synced, mainnet's genesis, 30 peers",
           json.dumps(cs, indent=1))
    tap.ok(doc.get("state") == "operational" and doc.get("reasons") == [],
           "probe: the state is operational with no reason", json.dumps(doc.get("reasons")))
    rc, out = g.run("hsos-agent probe")
    tap.ok(rc == 0 and "geth/standin" in out and "lighthouse/standin" in out and "!" not in out,
           "probe: hsos-agent probe exits 0, every client answered and is ok", "exit %d\n%s" % (rc, out))

    # geth starts syncing, lighthouse is on another chain: three rounds
    # (2 s apart) later, the node is degraded with a reason naming each.
    g.check("mkdir -p /run/hsos-e2e && echo syncing > /run/hsos-e2e/answer-geth && "
            "echo wrong-chain > /run/hsos-e2e/answer-lighthouse")

    def named(doc):
        r = " | ".join(doc.get("reasons") or [])
        return "geth is syncing: block" in r and "lighthouse is on the wrong network" in r
    doc, took = wait_status(g, named)
    tap.ok(doc.get("state") == "degraded" and named(doc),
           "probe: geth syncing and lighthouse on holesky make the node degraded, each named (%.1f s)" % took,
           json.dumps(doc.get("reasons"), indent=1))
    # Hysteresis: three results in a row, 2 s apart, cannot take less than 4 s.
    tap.ok(named(doc) and took >= 3, "probe: the checks flip only after several rounds (took %.1f s)" % took)
    rc, out = g.run("hsos-agent status; echo exit=$?")
    flat = " ".join(out.split())  # the text wraps at 80 columns
    m = re.search(r"geth syncing, block (\d+) of (\d+)", flat)
    tap.ok(last_line(out) == "exit=1" and "genesis validators root 0x9143aa7c" in flat and "(holesky), not mainnet's" in flat
           and m and int(m.group(2)) - int(m.group(1)) == 1000,
           "probe: hsos-agent status says why (geth 1000 blocks behind, lighthouse on holesky), exit 1", out)

    g.check("rm -f /run/hsos-e2e/answer-geth /run/hsos-e2e/answer-lighthouse")
    doc, took = wait_status(g, lambda d: d.get("state") == "operational")
    tap.ok(doc.get("state") == "operational" and doc.get("execution", [{}])[0].get("syncing") is False,
           "probe: switched back, the node is operational again (%.1f s)" % took, json.dumps(doc.get("reasons")))


def scenario_disk_reboot_kexec():
    wa = os.path.join(work, "a")
    os.makedirs(wa)
    disk = os.path.join(wa, "eth.img")
    make_ext4_disk(disk, 256, label=LABEL)
    # The artifacts, on a disk of their own, for kexec-boot inside the guest.
    arts = os.path.join(wa, "artifacts.img")
    make_ext4_disk(arts, 160, files={f: os.path.join(image, f) for f in ("bzImage", "initrd.zst", "kexec-boot")})
    # The host as the LAN: geth's P2P port and its engine API forwarded.
    fwd = {30303: free_port(), 8551: free_port()}
    g = Guest(wa, image, disks=[disk, arts], hostfwd=fwd)
    try:
        g.start()
        state = g.wait_booted()
        tap.ok(state == "running", "boot 1: the image boots to the end, no unit failed", state)
        # 1. First boot with an empty labelled disk.
        src = g.check("findmnt -n -o SOURCE,FSTYPE --mountpoint /mnt/eth").strip()
        tap.ok(src == "/dev/vda ext4", "boot 1: the disk labelled %s is mounted at /mnt/eth" % LABEL, src)
        j = journal(g, "hsos-agent-mount")
        tap.ok("mount ethdata: mounted /dev/vda on /mnt/eth (ext4, noatime)" in j, "boot 1: the agent says it mounted it", j)
        owners = g.check("stat -c '%n %u %a' /mnt/eth/geth /mnt/eth/lighthouse").strip().splitlines()
        tap.ok(owners == ["/mnt/eth/geth 801 700", "/mnt/eth/lighthouse 811 700"],
               "boot 1: the data dirs are created on the disk for their clients", owners)
        users = g.check("getent passwd geth lighthouse | cut -d: -f1,3").split()
        tap.ok(users == ["geth:801", "lighthouse:811"], "boot 1: the clients' users exist with their fixed uids", users)
        jwt_info = g.check("stat -c '%a %u %s' /mnt/eth/secrets/jwt.hex; grep -cE '^[0-9a-f]{64}$' /mnt/eth/secrets/jwt.hex").split()
        tap.ok(jwt_info == ["600", "0", "64", "1"], "boot 1: the JWT is created on the disk (64 hex, 0600 root)", jwt_info)
        jwt1 = g.check("sha256sum /mnt/eth/secrets/jwt.hex").split()[0]
        key1 = g.check("sha256sum /mnt/eth/secrets/ssh/id_ed25519").split()[0]
        units = g.check("ls /run/systemd/system").split()
        tap.ok("geth.service" in units and "lighthouse.service" in units,
               "boot 1: the clients' units are written to /run/systemd/system", units)
        node = g.check("hostname; readlink /etc/localtime; date +%Z; stat -c '%U %a' ~core/.ssh ~core/.ssh/authorized_keys; "
                       "cat ~core/.ssh/authorized_keys").split("\n")
        tap.ok(node[0] == "e2e-node", "boot 1: the hostname is set", node)
        tap.ok(node[1] == "/usr/share/zoneinfo/Europe/Helsinki" and node[2] in ("EET", "EEST"),
               "boot 1: the time zone is set", node)
        tap.ok(node[3:5] == ["core 700", "core 600"] and node[5].endswith("e2e@host"),
               "boot 1: the ssh keys are installed for core, with the right modes", node)
        keys = g.check("ssh-keygen -lf /mnt/eth/secrets/ssh/id_ed25519.pub | cut -d' ' -f2; "
                       "ssh-keyscan -t ed25519 127.0.0.1 2>/dev/null | ssh-keygen -lf - | cut -d' ' -f2").split()
        tap.ok(len(keys) == 2 and keys[0] == keys[1], "boot 1: sshd serves the persistent host key", keys)
        # sshd as HomestakerOS sets it, from the daemon's drop-in; core administers.
        eff = sorted(g.check("sshd -T -C user=core,host=host,addr=10.0.2.2 | grep -E '^(authenticationmethods|"
                             "passwordauthentication|kbdinteractiveauthentication|permitrootlogin|allowtcpforwarding|"
                             "allowstreamlocalforwarding|x11forwarding) '").strip().split("\n"))
        tap.ok(eff == ["allowstreamlocalforwarding no", "allowtcpforwarding no", "authenticationmethods publickey",
                       "kbdinteractiveauthentication no", "passwordauthentication no", "permitrootlogin no",
                       "x11forwarding no"],
               "boot 1: sshd takes public keys only and forwards nothing (the daemon's drop-in)", eff)
        rc, out = g.run("runuser -u core -- sudo -n true")
        tap.ok(rc == 0, "boot 1: core administers the node: sudo -n true without a password", out)
        doc, _ = wait_status(g, lambda d: (d.get("login") or {}).get("authorizedKeys") == 1, timeout=30)
        tap.ok(doc.get("login") == {"user": "core", "authorizedKeys": 1},
               "boot 1: the status says core can log in with its one key", doc.get("login"))
        rc, out = g.run("systemctl is-active geth.service lighthouse.service")
        tap.ok(out.split() == ["active", "active"], "boot 1: the daemon started the clients", out)
        firewall_checks(g, fwd)
        # The daemon runs hardened (initrd-hooks/hsos-agent.service): its bounding set
        # is CAP_CHOWN, DAC_OVERRIDE, FOWNER, NET_ADMIN, SYS_ADMIN (0x20100b), a
        # seccomp filter is on, no new privileges; and it stays in PID 1's mount
        # namespace, where its mounts must land (no PrivateTmp= and the like).
        out = g.check("pid=$(systemctl show -P MainPID hsos-agent.service); readlink /proc/1/ns/mnt /proc/$pid/ns/mnt; "
                      "grep -E '^(CapBnd|Seccomp|NoNewPrivs):' /proc/$pid/status | tr -d '\\t'").split()
        tap.ok(len(out) == 5 and out[0] == out[1] and out[2:] == ["CapBnd:000000000020100b", "NoNewPrivs:1", "Seccomp:2"],
               "boot 1: the daemon runs hardened, in the host's mount namespace", out)
        # vpn.wireguard: wg-quick brings wg0 up from the file test-boot.sh made
        # (a key of this run, no peer); and nothing loops in the units' order.
        rc, out = g.run("timeout 60 sh -c 'until systemctl is-active -q wg-quick-wg0.service; do sleep 0.5; done'; "
                        "systemctl is-active wg-quick-wg0.service; ip -br -4 addr show dev wg0; wg show wg0 listen-port")
        lines = [l.split() for l in out.splitlines()]
        tap.ok(len(lines) == 3 and lines[0] == ["active"] and lines[1][:1] == ["wg0"]
               and lines[1][2:] == ["10.99.0.1/24"] and lines[2] == ["51820"],
               "wireguard: wg-quick-wg0 is active, wg0 has the file's address and port", out)
        # The file has no ".conf", which wg-quick refuses: it ran on the unit's
        # copy in RAM, root's, mode 0600.
        rc, out = g.run("stat -c '%a %U' /run/hsos-wireguard/wg0.conf; stat -f -c %T /run/hsos-wireguard/wg0.conf; "
                        "ls /etc/hsos/wireguard")
        tap.ok(out.split() == ["600", "root", "tmpfs", "wg0"],
               "wireguard: a configFile without .conf works: wg-quick read a copy in RAM (0600, root's)", out)
        # The clients need the VPN (Requires=, After=, as on HomestakerOS) and
        # started after it was up.
        rc, out = g.run("systemctl show -P Requires geth.service; systemctl show -P After geth.service; "
                        "systemctl show -P ActiveEnterTimestampMonotonic wg-quick-wg0.service; "
                        "systemctl show -P ExecMainStartTimestampMonotonic geth.service")
        lines = out.splitlines()
        tap.ok(len(lines) == 4 and "wg-quick-wg0.service" in lines[0].split()
               and "wg-quick-wg0.service" in lines[1].split()
               and lines[2].isdigit() and lines[3].isdigit() and 0 < int(lines[2]) <= int(lines[3]),
               "wireguard: geth Requires= and is After= wg-quick-wg0, and started after it was up", out)
        units_verify(g, "wireguard: systemd-analyze verify of the agent's units with multi-user.target reports nothing")
        no_ordering_cycle(g, "wireguard: boot 1's journal has no ordering cycle")
        argv_checks(g)
        rc, out = g.run("systemctl cat geth.service | grep -c 'Written by hsos-agent'")
        tap.ok(out.strip() == "1", "boot 1: systemctl cat geth shows the generated unit", out)
        # A client bound to an address the guest lacks waits; the address releases it.
        rc, out = g.run("systemctl is-active mev-boost.service; hsos-agent status --json")
        tap.ok(out.startswith("inactive") and "mev-boost.service waiting: waiting for address 10.9.9.9" in out,
               "address: mev-boost, bound to 10.9.9.9, waits for it", out[:2000])
        g.check("ip addr add 10.9.9.9/32 dev lo")
        rc, out = g.run("timeout 60 sh -c 'until systemctl is-active -q mev-boost.service; do sleep 0.5; done'; "
                        "systemctl is-active mev-boost.service")
        tap.ok(out.strip() == "active", "address: adding it releases mev-boost, with no command", out)

        # The image's systemd-timesyncd asks 10.0.2.2 (the test layer's
        # timesyncd.conf.d), where no time server answers yet: the clock is not
        # synchronized, and that is a reason. Then the host's SNTP server
        # answers and timesyncd synchronizes the clock: the reason goes.
        rc, out = g.run("systemctl is-active systemd-timesyncd.service; "
                        "timeout 60 sh -c 'until hsos-agent status | grep -q \"clock is not synchronized\"; "
                        "do sleep 0.5; done'; hsos-agent status; echo exit=$?")
        tap.ok(out.startswith("active\n") and last_line(out) == "exit=1"
               and "the system clock is not synchronized" in out,
               "clock: timesyncd runs; with no time server the clock is a reason (degraded, exit 1)", out)
        sntp_start()
        g.check("systemctl restart systemd-timesyncd.service")  # not its backoff's minutes
        # timesyncd's own word (the image has no D-Bus for timedatectl): it
        # creates this file when it has synchronized the clock.
        rc, out = g.run("timeout 90 sh -c 'until [ -e /run/systemd/timesync/synchronized ]; do sleep 0.5; done'; "
                        "echo rc=$?; journalctl -b -u systemd-timesyncd.service --no-pager | tail -n 3")
        tap.ok(out.startswith("rc=0\n"), "clock: timesyncd synchronizes the clock from the host's time server", out)
        rc, out = g.run("timeout 60 sh -c 'until hsos-agent status >/dev/null; do sleep 0.5; done'; "
                        "hsos-agent status; echo exit=$?")
        tap.ok(last_line(out) == "exit=0" and "operational" in out,
               "boot 1: hsos-agent status says operational (exit 0)", out)
        tap.ok(last_line(out) == "exit=0" and "clock is not synchronized" not in out,
               "clock: synchronized, the reason is gone", out)
        probe_checks(g)
        privsep_checks(g)
        daemon_checks(g)
        g.check("echo boot-1 > /root/written-in-boot-1")
        bid1 = g.boot_id()

        # 2. Reboot: the RAM root is fresh, the disk's data survived.
        g.send_only("systemctl reboot")
        g.wait_new_boot(bid1)
        state = g.wait_booted()
        tap.ok(state == "running", "boot 2: the image boots again, no unit failed", state)
        rc, _ = g.run("test -e /root/written-in-boot-1")
        tap.ok(rc == 1, "boot 2: the RAM root is fresh (a file written to / in boot 1 is gone)")
        tap.ok(g.check("sha256sum /mnt/eth/secrets/jwt.hex").split()[0] == jwt1,
               "boot 2: the JWT survived byte for byte")
        tap.ok(g.check("sha256sum /mnt/eth/secrets/ssh/id_ed25519").split()[0] == key1,
               "boot 2: the ssh host key survived byte for byte")
        j = journal(g, "hsos-agent-mount")
        tap.ok("secret jwt /mnt/eth/secrets/jwt.hex: present" in j, "boot 2: the agent reuses the JWT", j)
        # Boot 1 is the one that created the JWT: its journal says so.
        rc, out = g.run("timeout 60 sh -c 'until findmnt -n --mountpoint /var/log/journal >/dev/null; do sleep 0.5; done' "
                        "&& journalctl %s -b -1 --no-pager -o cat -u hsos-agent-mount" % PREVIOUS)
        tap.ok(rc == 0 and "secret jwt /mnt/eth/secrets/jwt.hex: created" in out,
               "boot 2: agent.journalDir keeps the journal on the disk: boot 1's journal is there", out[-2000:])
        # Its shutdown stopped wg-quick-wg0 with the targets: no cycle then either.
        no_ordering_cycle(g, "wireguard: boot 1's journal, to its shutdown, has no ordering cycle", boot="-1")
        no_ordering_cycle(g, "wireguard: boot 2's journal has no ordering cycle")

        # 4. kexec-boot from the running guest into the image again.
        g.check("mkdir -p /media/artifacts && mount -o ro /dev/vdb /media/artifacts")
        dry = g.check("/media/artifacts/kexec-boot --dry-run")
        tap.ok("kexec --load /media/artifacts/bzImage --initrd=/media/artifacts/initrd.zst" in dry,
               "kexec-boot: loads the image beside it", dry)
        bid3 = g.boot_id()
        g.send_only("/media/artifacts/kexec-boot hsos.e2e=kexec >/run/kexec-boot.log 2>&1")
        bid4 = g.wait_new_boot(bid3)
        g.wait_booted()
        cmdline = g.check("cat /proc/cmdline")
        tap.ok(bid4 != bid3 and "hsos.e2e=kexec" in cmdline,
               "kexec-boot: the second kernel comes up with kexec-boot's command line", cmdline)
        src = g.check("findmnt -n -o SOURCE,FSTYPE --mountpoint /mnt/eth").strip()
        tap.ok(src == "/dev/vda ext4", "kexec-boot: the disk is mounted again", src)
        tap.ok(g.check("sha256sum /mnt/eth/secrets/jwt.hex").split()[0] == jwt1,
               "kexec-boot: the JWT is still the same")
    except GuestError as e:
        tap.ok(False, "scenario disk/reboot/kexec ran to the end", e)
        g.diagnose()
    finally:
        g.poweroff()


def scenario_disk_missing():
    wb = os.path.join(work, "b")
    os.makedirs(wb)
    g = Guest(wb, image, disks=[])
    try:
        g.start()
        state = g.wait_booted()
        # 3. The disk is missing: the mount reports the timeout, the boot completes.
        tap.ok(state == "degraded", "no disk: the boot completes, degraded", state)
        j = journal(g, "hsos-agent-mount")
        tap.ok("mount ethdata: failed: no device LABEL=%s after 10 s" % LABEL in j,
               "no disk: the mount stage reports the timeout", j)
        rc, out = g.run("systemctl is-active multi-user.target")
        tap.ok(out.strip() == "active", "no disk: multi-user.target is reached", out)
        rc, out = g.run("find /mnt/eth -mindepth 1 2>/dev/null | head")
        tap.ok(out.strip() == "", "no disk: nothing is written to the RAM root in the data dir's place", out)
        rc, out = g.run("hsos-agent plan | grep -E 'geth.service|lighthouse.service'")
        tap.ok("blocked" in out and "not in place" in out, "no disk: the plan blocks the clients and says why", out)
        rc, out = g.run("hsos-agent status")
        tap.ok(rc == 1 and "geth.service blocked" in out, "no disk: hsos-agent status exits 1 and says why", out)
        rc, out = g.run("systemctl is-active geth.service")
        tap.ok(out.strip() == "inactive", "no disk: geth is not started", out)

        # The disk arrives later (hot-plugged): the daemon mounts it and starts
        # the clients by itself, without any command.
        disk = os.path.join(wb, "late.img")
        make_ext4_disk(disk, 256, label=LABEL)
        g.monitor("drive_add 0 if=none,file=%s,format=raw,id=late" % disk)
        g.monitor("device_add virtio-blk-pci,drive=late,id=latedisk")
        rc, out = g.run("timeout 120 sh -c 'until systemctl is-active -q geth.service lighthouse.service; "
                        "do sleep 0.5; done'; findmnt -n -o SOURCE --mountpoint /mnt/eth; systemctl is-active geth.service")
        tap.ok(rc == 0 and out.split() == ["/dev/vda", "active"],
               "no disk: a disk hot-plugged later is mounted and its clients started, with no command", out)
        j = g.run("journalctl -b --no-pager -o cat -u hsos-agent")[1]
        tap.ok("mount ethdata: mounted /dev/vda on /mnt/eth" in j and "geth.service started" in j,
               "no disk: the daemon's journal tells the late mount and the start", j)
        # The daemon created the JWT on the new disk: its journal entry carries
        # the MESSAGE_ID of a secret created (from the report's typed outcome,
        # not from the words of the line).
        created = g.run("journalctl -b --no-pager -o cat MESSAGE_ID=74e46c476a7543d9a74c7a418706fa49", timeout=60)[1]
        tap.ok("secret jwt /mnt/eth/secrets/jwt.hex: created" in created,
               "no disk: the daemon's creation of the JWT is in the journal with its MESSAGE_ID", created)
    except GuestError as e:
        tap.ok(False, "scenario disk missing ran to the end", e)
        g.diagnose()
    finally:
        g.poweroff()


def fleet(etcd, *args):
    """hsos-agent fleet on the host, against the test's etcd."""
    env = dict(os.environ, no_proxy="*")  # straight to loopback
    r = subprocess.run([os.environ["HSOS_AGENT"], "fleet", "--etcd", etcd.url] + list(args), env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    return r.returncode, r.stdout


def fleet_docs(etcd):
    rc, out = fleet(etcd, "--json")
    try:
        return json.loads(out) if rc == 0 else None
    except ValueError:
        return None


# Every check of the controller, as it is named where it runs: without etcd
# each one is skipped by name, none dropped.
CONTROLLER_CHECKS = (
    "controller: the btrfs node is operational (reth, nimbus answer)",
    "controller: hsos-agent fleet on the host lists e2e-btrfs, operational, with its clients",
    "controller: fleet --json holds the node's status document (its machine id, its clients)",
    "controller: the guest's status shows etcd reached, no error",
    "probe: a client that hangs is unreachable after its rounds time out",
    "controller: the change reaches etcd: fleet shows e2e-btrfs degraded",
    "controller: after power-off the node's key is gone within 3 x 2 s + 10 s: fleet shows it down, exit 2",
)


def controller_checks(g, etcd, interval):
    """The node (node.json names etcd at 10.0.2.2) reports itself; the fleet
    command on the host sees it with the guest's own state."""
    # The host's time server answers from the start: timesyncd synchronizes
    # the clock and the node (reth, nimbus) is operational.
    doc, took = wait_status(g, lambda d: d.get("state") == "operational")
    tap.ok(doc.get("state") == "operational", CONTROLLER_CHECKS[0],
           json.dumps(doc.get("reasons")))
    deadline = time.monotonic() + 60
    while True:
        rc, out = fleet(etcd)
        line = [l for l in out.splitlines() if l.split()[:1] == ["e2e-btrfs"]]
        if (line and line[0].split()[1] == "operational") or time.monotonic() > deadline:
            break
        time.sleep(0.5)  # the node reports every interval; nothing to wait on but the store
    listed = bool(rc == 0 and line and line[0].split()[1] == "operational")
    tap.ok(listed and "reth" in out and "nimbus" in out,
           CONTROLLER_CHECKS[1], out)
    docs = fleet_docs(etcd) or []
    mine = [d for d in docs if isinstance(d, dict) and d.get("hostname") == "e2e-btrfs"]
    machine_id = g.check("cat /etc/machine-id").strip()
    tap.ok(len(docs) == 1 and len(mine) == 1 and mine[0].get("schema") == "hsos.status/1"
           and mine[0].get("state") == "operational" and mine[0].get("boot", {}).get("machineId") == machine_id
           and [c.get("client") for c in mine[0].get("execution", [])] == ["reth"],
           CONTROLLER_CHECKS[2],
           json.dumps(docs, indent=1)[:3000])
    ctl = status_json(g).get("controller", {}).get("etcd", {})
    tap.ok(ctl.get("lastOkAt") and ctl.get("lastError") is None,
           CONTROLLER_CHECKS[3], json.dumps(ctl))

    # nimbus stops answering: the node is degraded, and the fleet sees it.
    g.check("mkdir -p /run/hsos-e2e && echo hang > /run/hsos-e2e/answer-nimbus_beacon_node")
    doc, took = wait_status(g, lambda d: d.get("state") == "degraded", timeout=90)
    why = " | ".join(doc.get("reasons") or [])
    tap.ok(doc.get("state") == "degraded" and "nimbus does not answer at http://127.0.0.1:5052" in why
           and doc.get("consensus", [{}])[0].get("reachable") is False,
           "%s (%.1f s)" % (CONTROLLER_CHECKS[4], took), why)
    deadline = time.monotonic() + 30
    while True:
        docs = fleet_docs(etcd) or []
        if [d for d in docs if d.get("state") == "degraded"] or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    rc, out = fleet(etcd)
    line = [l for l in out.splitlines() if l.split()[:1] == ["e2e-btrfs"]]
    tap.ok(line and line[0].split()[1] == "degraded" and "nimbus" in out,
           CONTROLLER_CHECKS[5], out)
    return listed or bool(mine)


def scenario_btrfs_subvolumes():
    wc = os.path.join(work, "c")
    os.makedirs(wc)
    disk = os.path.join(wc, "pool.img")
    ids = make_btrfs_disk(disk, 256, "hsos-btrfs", ["eth", "secrets"])
    tap.ok(ids == {"eth": 256, "secrets": 257}, "btrfs: the test disk has subvolumes eth (256) and secrets", ids)
    # The image's node.json reports every 2 s to etcd at 10.0.2.2:<port> (test-boot.sh).
    etcd = None
    interval = 2
    listed = False
    port = os.environ.get("HSOS_E2E_ETCD_PORT")
    no_etcd = None
    if not shutil.which("etcd"):
        no_etcd = "no etcd on this host (package etcd-server, in scripts/deps.sh)"
    elif not port:
        no_etcd = "HSOS_E2E_ETCD_PORT is not set (test-boot.sh chooses the port the image names)"
    else:
        etcd = Etcd(wc, int(port))
    g = Guest(wc, image_btrfs, disks=[disk])
    try:
        if etcd:
            etcd.wait_healthy()
        g.start()
        state = g.wait_booted()
        tap.ok(state == "running", "btrfs: the node boots, every mount in place", state)
        eth = g.check("findmnt -n -o SOURCE,OPTIONS --mountpoint /var/mnt/eth")
        sec = g.check("findmnt -n -o SOURCE,OPTIONS --mountpoint /var/mnt/secrets")
        tap.ok("/dev/vda[/eth]" in eth and "subvolid=256" in eth, "btrfs: subvolid=256 mounted at /var/mnt/eth", eth)
        tap.ok("/dev/vda[/secrets]" in sec, "btrfs: subvol=secrets mounted at /var/mnt/secrets, the same device", sec)
        rc, _ = g.run("test -s /var/mnt/secrets/jwt.hex && test -d /var/mnt/eth/reth && test -d /var/mnt/eth/nimbus")
        tap.ok(rc == 0, "btrfs: the JWT on one subvolume, the data dirs on the other")
        if etcd:
            listed = controller_checks(g, etcd, interval)
        else:
            for name in CONTROLLER_CHECKS:
                tap.skip(name, no_etcd)
    except GuestError as e:
        tap.ok(False, "scenario btrfs ran to the end", e)
        g.diagnose()
        if etcd:
            print("# --- etcd ---\n" + "\n".join("# " + l for l in etcd.log_tail().splitlines()))
    finally:
        g.poweroff()
    if not etcd:
        return
    if not listed:
        etcd.stop()
        tap.ok(False, CONTROLLER_CHECKS[-1], "the node was never listed in etcd: nothing to see go")
        return
    try:
        # Powered off, it stops reporting: its lease (3 x interval) expires
        # and the key goes by itself.
        # It stays a member of the fleet: shown down, and fleet exits 2.
        gone_by = 3 * interval + 10
        start = time.monotonic()
        down = False
        while True:
            rc, out = fleet(etcd, "--json")
            try:
                rows = json.loads(out)
            except ValueError:
                rows = []
            down = rc == 2 and any(isinstance(r, dict) and r.get("hostname") == "e2e-btrfs"
                                   and r.get("state") == "down" for r in rows)
            if down or time.monotonic() - start > gone_by + 20:
                break
            time.sleep(0.5)
        took = time.monotonic() - start
        tap.ok(down and took <= gone_by,
               "%s (%.1f s)" % (CONTROLLER_CHECKS[-1], took),
               fleet(etcd)[1])
    finally:
        etcd.stop()


def scenario_invalid_config():
    wd = os.path.join(work, "d")
    os.makedirs(wd)
    disk = os.path.join(wd, "eth.img")
    make_ext4_disk(disk, 256, label=LABEL)
    g = Guest(wd, image_invalid, disks=[disk])
    try:
        g.start()
        g.wait_booted()
        rc, out = g.run("hsos-agent status")
        tap.ok(rc == 2 and "config-error" in out, "invalid node.json: state config-error, status exits 2", out)
        tap.ok("network: must be one of" in out and "localization.hostname: must be 1 to 63" in out
               and "execution.geth.dataDir: must be an absolute path" in out,
               "invalid node.json: every error is visible in hsos-agent status", out)
        rc, out = g.run("findmnt -n /mnt/eth; ls /run/systemd/system | grep -c '^geth' ; true")
        tap.ok(out.split() == ["0"], "invalid node.json: nothing is mounted or started", out)
    except GuestError as e:
        tap.ok(False, "scenario invalid config ran to the end", e)
        g.diagnose()
    finally:
        g.poweroff()


try:
    if image_invalid:
        scenario_invalid_config()
    scenario_disk_reboot_kexec()
    scenario_disk_missing()
    if image_btrfs:
        sntp_start()  # if scenario_disk_reboot_kexec stopped before starting it
        scenario_btrfs_subvolumes()
finally:
    sntp_stop()
    shutil.rmtree(work, ignore_errors=True)
sys.exit(tap.finish())
