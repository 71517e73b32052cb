#!/usr/bin/env python3
"""Benchmark (not a test): boots the image N times in QEMU (TCG) with a fresh
labelled disk and reports, as the guest's own monotonic clock says (seconds
since the kernel started): when the disks were mounted (hsos-agent-mount.service
finished) and when multi-user.target was reached; and, on the host's clock,
QEMU start to a finished boot. Prints one line per boot, then the medians.
    python3 tests/bench/image-boot.py IMAGE-DIR [BOOTS]"""

import os
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from harness import Guest, make_ext4_disk  # noqa: E402

image = sys.argv[1]
boots = int(sys.argv[2]) if len(sys.argv) > 2 else 3
work = tempfile.mkdtemp(prefix="hsos-bench-")
mounted, multi, wall = [], [], []
try:
    for i in range(boots):
        d = os.path.join(work, str(i))
        os.makedirs(d)
        disk = os.path.join(d, "disk.img")
        make_ext4_disk(disk, 256, label="hsos-e2e")
        g = Guest(d, image, disks=[disk])
        t0 = time.monotonic()
        g.start()
        try:
            g.wait_booted()
            wall.append(time.monotonic() - t0)
            m = int(g.check("systemctl show -P ExecMainExitTimestampMonotonic hsos-agent-mount.service"))
            start = int(g.check("systemctl show -P ExecMainStartTimestampMonotonic hsos-agent.service"))
            ready = int(g.check("systemctl show -P ActiveEnterTimestampMonotonic hsos-agent.service"))
            rss = g.check("grep -E 'VmRSS|VmHWM' /proc/$(systemctl show -P MainPID hsos-agent.service)/status | tr -s ' \\t' ' '")
            print("boot %d: the daemon: start to READY=1 %.0f ms; %s" % (i + 1, (ready - start) / 1000,
                                                                         rss.replace("\n", ", ").strip(", ")), flush=True)
            u = int(g.check("systemctl show -P ActiveEnterTimestampMonotonic multi-user.target"))
            mounted.append(m / 1e6)
            multi.append(u / 1e6)
            print("boot %d: disks mounted at %.1f s, multi-user.target at %.1f s, QEMU start to booted %.1f s"
                  % (i + 1, m / 1e6, u / 1e6, wall[-1]), flush=True)
        finally:
            g.poweroff()
finally:
    shutil.rmtree(work, ignore_errors=True)
print("median of %d boots: disks mounted %.1f s, multi-user.target %.1f s, QEMU start to booted %.1f s"
      % (boots, statistics.median(mounted), statistics.median(multi), statistics.median(wall)))
