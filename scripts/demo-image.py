#!/usr/bin/env python3
"""make demo, second part: boots the image built from examples/node.json in
QEMU (TCG) with a fresh persistent disk labelled ethdata, shows what the agent
did in the boot (its journal lines) and `hsos-agent status` from inside the
guest, then powers it off.
    python3 scripts/demo-image.py IMAGE-DIR"""

import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
from harness import Guest, GuestError, make_ext4_disk  # noqa: E402


def say(text):
    print("\n\033[1m== %s\033[0m" % text, flush=True)


image = sys.argv[1]
work = tempfile.mkdtemp(prefix="hsos-demo-")
disk = os.path.join(work, "ethdata.img")
make_ext4_disk(disk, 512, label="ethdata")
g = Guest(work, image, disks=[disk])
try:
    say("booting %s/bzImage + initrd.zst in QEMU (TCG) with a fresh 512 MiB disk labelled ethdata" % image)
    t0 = time.monotonic()
    g.start()
    state = g.wait_booted()
    print("booted in %.0f s (%s)" % (time.monotonic() - t0, state))
    say("journalctl -u hsos-agent-mount -u hsos-agent   (inside the guest)")
    print(g.run("journalctl -b --no-pager -o short-monotonic -u hsos-agent-mount -u hsos-agent")[1])
    say("findmnt /mnt/eth; ls -ln /mnt/eth /mnt/eth/secrets")
    print(g.run("findmnt /mnt/eth; ls -ln /mnt/eth /mnt/eth/secrets")[1])
    say("hsos-agent status   (inside the guest: the clients are not in this image, so they are blocked)")
    rc, out = g.run("hsos-agent status")
    print(out + "(exit %d)" % rc)
    say("powering off")
finally:
    g.poweroff()
    shutil.rmtree(work, ignore_errors=True)
