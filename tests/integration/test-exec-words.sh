#!/bin/sh
# The words of an ExecStart= line as the real systemd reads them, not as the
# project's own reader (cmdline_split) does. hsos-agent renders geth.service
# with extraOptions that split into hard words (spaces, tab, quotes,
# backslash, $, $$, %, a lone ;, the empty word, leading -@:+!, UTF-8,
# control characters, bytes that are not UTF-8); then
#  - systemd-analyze verify reads the unit without a single warning, and it
#    does warn about units escaped wrongly on purpose (so the check is real);
#  - systemd itself (systemd --test, which loads the units and dumps each
#    command line it parsed, offline) gives back exactly the words written
#    by hand below, after the "$$" -> "$" of exec time; and the same dump
#    tells a wrongly escaped word from the right one.
# A running systemd reading the argv back is the e2e tier's.
. "$(dirname "$0")/lib.sh"
A=$HSOS_AGENT
command -v systemd-analyze >/dev/null || skip_all "systemd-analyze is not installed"
command -v python3 >/dev/null || skip_all "python3 is not installed"

# Every element and the one word systemd must hand geth for it, by hand:
# systemd.service(5) "COMMAND LINES", systemd.syntax(7) "QUOTING".
cat >"$T/words.py" <<'PY'
WORDS = [
    (r"'a b'", b"a b"),
    (r"x\ty", b"x\ty"),
    (r"a\nb", b"a\nb"),
    (r"\x01", b"\x01"),
    (r"x\x7fy", b"x\x7fy"),
    (r"""'say "hi"'""", b'say "hi"'),
    (r'''"it's"''', b"it's"),
    (r"a\\b", b"a\\b"),
    (r"$HOME", b"$HOME"),
    (r"${HOME}", b"${HOME}"),
    (r"$$", b"$$"),
    (r"50%", b"50%"),
    (r"%h", b"%h"),
    (r"%%", b"%%"),
    (r";", b";"),
    (r"a;b", b"a;b"),
    (r"\;", b";"),
    (r'""', b""),
    (r"-x", b"-x"),
    (r"@x", b"@x"),
    (r":x", b":x"),
    (r"+x", b"+x"),
    (r"!x", b"!x"),
    ("caf\u00e9", "caf\u00e9".encode()),
    ("\u20ac\U0001F600", "\u20ac\U0001F600".encode()),
    (r"\xff", b"\xff"),
    (r"a\xc3", b"a\xc3"),
    (r"\xc0\x80", b"\xc0\x80"),
    (r"\xed\xa0\x80", b"\xed\xa0\x80"),
    (r"\xef\xbf\xbf", b"\xef\xbf\xbf"),
    (r"\xef\xb7\x90", b"\xef\xb7\x90"),
    (r"\xf4\x90\x80\x80", b"\xf4\x90\x80\x80"),
]
PY

python3 - "$T" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from words import WORDS
node = {
    "mounts": {"data": {"enable": True, "what": "LABEL=data", "where": "/mnt", "type": "ext4"}},
    "execution": {"geth": {"enable": True, "extraOptions": [e for e, _ in WORDS]}},
}
open(sys.argv[1] + "/node.json", "w").write(json.dumps(node, ensure_ascii=False))
PY
cat >"$T/facts.json" <<JSON
{ "devices": [ { "devname": "/dev/vdb", "type": "ext4", "label": "data" } ],
  "mounts": [ { "target": "/", "source": "rootfs", "fstype": "rootfs", "options": "rw" },
              { "target": "/mnt", "source": "/dev/vdb", "fstype": "ext4", "options": "rw" } ],
  "files": [ { "path": "/mnt/secrets/jwt.hex", "state": "present" } ],
  "executables": { "geth": "/usr/bin/true" } }
JSON

mkdir -p "$T/units"
expect_exit 0 "hsos-agent plan renders geth.service with the hard words" \
        "$A" plan -c "$T/node.json" -f "$T/facts.json" --units-dir "$T/units"
U=$T/units/geth.service

# verify: no warning for the agent's unit.
out=$(systemd-analyze verify --man=no "$U" 2>&1)
if [ -z "$out" ]; then ok "systemd-analyze verify: geth.service with the hard words, no warning"
else not_ok "systemd-analyze verify: geth.service with the hard words, no warning" "$out"; fi

