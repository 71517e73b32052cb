/* SPDX-License-Identifier: MIT */
/* Test images only: a stand-in for every client the agent knows, installed
 * under the clients' executable names, so that any valid node.json boots to
 * running units there. It accepts the real flags (it ignores them), listens on
 * the ports they name (so the ports are really taken), and runs until
 * stopped. It never goes into an image built for a real node.
 *
 * On every port it listens on it answers HTTP/1.1 as a synced mainnet client
 * would: JSON-RPC POSTs (eth_syncing, eth_blockNumber, eth_getBlockByNumber,
 * net_peerCount, eth_chainId, web3_clientVersion) and Beacon API GETs
 * (/eth/v1/node/{syncing,health,peer_count,version},
 * /eth/v1/beacon/states/head/finality_checkpoints, /eth/v1/beacon/genesis).
 * It is a stand-in, not a client: one thread, poll(), no chain behind it. The
 * file /run/hsos-e2e/answer-<name> (<name> is the executable's name:
 * nimbus_beacon_node for nimbus), read at every request, changes what it
 * says: "syncing" (far behind), "wrong-chain" (holesky's chain id and
 * genesis), "hang" (reads the request, never answers); absent or anything
 * else, synced.
 *
 * If /run/hsos-e2e/crash-<name> exists, it exits 1 at once (a crash-looping
 * client). */
#define _GNU_SOURCE /* accept4 */
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_LISTEN 16
#define MAX_CONN 64
#define REQ_MAX 65536

/* Mainnet's genesis and merge, to make the head's numbers plausible. */
#define MAINNET_GENESIS_TIME 1606824023LL
#define MAINNET_ROOT "0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95"
#define HOLESKY_GENESIS_TIME 1695902400LL
#define HOLESKY_ROOT "0x9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1"
#define MERGE_SLOT 4700013LL
#define MERGE_BLOCK 15537394LL
#define BEHIND 1000LL /* how far a "syncing" stand-in is behind */

typedef struct Conn {
        int fd;
        bool hung;
        size_t len;
        char buf[REQ_MAX];
} Conn;

static const char *name;
static int listeners[MAX_LISTEN];
static int n_listeners;
static Conn *conns[MAX_CONN];

static const char *base(const char *p) {
        const char *s = strrchr(p, '/');
        return s ? s + 1 : p;
}

static void listen_on(int port) {
        struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t) port) };
        int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0), zero = 0, one = 1;

        if (fd < 0)
                return;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0 || listen(fd, 16) < 0 || n_listeners == MAX_LISTEN) {
                fprintf(stderr, "%d: %s\n", port, n_listeners == MAX_LISTEN ? "too many ports" : strerror(errno));
                close(fd);
                return;
        }
        listeners[n_listeners++] = fd;
}

/* The ports in the arguments: "--x.port=8545", "--port=9000", "-addr h:18550". */
static void listen_on_args(int argc, char **argv) {
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i], *eq = strchr(a, '='), *colon;
                if (strstr(a, "port") && eq && atoi(eq + 1) > 0)
                        listen_on(atoi(eq + 1));
                else if (strcmp(a, "-addr") == 0 && i + 1 < argc && (colon = strrchr(argv[i + 1], ':')))
                        listen_on(atoi(colon + 1));
        }
}

static void on_term(int sig) {
        (void) sig;
        _exit(0);
}

/* ---- what it says ---- */

typedef enum Scenario { SYNCED, SYNCING, WRONG_CHAIN, HANG } Scenario;

static Scenario scenario(void) {
        char path[256], word[32] = "";
        FILE *f;

        snprintf(path, sizeof path, "/run/hsos-e2e/answer-%s", name);
        f = fopen(path, "re");
        if (!f)
                return SYNCED;
        if (fscanf(f, "%31s", word) != 1)
                word[0] = 0;
        fclose(f);
        if (strcmp(word, "syncing") == 0)
                return SYNCING;
        if (strcmp(word, "wrong-chain") == 0)
                return WRONG_CHAIN;
        if (strcmp(word, "hang") == 0)
                return HANG;
        return SYNCED;
}

