#!/usr/bin/env python3
"""Checks the command lines of systemd units against the clients' contracts.

    check.py [--contracts DIR] [--label TEXT] UNIT-OR-DIR...

Every *.service given (or found in a directory given) whose executable or
unit name is a client of tests/fixtures/clients/<client>.json is checked:
its ExecStart= (and, for ssv-node, the generate-operator-keys command its
ExecStartPre= runs) is read back into words by systemd itself, then each
word is read as the client's own parser reads it and checked against the
contract: an option the client does not know, a single-value option given
twice, a value of the wrong kind, a switch given a value, a value missing,
an argument the client does not take, a required option missing.

The words come from the real systemd: `systemd --test --system` loads the
units offline and dumps each command line it parsed (specifiers such as %d
expanded); the dump is decoded and exec time's "$$" -> "$" and ${VAR}
substitution applied, as systemd.service(5) "COMMAND LINES" says. It
refuses to run as root, so as root it runs as nobody on a readable copy.

Output is TAP: one "ok" line per unit that matches its contract, one
"not ok" line per failure, naming the unit, the option and the reason.
Exit 0 when every unit matched, 1 when a check failed, 2 when the units
could not be read at all.
"""
import argparse
import ipaddress
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from systemd_argv import unquote  # noqa: E402  (the dump's "Command Line:" read back)

HERE = os.path.dirname(os.path.abspath(__file__))
CONTRACTS = os.path.join(HERE, "..", "fixtures", "clients")

# How each client's parser reads its words, from the "syntax" of its
# contract (the text there is the source; this is that text as code):
#   style      goflag: Go's flag package under urfave/cli (-name and --name
#              alike; the first word that is not an option ends the options,
#              every later word is an argument); clap; picocli; pflag
#              (cobra); confutils (nimbus); yargs (lodestar); nethermind.
#   sep        a valued option may take its value from the next word.
#   bool_sep   a 'bool' option may take true|false from the next word:
#              "all", "optional" (only those whose value is optional) or
#              "notes" (besu: only those whose note says arity 0..1).
#   bools      the spellings of true and false the parser accepts.
#   fold       names are matched ignoring case and underscores.
GO_BOOLS = ("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False")
PROFILES = {
    "geth": dict(style="goflag", sep=True, bool_sep=None, bools=GO_BOOLS),
    "erigon": dict(style="goflag", sep=True, bool_sep=None, bools=GO_BOOLS),
    "prysm": dict(style="goflag", sep=True, bool_sep=None, bools=GO_BOOLS),
    "mev-boost": dict(style="goflag", sep=True, bool_sep=None, bools=GO_BOOLS),
    "reth": dict(style="clap", sep=True, bool_sep="optional", bools=("true", "false")),
    "lighthouse": dict(style="clap", sep=True, bool_sep="optional", bools=("true", "false")),
    "besu": dict(style="picocli", sep=True, bool_sep="notes", bools=("true", "false"), ci_enums=True),
    "teku": dict(style="picocli", sep=True, bool_sep="optional", bools=("true", "false"), ci_enums=True),
    "ssv-node": dict(style="pflag", sep=True, bool_sep=None, bools=GO_BOOLS),
    "nimbus": dict(style="confutils", sep=False, bool_sep=None, fold=True,
                   bools=("true", "false", "yes", "no", "on", "off", "1", "0")),
    "lodestar": dict(style="yargs", sep=True, bool_sep="all", bools=("true", "false")),
    "nethermind": dict(style="nethermind", sep=True, bool_sep="all", bools=("true", "false")),
}
# The other names of a subcommand (lighthouse.json syntax.subcommand).
SUBCOMMAND_ALIASES = {"bn": ("bn", "beacon_node", "beacon", "b")}
TRUE_WORDS = ("true", "false", "True", "False", "TRUE", "FALSE")


class Failure(Exception):
    pass


# ---------------------------------------------------------------- systemd


def find_systemd():
    for s in ("/lib/systemd/systemd", "/usr/lib/systemd/systemd"):
        if os.access(s, os.X_OK):
            return s
    return None


