"""The words systemd itself parsed from a unit's command lines.

`systemd --test --system` loads units without a running systemd and dumps
each one, its command lines as systemd's quote_command_line() prints them;
this undoes that quoting (and exec time's "$$" -> "$"), so a test compares
what systemd will run with what it expects, not with the agent's own
splitter. systemd refuses --test as root: run it as nobody.

    python3 systemd_argv.py UNIT-DIR UNIT KEY [N]
prints the words of the Nth (from 0) KEY= command line (ExecStart,
ExecStartPre, ...) of UNIT, one per line, each as Python's repr of bytes.
"""
import os
import subprocess
import sys

SYSTEMD = next((p for p in ("/lib/systemd/systemd", "/usr/lib/systemd/systemd") if os.access(p, os.X_OK)), None)


def unquote(line):
    """systemd's quote_command_line() undone: words split at spaces, "..."
    grouping, backslash escapes (\\\\ \\" \\$ \\` \\a \\b \\f \\n \\r \\t \\v, octal, \\x)."""
    words, i, n = [], 0, len(line)
    simple = {ord("a"): 7, ord("b"): 8, ord("f"): 12, ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("v"): 11}
    while i < n:
        while i < n and line[i] == 0x20:
            i += 1
        if i >= n:
            break
        w, quoted = bytearray(), False
        while i < n and (quoted or line[i] != 0x20):
            c = line[i]
            if c == 0x22:
                quoted, i = not quoted, i + 1
            elif c == 0x5c and i + 1 < n:
                d = line[i + 1]
                if 0x30 <= d <= 0x37:
                    w.append(int(line[i + 1:i + 4], 8) & 0xFF)
                    i += 4
                elif d == ord("x"):
                    w.append(int(line[i + 2:i + 4], 16))
                    i += 4
                elif d in simple:
                    w.append(simple[d])
                    i += 2
                else:
                    w.append(d)
                    i += 2
            else:
                w.append(c)
                i += 1
        words.append(bytes(w))
    return words


def exec_time(w):
    """systemd.service(5): "To pass a literal dollar sign, use $$". A lone
    '$' would be a variable, which none of the agent's words may hold: None."""
    out, i = bytearray(), 0
    while i < len(w):
        if w[i:i + 1] == b"$":
            if w[i + 1:i + 2] != b"$":
                return None
            i += 1
        out.append(w[i])
        i += 1
    return bytes(out)


def dump(unit_dir, unit):
    """systemd --test's dump of unit (loaded from unit_dir), as bytes."""
    if SYSTEMD is None:
        raise RuntimeError("no systemd binary here")
    env = dict(os.environ, SYSTEMD_UNIT_PATH=unit_dir + ":")
    cmd = [SYSTEMD, "--test", "--system", "--unit=" + unit, "--no-pager"]
    if os.geteuid() == 0:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
    return subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60).stdout


def command_lines(text, unit, key):
    """The command lines of key (b"ExecStart") of unit in a dump, raw."""
    start = text.find(b"-> Unit " + unit.encode() + b":")
    if start < 0:
        raise LookupError("no unit %s in the dump" % unit)
    rest = text[start:]
    end = rest.find(b"-> Unit ", 1)
    rest = rest[:end] if end > 0 else rest
    at = rest.find(b"-> " + key + b":\n")
    if at < 0:
        return []
    lines = []
    for line in rest[at:].split(b"\n")[1:]:
        s = line.strip(b"\t")
        if s.startswith(b"-> "):
            break
        if s.startswith(b"Command Line: "):
            lines.append(s[len(b"Command Line: "):])
    return lines


def argv(unit_dir, unit, key, n=0):
    """The words systemd will run for the nth key= line of unit."""
    lines = command_lines(dump(unit_dir, unit), unit, key.encode())
    if n >= len(lines):
        raise LookupError("%s has no %s= line %d" % (unit, key, n))
    return [exec_time(w) for w in unquote(lines[n])]


if __name__ == "__main__":
    try:
        words = argv(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    except (LookupError, RuntimeError) as e:
        sys.exit(str(e))
    for w in words:
        print(repr(w))
