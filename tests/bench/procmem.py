#!/usr/bin/env python3
"""The memory of process trees, from /proc: for memory.sh.
    python3 tests/bench/procmem.py SECONDS INTERVAL NAME=ROOT...
Each ROOT pid stands for itself and all its descendants (found through
/proc/PID/task/TID/children where the kernel has it, else through the parent
pid of every process in /proc). Every INTERVAL seconds for SECONDS, the RSS,
the PSS and the private memory (USS: Private_Clean + Private_Dirty) of
/proc/PID/smaps_rollup are summed over each tree; and every millisecond while
a child forked in a tree lives (the kernel's fork events, through the netlink
proc connector, as root): a short-lived child is not missed. At the end, the
root process's mappings (/proc/PID/smaps) are summed by file (or [heap],
[anon], [stack]), and so are those of each other process of the tree then
alive (the helpers that stay), and the distinct pages resident in the tree are counted
(/proc/PID/pagemap). Prints one JSON object:
{NAME: {"samples": [[n_procs, rss_kib, pss_kib, private_kib, regular], ...]
                   (regular: 1 if taken at the INTERVAL, 0 if after a fork),
        "last": [{"pid", "comm", "rss", "pss", "pss_anon", "pss_file",
                  "private", "hwm"}, ...],
        "most": the same for the sample with the most processes (of those,
                the one of the highest RSS),
        "root": the same for the root process at the end,
        "maps": [[name, rss_kib, pss_kib], ...] largest RSS first,
        "child_maps": [{"pid", "comm", "maps"}, ...]: the same for each of
                the other processes of "last" (the helpers that stay),
        "alone": KiB of distinct resident pages of the "last" processes},
 "fork_events": whether the forks were seen as they happened}
A process that ends while read is left out of that sample."""

import json
import os
import select
import socket
import struct
import sys
import time


def children_of(pid):
    kids = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                kids += [int(x) for x in f.read().split()]
    except FileNotFoundError:
        return None  # no such file (CONFIG_PROC_CHILDREN off) or no such pid
    return kids