ENV_REF = re.compile(rb"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def exec_time(words, env):
    """systemd.service(5): "$$" is a literal "$"; ${FOO} is replaced by FOO's
    value, in one word; $FOO as a word of its own is split at whitespace
    into zero or more words. What is left is the argv the client gets."""
    out = []
    for w in words:
        m = re.fullmatch(rb"\$([A-Za-z_][A-Za-z0-9_]*)", w)
        if m:
            out.extend(env.get(m.group(1).decode(), b"").split())
            continue

        def sub(m):
            if m.group(0) == b"$$":
                return b"$"
            return env.get(m.group(1).decode(), b"")
        out.append(ENV_REF.sub(sub, w))
    return [w.decode("utf-8", "surrogateescape") for w in out]


def systemd_dump(units):
    """{unit name: {"ExecStart": [argv...], "ExecStartPre": [...], "env": {}}}
    as systemd --test reads the units, run once for all of them."""
    systemd = find_systemd()
    if systemd is None:
        raise Failure("no systemd binary (/lib/systemd/systemd) to read the units with")
    tmp = tempfile.mkdtemp(prefix="contracts-")
    try:
        d = os.path.join(tmp, "units")
        os.mkdir(d)
        names = []
        for path in units:
            name = os.path.basename(path)
            shutil.copyfile(path, os.path.join(d, name))
            names.append(name)
        with open(os.path.join(d, "contracts-check.target"), "w") as f:
            f.write("[Unit]\nDescription=the units check.py reads\n")
            for name in names:
                f.write("Wants=%s\n" % name)
        for p in (tmp, d):
            os.chmod(p, 0o755)
        for name in os.listdir(d):
            os.chmod(os.path.join(d, name), 0o644)
        cmd = [systemd, "--test", "--system", "--unit=contracts-check.target", "--no-pager"]
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
        env = dict(os.environ, SYSTEMD_UNIT_PATH=d + ":")
        r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           cwd="/", timeout=120)
        if r.returncode != 0 or b"-> Unit contracts-check.target:" not in r.stdout:
            raise Failure("systemd --test failed (exit %d): %s" %
                          (r.returncode, r.stderr.decode("utf-8", "replace")[-2000:]))
        return parse_dump(r.stdout, names, d)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def parse_dump(dump, names, unit_dir):
    out = {}
    for name in names:
        start = dump.find(b"\t-> Unit " + name.encode() + b":\n")
        if start < 0:
            out[name] = None
            continue
        rest = dump[start + 1:]
        end = rest.find(b"\n\t-> Unit ")
        rest = rest[:end] if end > 0 else rest
        lines = rest.split(b"\n")
        info = {"ExecStart": [], "ExecStartPre": [], "env": {}, "loaded": False, "fragment": None}
        section = None
        for line in lines:
            s = line.strip(b"\t")
            if s.startswith(b"Unit Load State: "):
                info["loaded"] = s.endswith(b"loaded")
            elif s.startswith(b"Fragment Path: "):
                info["fragment"] = s[len(b"Fragment Path: "):].decode("utf-8", "surrogateescape")
            elif s.startswith(b"Environment: "):
                w = unquote(s[len(b"Environment: "):])
                for kv in w:
                    k, _, v = kv.partition(b"=")
                    info["env"][k.decode()] = v
            elif s.startswith(b"-> "):
                section = s[3:].rstrip(b":").decode()
            elif s.startswith(b"Command Line: ") and section in ("ExecStart", "ExecStartPre"):
                info[section].append(unquote(s[len(b"Command Line: "):]))
        if info["fragment"] != os.path.join(unit_dir, name):
            info["loaded"] = False
        for k in ("ExecStart", "ExecStartPre"):
            info[k] = [exec_time(ws, info["env"]) for ws in info[k]]
        info["env"] = {k: v.decode("utf-8", "surrogateescape") for k, v in info["env"].items()}
        out[name] = info
    return out


# ---------------------------------------------------------------- contracts


def load_contracts(d):
    out = {}
    for f in sorted(os.listdir(d)):
        if f.endswith(".json"):
            with open(os.path.join(d, f)) as fh:
                c = json.load(fh)
            out[c["client"]] = c
    return out


def fold(name):
    return name.replace("_", "").lower()


