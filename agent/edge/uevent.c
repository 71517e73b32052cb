/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsos/cleanup.h"
#include "hsos/edge/uevent.h"

/* The multicast groups of NETLINK_KOBJECT_UEVENT: the kernel's, and udevd's. */
#define UEVENT_GROUP_KERNEL 1u
#define UEVENT_GROUP_UDEV 2u

static bool udev_running(void) {
        struct stat st;

        /* udevd's control socket exists while it runs (as systemd checks). */
        return stat("/run/udev/control", &st) == 0;
}

int uevent_open(bool *ret_udev) {
        _cleanup_close_ int fd = -EBADF;
        bool udev = udev_running();
        struct sockaddr_nl sa = {
                .nl_family = AF_NETLINK,
                .nl_groups = udev ? UEVENT_GROUP_UDEV : UEVENT_GROUP_KERNEL,
        };
        int size = 1024 * 1024;

        fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_KOBJECT_UEVENT);
        if (fd < 0)
                return -errno;
        (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                return -errno;
        if (ret_udev)
                *ret_udev = udev;
        return TAKE_FD(fd);
}

/* Both the kernel's and udev's messages carry SUBSYSTEM=block among their
 * NUL-separated properties (udev's after a binary header). */
static bool is_block_event(const char *buf, size_t n) {
        static const char key[] = "SUBSYSTEM=block";

        for (size_t i = 0; i + sizeof key - 1 <= n; i++)
                if ((i == 0 || buf[i - 1] == 0) && memcmp(buf + i, key, sizeof key - 1) == 0 &&
                    (i + sizeof key - 1 == n || buf[i + sizeof key - 1] == 0))
                        return true;
        return false;
}

int uevent_wait(int fd, int timeout_ms) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        char buf[8192];
        bool block = false;
        int r;

        for (;;) {
                r = poll(&p, 1, timeout_ms);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (r == 0)
                        return 0;
                /* Drain what is queued; ENOBUFS means events were lost: treat as one. */
                for (;;) {
                        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
                        if (n < 0) {
                                if (errno == EAGAIN || errno == EWOULDBLOCK)
                                        break;
                                if (errno == ENOBUFS) {
                                        block = true;
                                        continue;
                                }
                                if (errno == EINTR)
                                        continue;
                                return -errno;
                        }
                        if (is_block_event(buf, (size_t) n))
                                block = true;
                }
                if (block)
                        return 1;
                /* Only other subsystems spoke: keep waiting, the caller's deadline
                 * is enforced by the caller shortening timeout_ms. */
                return 0;
        }
}
