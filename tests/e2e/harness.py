"""The e2e harness: boots the image in QEMU (TCG, never KVM) with disks the
test makes, and runs commands inside the guest over a virtio-serial port.

Waits are on conditions, each with a bounded timeout: a reply on the command
channel, a process exiting, a line in the console. Nothing sleeps for a fixed
time. On failure the caller prints the console tail and the journal tail
(Guest.diagnose)."""

import base64
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class GuestError(Exception):
    pass


def run(cmd, **kw):
    """Runs a host command, failing loudly with its output."""
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if r.returncode != 0:
        raise GuestError("%s failed (%d):\n%s" % (" ".join(cmd), r.returncode, r.stdout))
    return r.stdout


def make_ext4_disk(path, size_mb, label=None, files=None):
    """An ext4 image file, optionally holding files ({name: source path})."""
    with open(path, "wb") as f:
        f.truncate(size_mb * 1024 * 1024)
    cmd = ["mkfs.ext4", "-q", "-F"]
    if label:
        cmd += ["-L", label]
    if files:
        stage = path + ".d"
        shutil.rmtree(stage, ignore_errors=True)
        os.makedirs(stage)
        for name, src in files.items():
            shutil.copy2(src, os.path.join(stage, name))
        cmd += ["-d", stage]
    run(cmd + [path])
    if files:
        shutil.rmtree(path + ".d")


def make_btrfs_disk(path, size_mb, label, subvolumes):
    """A btrfs image with subvolumes; returns {name: subvolume id}."""
    with open(path, "wb") as f:
        f.truncate(size_mb * 1024 * 1024)
    run(["mkfs.btrfs", "-q", "-f", "-L", label, path])
    mnt = path + ".mnt"
    os.makedirs(mnt, exist_ok=True)
    loop = run(["losetup", "--find", "--show", path]).strip()
    ids = {}
    try:
        run(["mount", loop, mnt])
        try:
            for name in subvolumes:
                run(["btrfs", "-q", "subvolume", "create", os.path.join(mnt, name)])
                ids[name] = int(run(["btrfs", "inspect-internal", "rootid", os.path.join(mnt, name)]).strip())
        finally:
            run(["umount", mnt])
    finally:
        run(["losetup", "-d", loop])
        os.rmdir(mnt)
    return ids