class Table:
    """The names of one option set: canonical, aliases, negations."""

    def __init__(self, options, profile):
        self.options = options
        self.fold = profile.get("fold", False)
        self.names = {}
        for canon, o in options.items():
            for n in [canon] + list(o.get("aliases", [])):
                self.names[self.key(n)] = (canon, False)
            if o.get("negation"):
                self.names[self.key(o["negation"])] = (canon, True)

    def key(self, n):
        return fold(n) if self.fold else n

    def get(self, n):
        return self.names.get(self.key(n))


# ---------------------------------------------------------------- kinds

GO_DURATION = re.compile(r"[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|\u00b5s|ms|s|m|h))+)")
HUMANTIME = re.compile(r"([0-9]+\s*(nsec|ns|usec|us|msec|ms|seconds|second|sec|s|minutes|minute|min|m|"
                       r"hours|hour|hr|h|days|day|d|weeks|week|w)\s*)+")
SIZE = re.compile(r"[0-9]+(\.[0-9]+)?\s*([KMGTPE]i?B|B|[KMGTPE]i?)?", re.I)


def is_ip(v):
    try:
        ipaddress.ip_address(v)
        return True
    except ValueError:
        return False


def check_kind(client, profile, canon, o, value):
    """None if VALUE is of the option's kind, else the reason."""
    kind = o["value"]
    ci = o.get("case_insensitive") or profile.get("ci_enums")
    if kind in ("int", "uint", "port"):
        if not re.fullmatch(r"[-+]?[0-9]+" if kind == "int" else r"\+?[0-9]+", value):
            return "%r is not %s" % (value, {"int": "an integer", "uint": "an unsigned integer",
                                             "port": "a port number"}[kind])
        if kind == "port" and not 0 <= int(value) <= 65535:
            return "%r is not a port number (0..65535)" % value
    elif kind == "float":
        try:
            float(value)
        except ValueError:
            return "%r is not a number" % value
    elif kind == "bool":
        if value not in profile["bools"]:
            return "%r is not a boolean (%s takes %s)" % (value, client, "|".join(profile["bools"]))
    elif kind == "enum":
        vals = o.get("values", [])
        if not (value in vals or (ci and value.lower() in [v.lower() for v in vals])):
            return "%r is not one of %s" % (value, ", ".join(vals))
    elif kind == "list":
        vals = o.get("values")
        if vals:
            for e in value.split(","):
                if not (e in vals or (ci and e.lower() in [v.lower() for v in vals])):
                    return "element %r is not one of %s" % (e, ", ".join(vals))
    elif kind == "url":
        u = urllib.parse.urlsplit(value)
        if not u.scheme or not u.netloc:
            return "%r is not a URL (scheme://host...)" % value
    elif kind == "ip":
        if not is_ip(value):
            return "%r is not an IP address (%s refuses a host name here)" % (value, client)
    elif kind == "path":
        if value == "":
            return "an empty path"
    elif kind == "duration":
        if not (re.fullmatch(r"[0-9]+", value) or GO_DURATION.fullmatch(value)
                or HUMANTIME.fullmatch(value)):
            return "%r is not a duration" % value
    elif kind == "size":
        if not SIZE.fullmatch(value):
            return "%r is not a size (e.g. 512MB, 2GB)" % value
    elif kind == "string":
        pass
    else:
        return "the contract gives the unknown kind %r" % kind
    known = o.get("known_values")
    if known and value not in known and not value.startswith(("/", "./", "http://", "https://")):
        return ("%r is not a network %s knows (%s); it would be read as a path to a "
                "network directory" % (value, client, ", ".join(known)))
    return None


# ---------------------------------------------------------------- words


def is_option_word(w):
    return len(w) > 1 and w.startswith("-") and not re.fullmatch(r"-[0-9.]+", w)