def parents():
    """{ppid: [pid, ...]} of every process now."""
    tree = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                s = f.read()
        except OSError:
            continue
        ppid = int(s[s.rindex(")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(d))
    return tree


HAVE_CHILDREN = os.path.exists("/proc/self/task/%d/children" % os.getpid())


def tree_of(root):
    out, todo = [], [root]
    table = None if HAVE_CHILDREN else parents()
    while todo:
        pid = todo.pop()
        if not os.path.exists("/proc/%d" % pid):
            continue
        out.append(pid)
        kids = children_of(pid) if table is None else table.get(pid, [])
        todo += kids or []
    return out


def rollup(pid):
    r = {"pid": pid}
    try:
        with open("/proc/%d/comm" % pid) as f:
            r["comm"] = f.read().strip()
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if v.strip().endswith("kB"):
                    r[k] = int(v.split()[0])
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    r["hwm"] = int(line.split()[1])
    except (OSError, ValueError):
        return None
    if "Rss" not in r:  # a zombie, or a kernel thread
        return None
    return {"pid": pid, "comm": r["comm"], "rss": r["Rss"], "pss": r["Pss"],
            "pss_anon": r.get("Pss_Anon", 0), "pss_file": r.get("Pss_File", 0),
            "private": r.get("Private_Clean", 0) + r.get("Private_Dirty", 0),
            "hwm": r.get("hwm", 0)}


def maps(pid):
    """[[name, rss, pss], ...]: the mappings summed by file, largest RSS first."""
    by = {}
    name = None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            first = line.split(None, 1)[0]
            if "-" in first and not first.endswith(":"):  # a mapping's header
                parts = line.split(None, 5)
                path = parts[5].strip() if len(parts) > 5 else ""
                name = os.path.basename(path) if path.startswith("/") else (path or "[anon]")
                by.setdefault(name, [0, 0])
            elif first == "Rss:":
                by[name][0] += int(line.split()[1])
            elif first == "Pss:":
                by[name][1] += int(line.split()[1])
    return sorted(([n, r, p] for n, (r, p) in by.items()), key=lambda x: (-x[1], x[0]))


def alone(pids):
    """KiB: the distinct pages resident in the processes of pids (their page
    frames, /proc/PID/pagemap; root only): what they would hold were nothing
    else on the machine mapping the same files. None if unreadable."""
    frames = set()
    for pid in pids:
        try:
            with open("/proc/%d/maps" % pid) as m, open("/proc/%d/pagemap" % pid, "rb") as pm:
                for line in m:
                    lo, hi = (int(x, 16) for x in line.split(None, 1)[0].split("-"))
                    if lo >= 1 << 47:  # [vsyscall]
                        continue
                    pm.seek(lo // 4096 * 8)
                    raw = pm.read((hi - lo) // 4096 * 8)
                    for i in range(0, len(raw), 8):
                        e = int.from_bytes(raw[i:i + 8], "little")
                        if e >> 63:  # present
                            frames.add(e & ((1 << 55) - 1))
        except OSError:
            continue
    if 0 in frames and len(frames) == 1:
        return None  # frame numbers hidden (not root)
    return len(frames) * 4


def fork_events():
    """A socket of the kernel's process events (the netlink proc connector;
    root only), or None where there is none."""
    try:
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 11)  # NETLINK_CONNECTOR
        s.bind((0, 1))  # CN_IDX_PROC
        op = struct.pack("=I", 1)  # PROC_CN_MCAST_LISTEN
        cn = struct.pack("=IIIIHH", 1, 1, 0, 0, len(op), 0) + op  # cn_msg: CN_IDX_PROC, CN_VAL_PROC
        s.send(struct.pack("=IHHII", 16 + len(cn), 3, 0, 0, 0) + cn)  # NLMSG_DONE
        return s
    except OSError:
        return None


def forks(sock):
    """[(parent tgid, child tgid), ...] of the forks reported so far."""
    out = []
    while True:
        try:
            d = sock.recv(4096, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return out
        # nlmsghdr (16), cn_msg (20), proc_event: what, cpu, timestamp (16)
        if len(d) >= 68 and struct.unpack_from("=I", d, 36)[0] == 1:  # PROC_EVENT_FORK
            _, ptgid, _, ctgid = struct.unpack_from("=IIII", d, 52)
            if ptgid != ctgid:  # not a thread
                out.append((ptgid, ctgid))


def main():
    seconds, interval = float(sys.argv[1]), float(sys.argv[2])
    roots = dict((a.split("=", 1)[0], int(a.split("=", 1)[1])) for a in sys.argv[3:])
    res = dict((n, {"samples": [], "last": [], "most": []}) for n in roots)
    members = set(roots.values())
    events = fork_events()
    young = set()  # children forked in a tree, still alive: sampled every millisecond
    end = time.monotonic() + seconds
    fast = False
    while True:
        for n, root in roots.items():
            procs = [p for p in (rollup(pid) for pid in tree_of(root)) if p]
            if not procs:
                continue
            members.update(p["pid"] for p in procs)
            res[n]["samples"].append([len(procs), sum(p["rss"] for p in procs), sum(p["pss"] for p in procs),
                                      sum(p["private"] for p in procs), 0 if fast else 1])
            res[n]["last"] = procs
            most = res[n]["most"]
            if (len(procs), sum(p["rss"] for p in procs)) > (len(most), sum(p["rss"] for p in most)):
                res[n]["most"] = procs
        if time.monotonic() >= end:
            break
        young = set(pid for pid in young if os.path.exists("/proc/%d" % pid))
        if events is None:
            time.sleep(interval)
            continue
        select.select([events], [], [], 0.001 if young else interval)
        born = [c for p, c in forks(events) if p in members]
        fast = bool(young or born)
        young.update(born)
    for n, root in roots.items():
        res[n]["root"] = rollup(root)
        res[n]["maps"] = maps(root)
        res[n]["child_maps"] = []
        for p in res[n]["last"]:
            if p["pid"] == root:
                continue
            try:
                res[n]["child_maps"].append({"pid": p["pid"], "comm": p["comm"], "maps": maps(p["pid"])})
            except OSError:
                continue  # it ended meanwhile
        res[n]["alone"] = alone([p["pid"] for p in res[n]["last"]])
    res["fork_events"] = events is not None
    json.dump(res, sys.stdout)


main()