# Units escaped wrongly on purpose: verify must say so, or it proves nothing.
# FILE LINE: a oneshot unit whose ExecStart= is LINE (printf format).
bad_unit() {
        printf '[Service]\nType=oneshot\n' >"$T/bad/$1.service"
        printf "$2\\n" >>"$T/bad/$1.service"
}
mkdir -p "$T/bad"
bad_unit raw-byte 'ExecStart=/usr/bin/true "a\377b"'           # a byte that is not UTF-8, raw
bad_unit noncharacter 'ExecStart=/usr/bin/true "\357\277\277"'  # U+FFFF, raw
bad_unit unknown-escape 'ExecStart=/usr/bin/true "a\\qb"'       # \q
bad_unit unbalanced 'ExecStart=/usr/bin/true "a b'
bad_unit escaped-semicolon 'ExecStart=/usr/bin/true a\\;b'      # \; inside a word
for f in "$T"/bad/*.service; do
        name=$(basename "$f" .service)
        out=$(systemd-analyze verify --man=no "$f" 2>&1)
        if [ -n "$out" ]; then ok "systemd-analyze verify warns about a wrong escaping ($name)"
        else not_ok "systemd-analyze verify warns about a wrong escaping ($name)" "$(cat "$f")"; fi
done

# systemd --test loads the units and dumps each one's parsed command lines.
# It refuses to run as root: as nobody, then, on a copy it can read.
SYSTEMD=
for s in /lib/systemd/systemd /usr/lib/systemd/systemd; do [ -x "$s" ] && SYSTEMD=$s && break; done
run_dump() { # UNIT-DIR UNIT: the dump on stdout
        if [ "$(id -u)" = 0 ]; then
                SYSTEMD_UNIT_PATH="$1:" setpriv --reuid=65534 --regid=65534 --clear-groups \
                        "$SYSTEMD" --test --system --unit="$2" --no-pager 2>"$T/dump.err"
        else
                SYSTEMD_UNIT_PATH="$1:" "$SYSTEMD" --test --system --unit="$2" --no-pager 2>"$T/dump.err"
        fi
}
# The words of UNIT's ExecStart in the dump, after exec time's "$$" -> "$",
# checked against the hand-written table (args after the generated ones).
cat >"$T/argv.py" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[5])
from words import WORDS
from systemd_argv import command_lines, exec_time, unquote

dump, unit = open(sys.argv[2], "rb").read(), sys.argv[3]
try:
    lines = command_lines(dump, unit, b"ExecStart")
except LookupError as e:
    sys.exit(str(e))
if not lines:
    sys.exit("no ExecStart command line for %s in the dump" % unit)
line = lines[0]
words = [exec_time(w) for w in unquote(line)]
want = [w for _, w in WORDS] if sys.argv[4] == "all" else [WORDS[int(sys.argv[4])][1]]
got = words[-len(want):]
bad = [(i, e, g) for i, (e, g) in enumerate(zip(want, got)) if e != g]
if len(words) < len(want) or bad:
    print("command line: %r" % line)
    for i, e, g in bad:
        print("word %d: expected %r, got %r" % (i, e, g))
    sys.exit(1)
PY

if [ -z "$SYSTEMD" ]; then
        skip "systemd --test reads back the words of geth.service" "no systemd binary here"
        skip "systemd --test tells a wrong escaping from the right one" "no systemd binary here"
else
        mkdir -p "$T/dump"
        cp "$U" "$T/dump/geth.service"
        # The right escaping of "%h" and a wrong one, beside it.
        printf '[Service]\nType=oneshot\nExecStart=/usr/bin/true "%%%%h"\n' >"$T/dump/right.service"
        printf '[Service]\nType=oneshot\nExecStart=/usr/bin/true "%%h"\n' >"$T/dump/wrong.service"
        chmod 0755 "$T" "$T/dump"
        chmod 0644 "$T"/dump/*.service
        for u in geth right wrong; do
                run_dump "$T/dump" "$u.service" >"$T/dump-$u.txt" || true
        done
        if python3 "$T/argv.py" "$T" "$T/dump-geth.txt" geth.service all "$TOP/tests/integration" >"$T/argv.out" 2>&1; then
                ok "systemd --test reads back the words of geth.service"
        else
                not_ok "systemd --test reads back the words of geth.service" "$(cat "$T/argv.out")" "$(head -c 2000 "$T/dump.err")"
        fi
        # WORDS[12] is "%h": right.service must give it back, wrong.service must not.
        if python3 "$T/argv.py" "$T" "$T/dump-right.txt" right.service 12 "$TOP/tests/integration" >"$T/argv.out" 2>&1 &&
           ! python3 "$T/argv.py" "$T" "$T/dump-wrong.txt" wrong.service 12 "$TOP/tests/integration" >/dev/null 2>&1; then
                ok "systemd --test tells a wrong escaping from the right one"
        else
                not_ok "systemd --test tells a wrong escaping from the right one" "$(cat "$T/argv.out")"
        fi
fi

# An executable whose path holds '$' (agent.packages): systemd runs the path
# as written, without expanding variables (systemd issues #1274, #23235), so
# "$$" there names another file. systemd-analyze verify looks the path up.
mkdir -p "$T/opt/eth\$1"
printf '#!/bin/sh\nexit 0\n' >"$T/opt/eth\$1/geth"
chmod 0755 "$T/opt/eth\$1/geth"
cat >"$T/dollar.json" <<JSON
{"execution": {"geth": {"enable": true, "dataDir": "$T/g"}}, "agent": {"packages": {"geth": "$T/opt/eth\$1/geth"}}}
JSON
mkdir -p "$T/dollar-units"
"$HSOS_AGENT" plan --config "$T/dollar.json" --units-dir "$T/dollar-units" >/dev/null 2>&1
expect_in "$T/dollar-units/geth.service" "ExecStart=\"$T/opt/eth\$1/geth\"" "a '\$' in the executable's path is written once"
out=$(systemd-analyze verify --man=no "$T/dollar-units/geth.service" 2>&1 | grep -i "geth'*[: ].*\(not executable\|no such file\)")
expect_exit 0 "systemd-analyze verify finds the executable whose path holds '\$'" test -z "$out"
[ -z "$out" ] || echo "# $out"
finish
