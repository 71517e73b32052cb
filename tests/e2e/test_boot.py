#!/usr/bin/env python3
"""The image booted for real in QEMU (TCG): first boot on an empty labelled
disk, a reboot, a boot without the disk (and the disk hot-plugged later),
kexec-boot into the image again from a running guest, and a node whose one
btrfs disk is mounted twice, by subvolume.
    python3 tests/e2e/test_boot.py IMAGE-DIR [BTRFS-IMAGE-DIR]"""

import hashlib
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Guest, GuestError, Tap, make_btrfs_disk, make_ext4_disk  # noqa: E402

image = sys.argv[1]
image_btrfs = sys.argv[2] if len(sys.argv) > 2 else None
work = tempfile.mkdtemp(prefix="hsos-e2e-")
tap = Tap()
LABEL = "hsos-e2e"


def journal(g, unit):
    return g.run("journalctl -b --no-pager -o cat -u %s" % unit, timeout=60)[1]


def scenario_disk_reboot_kexec():
    wa = os.path.join(work, "a")
    os.makedirs(wa)
    disk = os.path.join(wa, "eth.img")
    make_ext4_disk(disk, 256, label=LABEL)
    # The artifacts, on a disk of their own, for kexec-boot inside the guest.
    arts = os.path.join(wa, "artifacts.img")
    make_ext4_disk(arts, 160, files={f: os.path.join(image, f) for f in ("bzImage", "initrd.zst", "kexec-boot")})
    g = Guest(wa, image, disks=[disk, arts])
    try:
        g.start()
        state = g.wait_booted()
        tap.ok(state in ("running", "degraded"), "boot 1: the image boots to the end (%s)" % state)
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
        rc, out = g.run("systemctl is-active geth.service lighthouse.service")
        tap.ok(out.split() == ["active", "active"], "boot 1: the daemon started the clients", out)
        rc, out = g.run("systemctl cat geth.service | grep -c 'Written by hsos-agent'")
        tap.ok(out.strip() == "1", "boot 1: systemctl cat geth shows the generated unit", out)
        # No time server in the guest: mark the clock synchronized as NTP would.
        g.check("hsos-e2e-clock-sync")
        rc, out = g.run("timeout 60 sh -c 'until hsos-agent status >/dev/null; do sleep 0.5; done'; "
                        "hsos-agent status; echo exit=$?")
        tap.ok("exit=0" in out and "operational" in out,
               "boot 1: hsos-agent status says operational (exit 0)", out)
        g.check("echo boot-1 > /root/written-in-boot-1")
        bid1 = g.boot_id()

        # 2. Reboot: the RAM root is fresh, the disk's data survived.
        g.send_only("systemctl reboot")
        bid2 = g.wait_new_boot(bid1)
        g.wait_booted()
        tap.ok(bid2 != bid1, "boot 2: the guest rebooted")
        rc, _ = g.run("test -e /root/written-in-boot-1")
        tap.ok(rc == 1, "boot 2: the RAM root is fresh (a file written to / in boot 1 is gone)")
        tap.ok(g.check("sha256sum /mnt/eth/secrets/jwt.hex").split()[0] == jwt1,
               "boot 2: the JWT survived byte for byte")
        tap.ok(g.check("sha256sum /mnt/eth/secrets/ssh/id_ed25519").split()[0] == key1,
               "boot 2: the ssh host key survived byte for byte")
        j = journal(g, "hsos-agent-mount")
        tap.ok("secret jwt /mnt/eth/secrets/jwt.hex: present" in j, "boot 2: the agent reuses the JWT", j)

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
        tap.ok(out.strip() != "active", "no disk: geth is not started", out)

        # The disk arrives later (hot-plugged): the daemon mounts it and starts
        # the clients by itself, without any command.
        disk = os.path.join(wb, "late.img")
        make_ext4_disk(disk, 256, label=LABEL)
        g.monitor("drive_add 0 if=none,file=%s,format=raw,id=late" % disk)
        g.monitor("device_add virtio-blk-pci,drive=late,id=latedisk")
        rc, out = g.run("timeout 120 sh -c 'until systemctl is-active -q geth.service lighthouse.service; "
                        "do sleep 0.5; done'; findmnt -n -o SOURCE --mountpoint /mnt/eth; systemctl is-active geth.service")
        tap.ok(rc == 0 and "/dev/vda" in out and out.strip().endswith("active"),
               "no disk: a disk hot-plugged later is mounted and its clients started, with no command", out)
        j = g.run("journalctl -b --no-pager -o cat -u hsos-agent")[1]
        tap.ok("mount ethdata: mounted /dev/vda on /mnt/eth" in j and "geth.service started" in j,
               "no disk: the daemon's journal tells the late mount and the start", j)
    except GuestError as e:
        tap.ok(False, "scenario disk missing ran to the end", e)
        g.diagnose()
    finally:
        g.poweroff()


def scenario_btrfs_subvolumes():
    wc = os.path.join(work, "c")
    os.makedirs(wc)
    disk = os.path.join(wc, "pool.img")
    ids = make_btrfs_disk(disk, 256, "hsos-btrfs", ["eth", "secrets"])
    tap.ok(ids == {"eth": 256, "secrets": 257}, "btrfs: the test disk has subvolumes eth (256) and secrets", ids)
    g = Guest(wc, image_btrfs, disks=[disk])
    try:
        g.start()
        state = g.wait_booted()
        tap.ok(state == "running", "btrfs: the node boots, every mount in place", state)
        eth = g.check("findmnt -n -o SOURCE,OPTIONS --mountpoint /var/mnt/eth")
        sec = g.check("findmnt -n -o SOURCE,OPTIONS --mountpoint /var/mnt/secrets")
        tap.ok("/dev/vda[/eth]" in eth and "subvolid=256" in eth, "btrfs: subvolid=256 mounted at /var/mnt/eth", eth)
        tap.ok("/dev/vda[/secrets]" in sec, "btrfs: subvol=secrets mounted at /var/mnt/secrets, the same device", sec)
        rc, _ = g.run("test -s /var/mnt/secrets/jwt.hex && test -d /var/mnt/eth/reth && test -d /var/mnt/eth/nimbus")
        tap.ok(rc == 0, "btrfs: the JWT on one subvolume, the data dirs on the other")
    except GuestError as e:
        tap.ok(False, "scenario btrfs ran to the end", e)
        g.diagnose()
    finally:
        g.poweroff()


try:
    scenario_disk_reboot_kexec()
    scenario_disk_missing()
    if image_btrfs:
        scenario_btrfs_subvolumes()
finally:
    shutil.rmtree(work, ignore_errors=True)
sys.exit(tap.finish())
