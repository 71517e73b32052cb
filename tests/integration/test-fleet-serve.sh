#!/bin/sh
# hsos-agent fleet serve, for real (issue #15): a real etcd (Debian's) holds
# three nodes' statuses (each under its own lease, as the agent writes them)
# and their members; fleet serve shows them as a page. Without a browser: the
# table is there at load (no JavaScript needed), the headers (CSP...), 405 on
# anything but GET/HEAD, /fleet.json is fleet --json, the caps hold (a
# request too large, too many connections). With Debian's chromium, headless,
# over the DevTools protocol (tests/integration/browser.py): the DOM shows the
# three nodes and their states; a node's lease is revoked and its row turns
# down without a reload (Server-Sent Events); a key holding <script> is text
# and no script of it runs. Screenshots: build/test-artefacts/.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/peers/peers.sh"
A=$HSOS_AGENT
missing=""
for c in python3 jq curl etcd etcdctl chromium; do command -v "$c" >/dev/null 2>&1 || missing="$missing $c"; done
[ -z "$missing" ] || skip_all "not installed:$missing (scripts/deps.sh installs them)"

SERVE_PID=""
cleanup() {
        [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null
        peers_cleanup
        return 0
}
until_true() {
        _n=$(($1 * 5)); shift
        while [ $_n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; _n=$((_n - 1)); sleep 0.2; done
        return 1
}
ectl() { etcdctl --endpoints "$ETCD_URL" "$@"; }
# node HOST: its status under a lease of its own (id in $T/HOST.lease), its member.
node() {
        ectl lease grant 600 | awk '{print $2}' >"$T/$1.lease"
        ectl put --lease="$(cat "$T/$1.lease")" "/fs/nodes/$1/status" <"$T/$1.status" >/dev/null
        ectl put "/fs/members/$1" <"$T/$1.member" >/dev/null
}

etcd_start || { not_ok "etcd starts" "$PEERS_ERROR"; finish; exit 1; }
python3 "$TOP/tests/integration/fleet-nodes.py" "$T" test
for h in fs-alpha fs-bravo fs-charlie; do node "$h"; done
# A hostile one: a key whose "hostname" is markup, a reason that is markup.
python3 - "$T" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1] + "/fs-alpha.status"))
doc["hostname"] = "evil"
doc["state"] = "degraded"
doc["reasons"] = ['<img src=x onerror="window.pwned=1">', "\"quoted' & <b>bold</b>\u202e"]
json.dump(doc, open(sys.argv[1] + "/evil.status", "w"))
PY
ectl put '/fs/nodes/<script>window.pwned=1</script>/status' <"$T/evil.status" >/dev/null
ectl put '/fs/nodes/x<script>window.pwned=2<\script>/status' <"$T/evil.status" >/dev/null

PORT=$(peers_free_ports 1)
URL=http://127.0.0.1:$PORT
$A fleet serve --etcd "$ETCD_URL" --prefix /fs --listen "127.0.0.1:$PORT" --interval 1 --max-connections 12 \
        --max-per-ip 4 --idle-timeout 5 >"$T/serve.log" 2>&1 &
SERVE_PID=$!
until_true 10 sh -c "curl -sf $URL/fleet.json | jq -e 'length == 5'" && until_true 5 sh -c "curl -s $URL/ | grep -q fs-charlie" \
        && ok "fleet serve answers with the fleet" || not_ok "fleet serve answers" "$(cat "$T/serve.log")" "$(curl -s "$URL/fleet.json")"