def parse_words(client, contract, profile, words, options=None, subcommand=None):
    """Reads WORDS (the arguments after the executable) as CLIENT does.
    Returns (occurrences, failures): occurrences [(canon, value, word)],
    failures [(option, reason)]."""
    options = contract["options"] if options is None else options
    table = Table(options, profile)
    style = profile["style"]
    prefixes = contract["syntax"].get("prefixes", ["--"])
    occ, fails = [], []
    if subcommand is None:
        subcommand = contract.get("subcommand", [])
        subcommand = [subcommand] if isinstance(subcommand, str) else list(subcommand)
    sub_left = list(subcommand)
    i, n = 0, len(words)
    args_only = False
    while i < n:
        w = words[i]
        i += 1
        if args_only or not is_option_word(w) or w == "--":
            if w == "--" and not args_only:
                args_only = True
                continue
            if sub_left and w in SUBCOMMAND_ALIASES.get(sub_left[0], (sub_left[0],)):
                sub_left.pop(0)
                continue
            what = ("subcommand %r expected first" % sub_left[0]) if sub_left else "takes no arguments"
            if style == "goflag" and not args_only:
                rest = words[i:]
                fails.append((w, "unexpected argument %r (%s %s); Go's flag parsing stops here, so "
                                 "the %d word(s) after it are not read as options%s" %
                              (w, client, what, len(rest), (": " + json.dumps(rest[:6], ensure_ascii=False)) if rest else "")))
                return occ, fails, sub_left
            fails.append((w, "unexpected argument %r (%s %s)" % (w, client, what)))
            continue
        # An option word: its prefix, name and '=' value.
        if w.startswith("--") and "--" in prefixes:
            prefix, body = "--", w[2:]
        elif "-" in prefixes:
            prefix, body = "-", w[1:]
        else:
            fails.append((w, "unknown option %r (%s takes only %s options)" %
                          (w, client, " and ".join(p + "name" for p in prefixes))))
            continue
        sep = "=" if "=" in body else None
        if style == "confutils" and ":" in body and (sep is None or body.index(":") < body.index("=")):
            sep = ":"
        name, value = (body.split(sep, 1) if sep else (body, None))
        hit = table.get(name)
        if prefix == "-" and hit and style not in ("goflag", "nethermind") and len(name) > 1:
            if not (style == "yargs"):
                hit = None  # a single dash takes only one-letter names here
        if hit is None and prefix == "-" and style in ("clap", "pflag") and value is None:
            # a cluster of one-letter switches, e.g. reth's -vvv
            letters = [table.get(c) for c in name]
            if name and all(l and options[l[0]]["value"] == "none" for l in letters):
                for l in letters:
                    occ.append((l[0], None, w))
                continue
        if hit is None:
            why = contract.get("unsupported", {}).get(name)
            fails.append((prefix + name, "unknown option (%s %s has no option %r)%s" %
                          (client, contract["version"], name, (": " + why) if why else "")))
            continue
        canon, negated = hit
        o = options[canon]
        kind = o["value"]
        if o.get("deprecated"):
            fails.append((prefix + name, "deprecated in %s %s: it no longer does anything" %
                          (client, contract["version"])))
        if style != "goflag" and sub_left and not o.get("global"):
            fails.append((prefix + name, "given before the subcommand %r: only global options may come "
                                         "there" % sub_left[0]))
        if negated:
            if value is not None:
                fails.append((prefix + name, "a negation takes no value"))
            occ.append((canon, "false", w))
            continue
        optional = kind in ("none",) or (kind == "bool" and o.get("value_required") is not True)
        if kind == "none":
            if value is not None:
                fails.append((prefix + name, "a switch: %s refuses a value (%r)" % (client, w)))
            occ.append((canon, None, w))
            continue
        if kind == "bool" and optional:
            if value is None and i < n and words[i] in TRUE_WORDS:
                takes = profile["bool_sep"] == "all" or (
                    profile["bool_sep"] == "optional") or (
                    profile["bool_sep"] == "notes" and "arity 0..1" in o.get("note", ""))
                if takes:
                    value = words[i]
                    i += 1
            if value is not None:
                r = check_kind(client, profile, canon, o, value)
                if r:
                    fails.append((prefix + name, r))
            occ.append((canon, value, w))
            continue
        # A valued option.
        if value is None:
            if not profile["sep"]:
                fails.append((prefix + name, "value missing: %s takes the value only as %s%s=value, "
                                             "not in the next word" % (client, prefix, name)))
                occ.append((canon, None, w))
                continue
            if i >= n or (is_option_word(words[i]) and o["value"] not in ("int", "float")):
                fails.append((prefix + name, "value missing (%s expects a %s)" % (client, kind)))
                occ.append((canon, None, w))
                continue
            value = words[i]
            i += 1
        values = [value]
        # More values in the following words: clap's values_per_occurrence,
        # picocli's 0..*, yargs's array options.
        vpo = o.get("values_per_occurrence", "")
        more = 0
        m = re.search(r"\.\.=?(\d+|\*)$", vpo)
        if m:
            more = 1 << 30 if m.group(1) == "*" else int(m.group(1)) - 1
        if style == "yargs" and o.get("repeat"):
            more = 1 << 30
        while more > 0 and i < n and not is_option_word(words[i]) and sep is None:
            values.append(words[i])
            i += 1
            more -= 1
        for v in values:
            r = check_kind(client, profile, canon, o, v)
            why = contract.get("unsupported", {}).get("%s=%s" % (canon, v))
            if why:
                r = "%r is not supported by %s %s%s: %s" % (
                    v, client, contract["version"], (" (" + r + ")") if r else "", why)
            if r:
                fails.append((prefix + name, r))
            occ.append((canon, v, w))
    return occ, fails, sub_left


