/* SPDX-License-Identifier: MIT */
/* For test images only: connects to a SOCK_SEQPACKET socket the way the
 * network helper connects to root's /run/hsos-agent/net.sock, and says what
 * root did with the connection: "closed" (refused: root accepted it and
 * closed it without a word), "reset" (root closed its listening socket
 * before accepting it), "message N" (root sent its first message of N bytes:
 * accepted), "silent" (none of these within 5 s) or "error: ..." (could not
 * connect). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        char buf[65536];
        struct pollfd p;
        ssize_t n;
        int fd;

        if (argc != 2 || strlen(argv[1]) >= sizeof sa.sun_path) {
                fprintf(stderr, "usage: hsos-e2e-connect SOCKET\n");
                return 2;
        }
        strcpy(sa.sun_path, argv[1]);
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof sa) < 0) {
                printf("error: %s\n", strerror(errno));
                return 1;
        }
        p = (struct pollfd) { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 5000) <= 0) {
                printf("silent\n");
                return 1;
        }
        n = recv(fd, buf, sizeof buf, 0);
        if (n == 0)
                printf("closed\n");
        else if (n < 0 && errno == ECONNRESET)
                printf("reset\n");
        else if (n < 0)
                printf("error: %s\n", strerror(errno));
        else
                printf("message %zd\n", n);
        return 0;
}