# The page without JavaScript: a full table at load.
curl -s -D "$T/headers" -o "$T/page.html" "$URL/"
for h in fs-alpha:ok:operational fs-bravo:warn:degraded fs-charlie:ok:operational; do
        host=${h%%:*} rest=${h#*:}
        grep -q "<tr data-host=\"$host\" class=\"tone-${rest%%:*}\">" "$T/page.html" &&
                grep -A2 "<tr data-host=\"$host\"" "$T/page.html" | grep -q "<span class=\"badge\">${rest#*:}</span>" \
                && ok "the page at load: $host ${rest#*:}" || not_ok "the page at load: $host" "$(cat "$T/page.html")"
done
expect_in "$T/page.html" '<p id="counts">2 operational, 2 degraded, 1 invalid</p>' "the header line counts the states"
expect_in "$T/page.html" '<span class="name">geth</span> <span class="sync">syncing 20911000/21187730</span> <span class="head">block 20911000</span>' \
        "a client's sync and head in words"
expect_in "$T/page.html" '<span class="name">lighthouse</span> <span class="sync">optimistic</span> <span class="head">slot 10311210</span> <span class="opt">optimistic</span>' \
        "the optimistic flag"
expect_in "$T/page.html" '<li>Geth/v1.14.11-stable/linux-amd64/go1.22.5</li>' "the clients' versions"
expect_in "$T/page.html" '&lt;script&gt;window.pwned=1&lt;' "a key holding <script> is escaped"
expect_in "$T/page.html" '<li>&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;</li>' "a reason holding markup is escaped"
expect_not_in "$T/page.html" '<script>window' "no markup of etcd's reaches the page raw"
expect_not_in "$T/page.html" "$(printf '\342\200\256')" "no bidi control reaches the page"
tr -d '\r' <"$T/headers" >"$T/h"
expect_in "$T/h" "Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; frame-ancestors 'none'" "the CSP header"
expect_in "$T/h" "X-Content-Type-Options: nosniff" "nosniff"
expect_in "$T/h" "Referrer-Policy: no-referrer" "no referrer"
expect_in "$T/h" "Cache-Control: no-store" "no-store"
expect_in "$T/h" "Content-Type: text/html; charset=utf-8" "the page is HTML in UTF-8"
curl -s "$URL/app.js" >"$T/app.js"
grep -q 'textContent' "$T/app.js" && ! grep -q 'innerHTML\|outerHTML\|insertAdjacentHTML\|document.write\|eval(' "$T/app.js" \
        && ok "app.js sets textContent only" || not_ok "app.js sets textContent only"
[ "$(curl -s -o /dev/null -w '%{content_type}' "$URL/style.css")" = "text/css; charset=utf-8" ] && ok "/style.css" || not_ok "/style.css"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/nope")" = 404 ] && ok "404 elsewhere" || not_ok "404 elsewhere"
$A fleet --etcd "$ETCD_URL" --prefix /fs --json | jq -S . >"$T/cli.json"
curl -s "$URL/fleet.json" | jq -S . >"$T/web.json"
cmp -s "$T/cli.json" "$T/web.json" && ok "/fleet.json is fleet --json" || not_ok "/fleet.json is fleet --json" "$(diff "$T/cli.json" "$T/web.json" | head -20)"

# Read-only.
for m in POST PUT DELETE PATCH; do
        code=$(curl -s -o /dev/null -D "$T/h405" -w '%{http_code}' -X "$m" -d 'x=1' "$URL/")
        [ "$code" = 405 ] && grep -qi '^Allow: GET, HEAD' "$T/h405" && ok "$m is 405 (Allow: GET, HEAD)" || not_ok "$m is 405" "HTTP $code"
done
[ "$(curl -s -o /dev/null -w '%{http_code}' -I "$URL/")" = 200 ] && ok "HEAD is fine" || not_ok "HEAD is fine"

# The caps: a request larger than 16 KiB is refused; connections past the
# limit are closed at once; an idle one is closed after --idle-timeout.
code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Pad: $(head -c 20000 /dev/zero | tr '\0' a)" "$URL/")
case $code in 431|413|000) ok "a request too large is refused (HTTP $code)" ;; *) not_ok "a request too large" "HTTP $code" ;; esac
python3 - "$PORT" >"$T/caps" <<'PY'
import socket, sys, time
port = int(sys.argv[1])
socks = []
for i in range(30):
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    socks.append(s)
time.sleep(1)
closed = 0
for s in socks:
    s.settimeout(0.2)
    try:
        if s.recv(1) == b"":
            closed += 1
    except socket.timeout:
        pass
    except OSError:
        closed += 1
print("closed", closed)
open_left = [s for s in socks]
time.sleep(7)
idle_closed = 0
for s in socks:
    s.settimeout(0.2)
    try:
        if s.recv(1) == b"":
            idle_closed += 1
    except socket.timeout:
        pass
    except OSError:
        idle_closed += 1
print("after-idle", idle_closed)
PY
closed=$(awk '/^closed/{print $2}' "$T/caps"); after=$(awk '/^after-idle/{print $2}' "$T/caps")
[ "${closed:-0}" = 26 ] && ok "30 connections at once from one address, a cap of 4 per address: $closed closed at once" || not_ok "the connection cap" "$(cat "$T/caps")"
[ "${after:-0}" = 30 ] && ok "idle connections are closed after the idle timeout" || not_ok "the idle timeout" "$(cat "$T/caps")"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/")" = 200 ] && ok "and the server still answers" || not_ok "the server still answers"

# A real browser.
mkdir -p "$TOP/build/test-artefacts"
python3 - "$URL" "$TOP" "$ETCD_URL" "$(cat "$T/fs-charlie.lease")" >"$T/browser.out" 2>&1 <<'PY'
import json, subprocess, sys, time
url, top, etcd, lease = sys.argv[1:5]
sys.path.insert(0, top + "/tests/integration")
from browser import Browser