def check_command(client, contract, argv, options=None, subcommand=None, required=True):
    """Failures [(option, reason)] of one command line (argv[0] the executable)."""
    profile = PROFILES[client]
    occ, fails, sub_left = parse_words(client, contract, profile, argv[1:], options, subcommand)
    if sub_left:
        fails.append((sub_left[0], "subcommand %r missing: %s runs its options under it" %
                      (sub_left[0], client)))
    options = contract["options"] if options is None else options
    seen = {}
    for canon, value, word in occ:
        seen.setdefault(canon, []).append(word)
    for canon, ws in seen.items():
        o = options[canon]
        if len(ws) > 1 and not o.get("repeat"):
            how = o.get("twice", "")
            if how == "error":
                how = "%s refuses it" % client
            elif how == "last wins":
                how = "%s silently takes the last one" % client
            elif how == "accumulates":
                how = "%s collects them into an array it reads as one value" % client
            fails.append(("--" + canon, "a single-value option given %d times (%s): %s" %
                          (len(ws), how, " ".join(ws))))
    present = set(seen)
    for canon in seen:
        o = options[canon]
        for r in o.get("requires", []):
            alts = [a.strip() for a in r[len("one of "):].split(",")] if r.startswith("one of ") else [r]
            if not present.intersection(alts):
                fails.append(("--" + canon, "requires --%s, which is not given (%s refuses it alone)" %
                              (" or --".join(alts), client)))
        for c in o.get("conflicts", []):
            if c in present:
                fails.append(("--" + canon, "conflicts with --%s, which is given too" % c))
        for c in o.get("inert_without", []):
            if c not in present:
                fails.append(("--" + canon, "has no effect without --%s: %s" %
                              (c, o.get("inert_why", "the client ignores it"))))
    if required:
        req = contract.get("required", {})
        alts = req.get("alternatives", {})
        for r in req.get("options", []):
            if r not in present and not present.intersection(alts.get(r, [])):
                fails.append(("--" + r, "required option missing: %s" % req.get("why", "")))
    return fails


def ssv_generate_keys(contract, pre):
    """The generate-operator-keys command an ExecStartPre= runs, as argv,
    with the sh -c script's $N replaced by its arguments; None if none."""
    exe = contract["executable"]
    if len(pre) >= 3 and os.path.basename(pre[0]) in ("sh", "bash", "dash") and pre[1] == "-c":
        args = pre[3:]
        lex = shlex.shlex(pre[2], posix=True, punctuation_chars=";&|()<>")
        lex.whitespace_split = True
        toks = list(lex)

        def expand(t):
            return re.sub(r"\$\{?([0-9])\}?", lambda m: args[int(m.group(1))]
                          if int(m.group(1)) < len(args) else "", t)
        toks = [expand(t) for t in toks]
        for k, t in enumerate(toks):
            if t == "generate-operator-keys" and k > 0 and os.path.basename(toks[k - 1]) == exe:
                cmd = [toks[k - 1], t]
                for t2 in toks[k + 1:]:
                    if t2 and t2[0] in ";&|()<>":
                        break
                    cmd.append(t2)
                return cmd
    elif pre and os.path.basename(pre[0]) == exe and "generate-operator-keys" in pre:
        return pre
    return None