class Guest:
    """One QEMU machine. Its files (console log, sockets) live in workdir."""

    def __init__(self, workdir, image_dir, disks=(), memory_mb=1024, append="", hostfwd=None):
        """hostfwd: {guest TCP port: host port}, forwarded from 127.0.0.1 on
        the host (QEMU's user network) to the guest, as the LAN would reach it."""
        self.workdir = workdir
        self.hostfwd = dict(hostfwd or {})
        self.image_dir = image_dir
        self.disks = list(disks)
        self.memory_mb = memory_mb
        self.append = append
        self.proc = None
        self.sock = None
        self.buf = b""
        self.next_id = 1
        self.boots = 0
        self.console = os.path.join(workdir, "console.log")

    # ---- the machine ----

    def start(self):
        for name in ("exec.sock", "monitor.sock"):
            try:
                os.unlink(os.path.join(self.workdir, name))
            except FileNotFoundError:
                pass
        # The harness listens and QEMU connects to it: accepting that
        # connection is the wait for QEMU to be up, with no polling.
        path = os.path.join(self.workdir, "exec.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(path)
        listener.listen(1)
        listener.settimeout(60)
        cmd = [
            "qemu-system-x86_64", "-accel", "tcg", "-m", str(self.memory_mb), "-smp", "2",
            "-display", "none", "-nodefaults", "-no-user-config",
            "-kernel", os.path.join(self.image_dir, "bzImage"),
            "-initrd", os.path.join(self.image_dir, "initrd.zst"),
            "-append", "console=ttyS0,115200 panic=-1 " + self.append,
            "-serial", "file:" + self.console,
            "-monitor", "unix:%s,server,nowait" % os.path.join(self.workdir, "monitor.sock"),
            "-chardev", "socket,id=exec,path=%s,server=off" % path,
            "-device", "virtio-serial-pci", "-device", "virtserialport,chardev=exec,name=hsos.exec",
            "-netdev", "user,id=n0" + "".join(",hostfwd=tcp:127.0.0.1:%d-:%d" % (h, gp)
                                              for gp, h in sorted(self.hostfwd.items())),
            "-device", "virtio-net-pci,netdev=n0",
        ]
        for i, d in enumerate(self.disks):
            cmd += ["-drive", "file=%s,if=none,format=raw,id=disk%d" % (d, i),
                    "-device", "virtio-blk-pci,drive=disk%d,id=vdisk%d" % (i, i)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.boots += 1
        try:
            self.sock, _ = listener.accept()
        except socket.timeout:
            self.kill()
            out = self.proc.stdout.read().decode(errors="replace") if self.proc.stdout else ""
            raise GuestError("qemu did not connect its command channel within 60 s: %s" % out)
        finally:
            listener.close()

    def wait_booted(self, timeout=300):
        """Waits until systemd has finished booting (running or degraded)."""
        rc, out = self.run("systemctl is-system-running --wait", timeout=timeout)
        state = out.strip()
        if state not in ("running", "degraded"):
            raise GuestError("the boot ended in state %r" % state)
        if "Initramfs unpacking failed" in self.console_text():
            raise GuestError("the kernel could not unpack the whole image (too little RAM?)")
        return state

    def boot_id(self, timeout=300):
        return self.run("cat /proc/sys/kernel/random/boot_id", timeout=timeout)[1].strip()

    def wait_new_boot(self, old_boot_id, timeout=300):
        """After a reboot or kexec: waits for the guest to answer with another boot id."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                bid = self.boot_id(timeout=min(60, max(1, deadline - time.monotonic())))
            except GuestError:
                continue  # the old system went away mid-request: ask again
            if bid != old_boot_id:
                self.boots += 1
                return bid
            # The old system still answers: the reboot is in progress. The next
            # request waits on the channel, not on a clock.
        raise GuestError("no new boot within %d s" % timeout)

    def poweroff(self, timeout=120):
        if not self.proc:
            return
        try:
            self.send_only("systemctl poweroff")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        self.close()

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.close()

    def close(self):
        if self.sock:
            self.sock.close()
            self.sock = None

    def monitor(self, command):
        """One HMP command on the QEMU monitor (hot-plug, remove a disk)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(os.path.join(self.workdir, "monitor.sock"))
        s.settimeout(10)
        s.sendall((command + "\n").encode())
        out = b""
        try:
            while not out.rstrip().endswith(b"(qemu)") or out.count(b"(qemu)") < 2:
                chunk = s.recv(4096)
                if not chunk:
                    break
                out += chunk
        except socket.timeout:
            pass
        s.close()
        return out.decode(errors="replace")

    # ---- commands inside ----

    def send_only(self, command):
        """Sends a command without waiting for its answer (poweroff, kexec)."""
        cid = self.next_id
        self.next_id += 1
        self.sock.sendall(b"%d %s\n" % (cid, base64.b64encode(command.encode())))

    def run(self, command, timeout=120):
        """Runs a shell command in the guest: (exit status, output)."""
        if self.proc.poll() is not None:
            raise GuestError("the guest is not running (qemu exited %s)" % self.proc.returncode)
        cid = self.next_id
        self.next_id += 1
        self.sock.sendall(b"%d %s\n" % (cid, base64.b64encode(command.encode())))
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                parts = line.split(b" ", 2)
                if len(parts) == 3 and parts[0] == str(cid).encode():
                    try:
                        out = base64.b64decode(parts[2]).decode(errors="replace")
                    except ValueError:
                        continue
                    return int(parts[1]), out
                # An answer to an earlier request, or a line cut by a reboot.
            left = deadline - time.monotonic()
            if left <= 0:
                raise GuestError("no answer to %r within %d s" % (command, timeout))
            self.sock.settimeout(min(left, 5))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                if self.proc.poll() is not None:
                    raise GuestError("qemu exited while running %r" % command)
                continue
            if not chunk:
                raise GuestError("the command channel closed")
            self.buf += chunk

    def check(self, command, timeout=120):
        """Runs a command that must succeed; returns its output."""
        rc, out = self.run(command, timeout=timeout)
        if rc != 0:
            raise GuestError("%r failed with %d:\n%s" % (command, rc, out))
        return out

    # ---- when it goes wrong ----

    def console_text(self):
        try:
            with open(self.console, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def diagnose(self, out=sys.stdout):
        """The console tail and, if the guest answers, the journal tail."""
        lines = self.console_text().splitlines()
        out.write("# --- console (last 60 lines) ---\n")
        for l in lines[-60:]:
            out.write("# " + l + "\n")
        if self.proc and self.proc.poll() is None and self.sock:
            try:
                _, j = self.run("journalctl -b --no-pager -n 80", timeout=30)
                out.write("# --- journal (last 80 lines) ---\n")
                for l in j.splitlines():
                    out.write("# " + l + "\n")
            except GuestError as e:
                out.write("# (no journal: %s)\n" % e)


def free_port():
    """A TCP port nothing listens on now, on the host's loopback."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Etcd:
    """A real etcd (Debian's 3.4) on the host's loopback only, for the
    controller: the guest reaches it at 10.0.2.2 (QEMU's user network maps
    that address to the host's loopback)."""

    def __init__(self, workdir, port):
        self.url = "http://127.0.0.1:%d" % port
        peer = "http://127.0.0.1:%d" % free_port()
        self.log = os.path.join(workdir, "etcd.log")
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(
                ["etcd", "--name", "e2e", "--data-dir", os.path.join(workdir, "etcd"),
                 "--listen-client-urls", self.url, "--advertise-client-urls", self.url,
                 "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                 "--initial-cluster", "e2e=" + peer],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                # Straight to loopback, whatever proxy the environment names.
                opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
                with opener.open(self.url + "/health", timeout=5) as r:
                    if b'"true"' in r.read():
                        return
            except OSError:
                pass
            time.sleep(0.2)  # etcd gives no other sign that it is up
        raise GuestError("etcd at %s is not healthy within %d s:\n%s" % (self.url, timeout, self.log_tail()))

    def log_tail(self, n=20):
        try:
            with open(self.log, errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except FileNotFoundError:
            return ""

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Tap:
    """TAP output: ok / not ok lines and a closing count."""

    def __init__(self):
        self.n = 0
        self.failed = 0
        self.skipped = 0

    def ok(self, cond, name, detail=""):
        self.n += 1
        if cond:
            print("ok %d - %s" % (self.n, name), flush=True)
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, name), flush=True)
            for l in str(detail).splitlines():
                print("# " + l)
        return cond

    def skip(self, name, why):
        # Counted apart by tests/run-tests.sh, and a failure under CI=true.
        self.n += 1
        self.skipped += 1
        print("ok %d - %s # SKIP %s" % (self.n, name, why), flush=True)

    def finish(self):
        print("1..%d" % self.n)
        print("# %d passed, %d failed, %d skipped" % (self.n - self.failed - self.skipped, self.failed, self.skipped))
        return 0 if self.failed == 0 else 1