def check(cond, name, detail=""):
    print(("CHECK ok " if cond else "CHECK not_ok ") + name + ("\t" + detail if not cond and detail else ""), flush=True)

ROWS = """JSON.stringify(Array.from(document.querySelectorAll('#fleet tbody tr')).map(function (r) {
  return [r.getAttribute('data-host'), r.querySelector('.badge') && r.querySelector('.badge').textContent]; }))"""
b = Browser()
try:
    b.navigate(url + "/")
    rows = dict(json.loads(b.eval(ROWS)))
    check(rows.get("fs-alpha") == "operational" and rows.get("fs-bravo") == "degraded" and rows.get("fs-charlie") == "operational",
          "chromium: the three nodes and their states", json.dumps(rows))
    live = b.wait_for("document.getElementById('live').className === 'on' && document.getElementById('live').textContent")
    check(live == "Live", "chromium: app.js runs (CSP allows it) and /events is connected", str(live))
    hostile = [h for h in rows if h and "<script>" in h]
    check(len(hostile) == 2, "chromium: a key holding <script> is a row's text", json.dumps(list(rows)))
    text = b.eval("Array.from(document.querySelectorAll('td.host')).map(function (t) { return t.textContent; }).join('|')")
    check("<script>window.pwned=1</script>" in text, "chromium: shown as text, <script> and all", text)
    check(b.eval("document.querySelectorAll('#fleet script, #fleet img').length") == 0,
          "chromium: no element came of etcd's strings")
    check(b.eval("typeof window.pwned") == "undefined", "chromium: no script of etcd's ran")
    b.screenshot(top + "/build/test-artefacts/fleet-page.png")
    # A node dies: its lease is revoked, its status key goes; its member stays.
    b.eval("window.__same_page = 1")
    subprocess.run(["etcdctl", "--endpoints", etcd, "lease", "revoke", lease], check=True, stdout=subprocess.DEVNULL)
    t0 = time.time()
    down = b.wait_for("""(function () { var r = Array.from(document.querySelectorAll('#fleet tbody tr')).filter(
        function (r) { return r.getAttribute('data-host') === 'fs-charlie'; })[0];
        return r && r.querySelector('.badge').textContent === 'down' && r.className === 'tone-bad' && r.textContent; })()""", 20)
    check(bool(down), "chromium: a node whose lease is gone turns down without a reload (%.1f s)" % (time.time() - t0), str(down))
    check(down and "last seen" in down and "was operational" in down, "chromium: with when it was last seen and what it was", str(down))
    check(b.eval("window.__same_page") == 1, "chromium: the same page, not reloaded")
    counts = b.wait_for("document.getElementById('counts').textContent.indexOf('1 down') >= 0 && document.getElementById('counts').textContent")
    check(bool(counts), "chromium: the header line follows", str(counts))
    check(b.eval("typeof window.pwned") == "undefined", "chromium: still no script of etcd's ran after the events")
    errors = b.console_errors()
    check(not errors, "chromium: no script error on the page", json.dumps(errors))
    b.screenshot(top + "/build/test-artefacts/fleet-page-down.png")
    b.screenshot(top + "/build/test-artefacts/fleet-page-phone.png", 390, 844)
    check(b.eval("document.documentElement.scrollWidth <= 390 + 1"), "chromium: a phone's width needs no sideways scroll",
          str(b.eval("document.documentElement.scrollWidth")))
finally:
    b.close()
PY
rc=$?
while IFS= read -r line; do
        case $line in
        "CHECK ok "*) ok "${line#CHECK ok }" ;;
        "CHECK not_ok "*) l=${line#CHECK not_ok }; not_ok "${l%%	*}" "${l#*	}" ;;
        *) echo "# $line" ;;
        esac
done <"$T/browser.out"
[ $rc = 0 ] && ok "the browser session ran to its end" || not_ok "the browser session" "exit $rc"
[ -s "$TOP/build/test-artefacts/fleet-page.png" ] && ok "a screenshot: build/test-artefacts/fleet-page.png" || not_ok "a screenshot"

# etcd goes away: the page says so and keeps the last fleet.
etcd_stop
until_true 10 sh -c "curl -s $URL/ | grep -q '<p id=\"problem\">etcd'" \
        && ok "etcd away: the page says so" || not_ok "etcd away: the page says so" "$(curl -s "$URL/" | grep problem)"
expect_exit 0 "the last fleet stays shown" sh -c "curl -s $URL/ | grep -q 'data-host=\"fs-alpha\"'"
kill -TERM "$SERVE_PID"; wait "$SERVE_PID"; rc=$?; SERVE_PID=""
[ $rc = 0 ] && ok "SIGTERM stops it (exit 0)" || not_ok "SIGTERM stops it" "exit $rc" "$(cat "$T/serve.log")"
finish
