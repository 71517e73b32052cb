"""A minimal SNTP server (RFC 4330) for the e2e tier: the guest's
systemd-timesyncd, pointed at the host (10.0.2.2 on QEMU's user network),
synchronizes the guest's clock from it, so no test sends NTP to the
Internet. It answers each request with the host's clock, stratum 2.

    python3 sntp.py [ADDRESS] [PORT]    (default 127.0.0.1 123)
"""
import socket
import struct
import sys
import time

NTP_EPOCH = 2208988800  # 1900-01-01 to 1970-01-01, in seconds


def ntp_time(t):
    sec = int(t) + NTP_EPOCH
    frac = int((t - int(t)) * (1 << 32)) & 0xFFFFFFFF
    return struct.pack("!II", sec & 0xFFFFFFFF, frac)


def answer(request, received):
    if len(request) < 48:
        return None
    version = (request[0] >> 3) & 7
    mode = request[0] & 7
    if mode != 3 or version not in (1, 2, 3, 4):
        return None
    li_vn_mode = (0 << 6) | (version << 3) | 4  # no leap warning, server
    header = struct.pack("!BBbb", li_vn_mode, 2, request[2], -20)
    root_delay = struct.pack("!I", 0)
    root_dispersion = struct.pack("!I", 1 << 8)  # ~4 ms
    ref_id = socket.inet_aton("127.0.0.1")
    now = time.time()
    return (header + root_delay + root_dispersion + ref_id + ntp_time(now - 16) +
            request[40:48] + ntp_time(received) + ntp_time(time.time()))


def main():
    address = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 123
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((address, port))
    print("sntp: listening on %s:%d" % (address, port), flush=True)
    while True:
        data, peer = s.recvfrom(512)
        received = time.time()
        reply = answer(data, received)
        if reply:
            s.sendto(reply, peer)


if __name__ == "__main__":
    main()