/* The chain's head as of now: the current slot, and the block at the head. */
static long long head_slot(Scenario s) {
        long long now = (long long) time(NULL);
        long long g = s == WRONG_CHAIN ? HOLESKY_GENESIS_TIME : MAINNET_GENESIS_TIME;
        long long slot = now > g ? (now - g) / 12 : 0;
        return s == SYNCING && slot > BEHIND ? slot - BEHIND : slot;
}

static long long head_block(Scenario s) {
        long long slot = head_slot(s);
        return slot > MERGE_SLOT ? MERGE_BLOCK + (slot - MERGE_SLOT) : slot;
}

static void send_all(int fd, const char *p, size_t n) {
        while (n > 0) {
                ssize_t k = write(fd, p, n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        return;
                p += k;
                n -= (size_t) k;
        }
}

static void respond(int fd, int status, const char *body) {
        const char *reason = status == 200 ? "OK" : status == 206 ? "Partial Content" : status == 404 ? "Not Found" :
                             status == 405 ? "Method Not Allowed" : status == 413 ? "Payload Too Large" : "Bad Request";
        char head[256];
        int n = snprintf(head, sizeof head,
                         "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n", status,
                         reason, strlen(body));
        send_all(fd, head, (size_t) n);
        send_all(fd, body, strlen(body));
}

/* The raw JSON value of a key in a flat JSON-RPC object: "1", "\"abc\"". */
static bool json_value(const char *body, const char *key, char *out, size_t size) {
        char k[64];
        const char *p, *e;

        snprintf(k, sizeof k, "\"%s\"", key);
        if (!(p = strstr(body, k)))
                return false;
        p += strlen(k);
        while (isspace((unsigned char) *p))
                p++;
        if (*p++ != ':')
                return false;
        while (isspace((unsigned char) *p))
                p++;
        if (*p == '"') {
                e = strchr(p + 1, '"');
                if (!e)
                        return false;
                e++;
        } else
                for (e = p; *e && *e != ',' && *e != '}' && !isspace((unsigned char) *e); e++)
                        ;
        if (e == p || (size_t) (e - p) >= size)
                return false;
        memcpy(out, p, (size_t) (e - p));
        out[e - p] = 0;
        return true;
}

static void jsonrpc(int fd, const char *body, Scenario s) {
        char id[64] = "null", method[80] = "", result[512], out[768];
        long long block = head_block(s);

        /* A method name is a word: "eth_syncing" (quotes included here). */
        if (!json_value(body, "method", method, sizeof method) || method[0] != '"' ||
            strspn(method + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(method) - 2) {
                respond(fd, 200, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"invalid request\"}}");
                return;
        }
        json_value(body, "id", id, sizeof id);
        if (strcmp(method, "\"eth_syncing\"") == 0) {
                if (s == SYNCING)
                        snprintf(result, sizeof result,
                                 "{\"startingBlock\":\"0x0\",\"currentBlock\":\"0x%llx\",\"highestBlock\":\"0x%llx\"}",
                                 block, block + BEHIND);
                else
                        snprintf(result, sizeof result, "false");
        } else if (strcmp(method, "\"eth_blockNumber\"") == 0)
                snprintf(result, sizeof result, "\"0x%llx\"", block);
        else if (strcmp(method, "\"eth_getBlockByNumber\"") == 0)
                /* A header, shortened: the number and a timestamp of now. */
                snprintf(result, sizeof result, "{\"number\":\"0x%llx\",\"timestamp\":\"0x%llx\",\"transactions\":[]}",
                         block, s == SYNCING ? (long long) time(NULL) - BEHIND * 12 : (long long) time(NULL));
        else if (strcmp(method, "\"net_peerCount\"") == 0)
                snprintf(result, sizeof result, "\"0x19\"");
        else if (strcmp(method, "\"eth_chainId\"") == 0)
                snprintf(result, sizeof result, "\"%s\"", s == WRONG_CHAIN ? "0x4268" : "0x1");
        else if (strcmp(method, "\"web3_clientVersion\"") == 0)
                snprintf(result, sizeof result, "\"%s/standin\"", name);
        else {
                snprintf(out, sizeof out,
                         "{\"jsonrpc\":\"2.0\",\"id\":%s,\"error\":{\"code\":-32601,\"message\":\"the method %.*s does "
                         "not exist/is not available\"}}", id, (int) strlen(method) - 2, method + 1);
                respond(fd, 200, out);
                return;
        }
        snprintf(out, sizeof out, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":%s}", id, result);
        respond(fd, 200, out);
}

static void beacon(int fd, const char *path, Scenario s) {
        char out[768];
        long long slot = head_slot(s), epoch = slot / 32;

        if (strcmp(path, "/eth/v1/node/syncing") == 0)
                snprintf(out, sizeof out,
                         "{\"data\":{\"head_slot\":\"%lld\",\"sync_distance\":\"%lld\",\"is_syncing\":%s,"
                         "\"is_optimistic\":false,\"el_offline\":false}}",
                         slot, s == SYNCING ? BEHIND : 0LL, s == SYNCING ? "true" : "false");
        else if (strcmp(path, "/eth/v1/node/health") == 0) {
                respond(fd, s == SYNCING ? 206 : 200, "");
                return;
        } else if (strcmp(path, "/eth/v1/node/peer_count") == 0)
                snprintf(out, sizeof out, "{\"data\":{\"disconnected\":\"0\",\"connecting\":\"0\",\"connected\":\"30\","
                         "\"disconnecting\":\"0\"}}");
        else if (strcmp(path, "/eth/v1/node/version") == 0)
                snprintf(out, sizeof out, "{\"data\":{\"version\":\"%s/standin\"}}", name);
        else if (strcmp(path, "/eth/v1/beacon/states/head/finality_checkpoints") == 0)
                snprintf(out, sizeof out,
                         "{\"execution_optimistic\":false,\"finalized\":false,\"data\":{"
                         "\"previous_justified\":{\"epoch\":\"%lld\",\"root\":\"0x%064d\"},"
                         "\"current_justified\":{\"epoch\":\"%lld\",\"root\":\"0x%064d\"},"
                         "\"finalized\":{\"epoch\":\"%lld\",\"root\":\"0x%064d\"}}}",
                         epoch - 2, 0, epoch - 1, 0, epoch - 3, 0);
        else if (strcmp(path, "/eth/v1/beacon/genesis") == 0)
                snprintf(out, sizeof out,
                         "{\"data\":{\"genesis_time\":\"%lld\",\"genesis_validators_root\":\"%s\","
                         "\"genesis_fork_version\":\"%s\"}}",
                         s == WRONG_CHAIN ? HOLESKY_GENESIS_TIME : MAINNET_GENESIS_TIME,
                         s == WRONG_CHAIN ? HOLESKY_ROOT : MAINNET_ROOT, s == WRONG_CHAIN ? "0x01017000" : "0x00000000");
        else {
                respond(fd, 404, "{\"code\":404,\"message\":\"NOT_FOUND\",\"stacktraces\":[]}");
                return;
        }
        respond(fd, 200, out);
}

/* ---- the server ---- */

static void conn_close(int i) {
        close(conns[i]->fd);
        free(conns[i]);
        conns[i] = NULL;
}

/* Answers every complete request in the buffer (keep-alive); false to close. */
static bool serve(Conn *c) {
        for (;;) {
                char method[16], target[512], *end, *cl, *body, *q;
                size_t head, length = 0;
                Scenario s;

                if (c->hung)
                        return true; /* reads on, never answers */
                c->buf[c->len] = 0;
                if (!(end = strstr(c->buf, "\r\n\r\n")))
                        return c->len < REQ_MAX - 1;
                head = (size_t) (end - c->buf) + 4;
                if (sscanf(c->buf, "%15s %511s", method, target) != 2) {
                        respond(c->fd, 400, "{\"code\":400,\"message\":\"bad request\"}");
                        return false;
                }
                for (cl = c->buf; (cl = strchr(cl, '\n')) && cl < end; cl++)
                        if (strncasecmp(cl + 1, "content-length:", 15) == 0)
                                length = strtoul(cl + 16, NULL, 10);
                if (length >= REQ_MAX - head) {
                        respond(c->fd, 413, "{\"code\":413,\"message\":\"too large\"}");
                        return false;
                }
                if (c->len < head + length)
                        return true; /* the rest of the body is still coming */
                body = c->buf + head;
                char saved = body[length];
                body[length] = 0;
                if ((q = strchr(target, '?')))
                        *q = 0;

                s = scenario();
                if (s == HANG) {
                        c->hung = true;
                        return true;
                }
                if (strcmp(method, "POST") == 0 && strncmp(target, "/eth/", 5) != 0)
                        jsonrpc(c->fd, body, s);
                else if (strcmp(method, "GET") == 0)
                        beacon(c->fd, target, s);
                else
                        respond(c->fd, 405, "{\"code\":405,\"message\":\"method not allowed\"}");
                body[length] = saved;
                memmove(c->buf, c->buf + head + length, c->len - head - length);
                c->len -= head + length;
        }
}

static void accept_on(int lfd) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

        if (fd < 0)
                return;
        for (int i = 0; i < MAX_CONN; i++)
                if (!conns[i] && (conns[i] = calloc(1, sizeof(Conn)))) {
                        conns[i]->fd = fd;
                        return;
                }
        close(fd); /* full */
}

static void server(void) {
        struct pollfd p[MAX_LISTEN + MAX_CONN];
        int who[MAX_LISTEN + MAX_CONN];

        for (;;) {
                int n = 0;

                for (int i = 0; i < n_listeners; i++, n++) {
                        p[n] = (struct pollfd) { .fd = listeners[i], .events = POLLIN };
                        who[n] = -1;
                }
                for (int i = 0; i < MAX_CONN; i++)
                        if (conns[i]) {
                                p[n] = (struct pollfd) { .fd = conns[i]->fd, .events = POLLIN };
                                who[n++] = i;
                        }
                if (poll(p, (nfds_t) n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("poll");
                        exit(1);
                }
                for (int k = 0; k < n; k++) {
                        Conn *c;
                        ssize_t r;

                        if (!p[k].revents)
                                continue;
                        if (who[k] < 0) {
                                accept_on(p[k].fd);
                                continue;
                        }
                        c = conns[who[k]];
                        if (c->hung)
                                c->len = 0; /* nothing more is answered on it: drop what comes */
                        r = read(c->fd, c->buf + c->len, REQ_MAX - 1 - c->len);
                        if (r < 0 && errno == EINTR)
                                continue;
                        if (r <= 0 || (c->len += (size_t) r, !serve(c)))
                                conn_close(who[k]);
                }
        }
}

int main(int argc, char **argv) {
        char crash[256];

        name = base(argv[0]);
        snprintf(crash, sizeof crash, "/run/hsos-e2e/crash-%s", name);
        if (access(crash, F_OK) == 0) {
                fprintf(stderr, "%s (stand-in): crashing as asked by %s\n", name, crash);
                return 1;
        }
        signal(SIGTERM, on_term);
        signal(SIGINT, on_term);
        signal(SIGPIPE, SIG_IGN);
        listen_on_args(argc, argv);
        printf("%s (stand-in) running with %d arguments, answering on %d ports\n", name, argc - 1, n_listeners);
        fflush(stdout);
        server();
}
