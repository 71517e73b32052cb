#!/usr/bin/env python3
"""Applies one mutation (tests/mutants/NAME.mutant) to a tree.

A mutation file:

    file: agent/core/FILE.c
    decision: one line, the decision the edit flips
    @@ anchor
    exact text, one or more lines
    @@ replace
    the text it becomes (may be empty)

The anchor must occur exactly once in the file, else the mutation is an
error (exit 2), never a mutant: an anchor that has gone stale would test
nothing. The file must lie in agent/core/.

    apply.py MUTANT TREE          edit TREE/FILE in place
    apply.py --show MUTANT        print "file<TAB>decision"
"""
import os
import sys


def parse(path):
    fields, blocks, cur = {}, {}, None
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if line.startswith("@@ "):
                cur = line[3:].strip()
                if cur not in ("anchor", "replace") or cur in blocks:
                    raise ValueError(f"{path}: unexpected section line {line!r}")
                blocks[cur] = []
            elif cur is not None:
                blocks[cur].append(line)
            elif line.strip() and not line.startswith("#"):
                key, sep, value = line.partition(":")
                if not sep:
                    raise ValueError(f"{path}: not a 'key: value' line: {line!r}")
                fields[key.strip()] = value.strip()
    for key in ("file", "decision"):
        if not fields.get(key):
            raise ValueError(f"{path}: no {key}: line")
    if set(blocks) != {"anchor", "replace"}:
        raise ValueError(f"{path}: needs an '@@ anchor' and an '@@ replace' section")
    # A block ends with the line before the next marker; the file's last
    # newline is not part of the replacement.
    anchor = "\n".join(blocks["anchor"])
    replace = blocks["replace"]
    if replace and replace[-1] == "":
        replace = replace[:-1]
    replace = "\n".join(replace)
    if not anchor.strip():
        raise ValueError(f"{path}: empty anchor")
    if anchor == replace:
        raise ValueError(f"{path}: the replacement is the anchor itself")
    if not fields["file"].startswith("agent/core/") or ".." in fields["file"]:
        raise ValueError(f"{path}: file {fields['file']} is not in agent/core/")
    return fields, anchor, replace


def main(argv):
    try:
        if len(argv) == 3 and argv[1] == "--show":
            fields, _, _ = parse(argv[2])
            print(f"{fields['file']}\t{fields['decision']}")
            return 0
        if len(argv) != 3:
            print(__doc__.strip().split("\n\n")[-1], file=sys.stderr)
            return 2
        fields, anchor, replace = parse(argv[1])
        target = os.path.join(argv[2], fields["file"])
        with open(target, encoding="utf-8") as f:
            text = f.read()
        n = text.count(anchor)
        if n != 1:
            print(f"{argv[1]}: the anchor occurs {n} times in {fields['file']} (must be exactly once)",
                  file=sys.stderr)
            return 2
        with open(target, "w", encoding="utf-8") as f:
            f.write(text.replace(anchor, replace))
        return 0
    except (OSError, ValueError) as e:
        print(e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