def find_client(contracts, name, argv):
    exe = os.path.basename(argv[0]) if argv else ""
    for c in contracts.values():
        if c["executable"] == exe:
            return c["client"]
    base = name[:-len(".service")]
    return base if base in contracts else None


def check_unit(contracts, name, info):
    """(client, contract, failures [(option, reason)]) or None if not a client unit."""
    if info is None or not info["loaded"]:
        return ("?", None, [("(unit)", "systemd did not load %s" % name)])
    if not info["ExecStart"]:
        client = find_client(contracts, name, [])
        return (client, contracts.get(client), [("ExecStart", "no ExecStart= line")]) if client else None
    argv = info["ExecStart"][0]
    client = find_client(contracts, name, argv)
    if client is None:
        return None
    contract = contracts[client]
    fails = []
    if len(info["ExecStart"]) > 1:
        fails.append(("ExecStart", "%d ExecStart= command lines; a Type=simple unit runs one" %
                      len(info["ExecStart"])))
    if os.path.basename(argv[0]) != contract["executable"]:
        fails.append(("ExecStart", "runs %r, not %s's executable %r" %
                      (argv[0], client, contract["executable"])))
    fails += check_command(client, contract, argv)
    other = contract.get("other_commands", {})
    if "generate-operator-keys" in other:
        for pre in info["ExecStartPre"]:
            cmd = ssv_generate_keys(contract, pre)
            if cmd is None:
                continue
            for opt, why in check_command(client, contract, cmd,
                                          options=other["generate-operator-keys"]["options"],
                                          subcommand=["generate-operator-keys"], required=False):
                fails.append((opt, "in ExecStartPre's generate-operator-keys: " + why))
    cfg = contract.get("config", {}).get("keys")
    if cfg:
        envs = {k["env"]: (key, k) for key, k in cfg.items() if "env" in k}
        for var, value in info["env"].items():
            if var not in envs:
                fails.append(("Environment=" + var, "%s reads no such variable (not a config key's env)" % client))
                continue
            key, k = envs[var]
            r = check_kind(client, PROFILES[client], key, k, value)
            if r:
                fails.append(("Environment=" + var, r))
        for key in contract.get("required", {}).get("config", []):
            if cfg[key]["env"] not in info["env"]:
                fails.append(("Environment=" + cfg[key]["env"],
                              "required config %s missing: the unit sets no %s and the config file "
                              "the unit writes does not hold it" % (key, cfg[key]["env"])))
    return (client, contract, fails)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--contracts", default=CONTRACTS)
    ap.add_argument("--label", default="", help="text put before each check's name")
    ap.add_argument("--words", action="store_true", help="also print each argv as read (TAP comments)")
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    units = []
    for p in a.paths:
        if os.path.isdir(p):
            units += [os.path.join(p, f) for f in sorted(os.listdir(p)) if f.endswith(".service")]
        else:
            units.append(p)
    contracts = load_contracts(a.contracts)
    label = a.label + ": " if a.label else ""
    try:
        dump = systemd_dump(units)
    except (Failure, OSError, subprocess.SubprocessError) as e:
        print("Bail out! %s" % e)
        return 2
    n = failed = 0
    for path in units:
        name = os.path.basename(path)
        r = check_unit(contracts, name, dump.get(name))
        if r is None:
            print("# %s%s: not a client unit, no contract" % (label, name))
            continue
        client, contract, fails = r
        if a.words:
            for k in ("ExecStartPre", "ExecStart"):
                for argv in dump[name][k]:
                    print("# %s%s %s: %s" % (label, name, k, json.dumps(argv, ensure_ascii=False)))
        if not fails:
            n += 1
            print("ok %d - %s%s matches %s %s's contract" % (n, label, name, client, contract["version"]))
            continue
        for opt, why in fails:
            n += 1
            failed += 1
            print("not ok %d - %s%s: %s: %s" % (n, label, name, opt, why))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
