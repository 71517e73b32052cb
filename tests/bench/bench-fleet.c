/* SPDX-License-Identifier: MIT */
/* Benchmark (not a test): a fleet of simulated agents reporting to one etcd,
 * in one process, each node a real Controller (agent/net/controller.c, the
 * code the daemon's network helper runs) on one shared Http (curl multi on
 * sd_event) and one loop. Each node has its own config, a node.json
 * (hostname node-NNNN, the etcd endpoint, reportIntervalSec) read by
 * config_parse, and its own machine id. The controller does what it does in
 * the daemon: grant a lease (TTL 3 x the interval), claim
 * <prefix>/nodes/node-NNNN/status (the claim txn), then every interval keep
 * the lease alive and replace the value (the replace txn, guarded by the
 * key's mod_revision) when the status changed or a minute passed. The status
 * it is handed is a ~2 KiB document whose state flips every CHANGE_EVERY
 * intervals (default 6: once a minute at 10 s, as often as the controller
 * rewrites an unchanged status), each node at its own phase. The controller
 * spreads the nodes' first ticks over an interval and starts each next tick
 * an interval after the last one ended.
 *
 * Figures are taken over a window that starts after the first interval and
 * 2 s more (every node has claimed its key by then) and ends at SECONDS:
 * requests/s, latency of keepalives and of reports (the txns), measured by
 * the Http's observer from http_request() to the request's end (monotonic,
 * includes curl's queueing), the client's own CPU, and etcd's CPU
 * (utime+stime of all its threads, /proc/PID/stat) and memory (VmRSS, VmHWM)
 * when its PID is given. Every answer is also read (the etcd codec) for
 * errors, lost leases and txns whose compare failed. Prints "key value..."
 * lines (tests/bench/fleet.sh formats them).
 *
 * With CHANGES-FILE, each time a node's controller is first handed a status
 * of a new state (it writes it at once: the replace txn goes out in the same
 * step, tests/bench/fleet-live.py measures from there to `fleet serve`'s
 * event), a line "T-USEC HOSTNAME STATE GENERATED-AT" goes there, T-USEC on
 * CLOCK_MONOTONIC (Python's time.monotonic() reads the same clock), and
 * GENERATED-AT the document's generatedAt (the page's "at" of the node: an
 * event showing this write, or a later one, has an "at" at least as late).
 *
 *   bench-fleet ETCD-URL NODES SECONDS [ETCD-PID] [INTERVAL-SEC] [CHANGE-EVERY] [CHANGES-FILE] */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>
#include <systemd/sd-event.h>

#include "controller.h"
#include "hsos/cleanup.h"
#include "hsos/config.h"
#include "hsos/etcd.h"
#include "hsos/http.h"
#include "hsos/util.h"

#define PREFIX "/bench-fleet"

const char *program_name = "bench-fleet";

typedef struct Fleet Fleet;

typedef struct Node {
        Fleet *fleet;
        unsigned idx;
        char hostname[32];
        char machine_id[33];
        uint64_t phase_usec;    /* where in a change period the node starts */
        unsigned epoch;         /* the state last handed to the controller */
        bool handed;
        Controller *ctl;
} Node;

typedef struct Samples {
        double *v;
        size_t n, cap;
} Samples;

struct Fleet {
        sd_event *event;
        Http *http;
        const char *url;
        Node *nodes;
        unsigned n_nodes, interval_sec, change_every;
        pid_t etcd_pid;
        FILE *changes;
        bool window, stopping;
        uint64_t start_usec, window_start_usec, window_end_usec;
        Samples keepalive, report;
        uint64_t requests, errors, lease_lost, not_ours;
        char *first_error;
        unsigned reporting, failing; /* nodes, as their controllers say at the end */
        char *first_failing;
        HttpCounters http0, http1;
        struct rusage ru0, ru1;
        uint64_t etcd_ticks0, etcd_ticks1;
        uint64_t db_size[2], db_in_use[2]; /* at the window's start and end */
};

static uint64_t now_mono(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static int samples_add(Samples *s, double v) {
        if (s->n == s->cap) {
                size_t cap = s->cap ? s->cap * 2 : 4096;
                double *p = realloc(s->v, cap * sizeof(double));
                if (!p)
                        return -ENOMEM;
                s->v = p;
                s->cap = cap;
        }
        s->v[s->n++] = v;
        return 0;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;

        return x < y ? -1 : x > y;
}

/* "name count p50 p99 max" in milliseconds. */
static void samples_print(const char *name, Samples *s) {
        if (s->n == 0) {
                printf("%s 0 0 0 0\n", name);
                return;
        }
        qsort(s->v, s->n, sizeof(double), cmp_double);
        printf("%s %zu %.2f %.2f %.2f\n", name, s->n, s->v[s->n / 2] / 1000,
               s->v[(s->n * 99) / 100 < s->n ? (s->n * 99) / 100 : s->n - 1] / 1000, s->v[s->n - 1] / 1000);
}

/* utime+stime of a process, every thread's, in clock ticks. (schedstat would
 * be finer, but counts one thread only.) */
static uint64_t proc_cpu_ticks(pid_t pid) {
        char path[64], buf[4096];
        unsigned long long ut = 0, st = 0;
        uint64_t ticks = 0;
        FILE *f;

        if (pid <= 0)
                return 0;
        snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
        f = fopen(path, "re");
        if (f) {
                size_t n = fread(buf, 1, sizeof buf - 1, f);
                char *p;

                buf[n] = 0;
                p = strrchr(buf, ')');
                /* after "pid (comm) ": state is field 3, utime 14, stime 15 */
                if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) == 2)
                        ticks = ut + st;
                fclose(f);
        }
        return ticks;
}

/* A status document as hsos.status/1 looks (tests/bench/full-node.json's
 * node), about 2 KiB (2,070 bytes operational, compact). serial (seconds)
 * changes what the controller's change detection ignores (generatedAt,
 * counters); epoch flips the state between operational and degraded, which
 * it does not ignore. */
static int status_document(const Node *n, unsigned serial, unsigned epoch, char **ret) {
        _cleanup_free_ char *s = NULL;
        int len;

        len = asprintf(&s,
                "{\"schema\":\"hsos.status/1\",\"generatedAt\":\"2026-11-26T12:%02u:%02uZ\",\"hostname\":\"%s\","
                "\"network\":\"mainnet\",\"state\":\"%s\",\"reasons\":[%s],"
                "\"agent\":{\"version\":\"0.1.0\",\"pid\":%u,\"startedAt\":\"2026-11-26T11:00:00Z\","
                "\"configSha256\":\"5d41402abc4b2a76b9719d911017c592ae1a2f1c3b9e3c4d5e6f708192a3b4c5\"},"
                "\"boot\":{\"id\":\"9f2c1e0d8b7a69584736251403f2e1d0\",\"machineId\":\"%s\",\"kernel\":\"6.1.0-28-amd64\","
                "\"uptimeSec\":%u},\"config\":{\"errors\":[]},"
                "\"mounts\":[{\"name\":\"data\",\"what\":\"/dev/mapper/vg0-data\",\"device\":\"/dev/dm-0\",\"where\":\"/mnt\","
                "\"type\":\"btrfs\",\"options\":\"noatime,subvolid=256\",\"state\":\"mounted\",\"error\":null,"
                "\"sizeBytes\":4000787030016,\"usedBytes\":%u000000000,\"availBytes\":2700000000000}],"
                "\"secrets\":[{\"kind\":\"jwt\",\"path\":\"/mnt/secrets/jwt.hex\",\"state\":\"present\"}],"
                "\"units\":[{\"name\":\"geth.service\",\"role\":\"execution\",\"client\":\"geth\",\"state\":\"active\","
                "\"subState\":\"running\",\"restarts\":0,\"reason\":null},{\"name\":\"lighthouse.service\",\"role\":"
                "\"consensus\",\"client\":\"lighthouse\",\"state\":\"active\",\"subState\":\"running\",\"restarts\":0,"
                "\"reason\":null}],"
                "\"execution\":[{\"client\":\"geth\",\"url\":\"http://127.0.0.1:8545\",\"reachable\":true,\"syncing\":false,"
                "\"currentBlock\":%u,\"highestBlock\":%u,\"headAgeSec\":4,\"staleHead\":false,\"peers\":50,\"chainId\":1,"
                "\"version\":\"Geth/v1.14.12-stable/linux-amd64/go1.23.4\",\"error\":null,\"latencyMs\":3,"
                "\"since\":\"2026-11-26T11:02:00Z\"}],"
                "\"consensus\":[{\"client\":\"lighthouse\",\"url\":\"http://127.0.0.1:5052\",\"reachable\":true,"
                "\"health\":200,\"syncing\":false,\"headSlot\":%u,\"syncDistance\":0,\"optimistic\":false,"
                "\"elOffline\":false,\"finalizedEpoch\":%u,\"peers\":100,\"version\":\"Lighthouse/v6.0.1/x86_64-linux\","
                "\"error\":null,\"latencyMs\":4,\"since\":\"2026-11-26T11:03:00Z\"}],"
                "\"connectivity\":{\"online\":true,\"defaultRoute\":true,\"interfaces\":[{\"name\":\"enp1s0\","
                "\"operstate\":\"up\",\"carrier\":true,\"addresses\":[\"192.168.1.%u/24\"]}]},"
                "\"system\":{\"memTotalBytes\":33554432000,\"memAvailableBytes\":%u000000,\"rootUsedBytes\":190000000,"
                "\"load1\":0.42,\"cpus\":8,\"clockSynchronized\":true},"
                "\"controller\":{\"etcd\":{\"lastOkAt\":\"2026-11-26T12:00:00Z\",\"lastError\":null},\"http\":null}}",
                serial / 60 % 60, serial % 60, n->hostname, epoch % 2 ? "degraded" : "operational",
                epoch % 2 ? "\"geth: the chain head is 72 s old\"" : "", 1000 + n->idx, n->machine_id, 3600 + serial,
                1000 + serial % 1000, 21000000 + serial / 12, 21000000 + serial / 12, 10000000 + serial / 12,
                312500 + serial / 384,
                n->idx % 250 + 2, 20000 + serial % 1000);
        if (len < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(s);
        return 0;
}

/* The controller asks for the newest status (every tick, and before each write). */
static int node_status(void *userdata, char **ret_json) {
        Node *n = userdata;
        Fleet *f = n->fleet;
        uint64_t now = now_mono(), t = now - f->start_usec + n->phase_usec;
        unsigned epoch = (unsigned) (t / ((uint64_t) f->interval_sec * f->change_every * 1000000));

        if (f->changes && n->handed && epoch % 2 != n->epoch % 2)
                fprintf(f->changes, "%" PRIu64 " %s %s 2026-11-26T12:%02u:%02uZ\n", now, n->hostname,
                        epoch % 2 ? "degraded" : "operational", (unsigned) (t / 1000000) / 60 % 60,
                        (unsigned) (t / 1000000) % 60);
        n->epoch = epoch;
        n->handed = true;
        return status_document(n, (unsigned) (t / 1000000), epoch, ret_json);
}

static void fleet_error(Fleet *f, const char *path, const char *what) {
        f->errors++;
        if (!f->first_error && asprintf(&f->first_error, "%s: %s", path, what) < 0)
                f->first_error = NULL;
}

/* The observer: every request the controllers (and this benchmark) send ends
 * here, just before the controller reads the answer. */
static void on_request(void *userdata, const char *url, const HttpResult *res, uint64_t elapsed_usec) {
        Fleet *f = userdata;
        _cleanup_free_ char *msg = NULL, *err = NULL;
        const char *path = strstr(url, "/v3/");
        bool in_window = f->window && now_mono() - elapsed_usec >= f->window_start_usec;
        int code, k;

        if (!path || streq(path, "/v3/maintenance/status"))
                return; /* ours */
        if (in_window)
                f->requests++;
        if (streq(path, "/v3/lease/keepalive") && in_window)
                (void) samples_add(&f->keepalive, (double) elapsed_usec);
        else if (streq(path, "/v3/kv/txn") && in_window)
                (void) samples_add(&f->report, (double) elapsed_usec);
        if (res->error)
                return fleet_error(f, path, res->error);
        if (etcd_parse_error(res->body, res->size, &code, &msg) > 0)
                return fleet_error(f, path, msg);
        if (res->status < 200 || res->status > 299)
                return fleet_error(f, path, "an HTTP error");
        if (streq(path, "/v3/lease/keepalive")) {
                k = etcd_parse_lease_keepalive(res->body, res->size, NULL, &err);
                if (k == 0)
                        f->lease_lost++;
        } else if (streq(path, "/v3/kv/txn")) {
                EtcdTxnResult t = {};

                k = etcd_parse_txn(res->body, res->size, &t, &err);
                if (k >= 0 && !t.succeeded)
                        f->not_ours++;
                etcd_txn_result_done(&t);
        } else
                k = 0;
        if (k < 0)
                fleet_error(f, path, err ?: strerror(-k));
}

typedef struct DbAsk {
        Fleet *fleet;
        unsigned slot;
} DbAsk;

static uint64_t json_u64(const cJSON *o, const char *name) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

        /* int64 as a string (notes/etcd.md); absent is 0 */
        return cJSON_IsString(v) ? strtoull(v->valuestring, NULL, 10) : 0;
}

static void on_db_status(void *userdata, const HttpResult *res) {
        DbAsk *a = userdata;
        cJSON *o;

        if (!res->error && res->status == 200 && (o = cJSON_ParseWithLength(res->body, res->size))) {
                a->fleet->db_size[a->slot] = json_u64(o, "dbSize");
                a->fleet->db_in_use[a->slot] = json_u64(o, "dbSizeInUse");
                cJSON_Delete(o);
        }
}

/* etcd's dbSize and dbSizeInUse, from /v3/maintenance/status, into slot. */
static void ask_db_status(Fleet *f, unsigned slot) {
        static DbAsk asks[2];
        _cleanup_free_ char *url = NULL;
        HttpOptions o = {
                .body = "{}",
                .content_type = "application/json",
                .timeout_ms = 10000,
                .max_bytes = 64 * 1024,
        };

        asks[slot] = (DbAsk) { .fleet = f, .slot = slot };
        if (asprintf(&url, "%s/v3/maintenance/status", f->url) >= 0)
                (void) http_request(f->http, url, &o, on_db_status, &asks[slot], NULL);
}

static int on_window(sd_event_source *s, uint64_t usec, void *userdata) {
        Fleet *f = userdata;

        (void) s;
        (void) usec;
        f->window = true;
        f->window_start_usec = now_mono();
        http_counters(f->http, &f->http0);
        (void) getrusage(RUSAGE_SELF, &f->ru0);
        f->etcd_ticks0 = proc_cpu_ticks(f->etcd_pid);
        ask_db_status(f, 0);
        return 0;
}

static int on_end(sd_event_source *s, uint64_t usec, void *userdata) {
        Fleet *f = userdata;

        (void) s;
        (void) usec;
        f->window_end_usec = now_mono();
        http_counters(f->http, &f->http1);
        (void) getrusage(RUSAGE_SELF, &f->ru1);
        f->etcd_ticks1 = proc_cpu_ticks(f->etcd_pid);
        ask_db_status(f, 1);
        f->window = false;
        f->stopping = true;
        /* What each controller would put in its node's status, then they stop
         * (what they have in flight is dropped). */
        for (unsigned i = 0; i < f->n_nodes; i++) {
                ControllerStatus e, h;

                controller_state(f->nodes[i].ctl, &e, &h);
                if (e.last_error) {
                        f->failing++;
                        if (!f->first_failing && asprintf(&f->first_failing, "%s: %s", f->nodes[i].hostname,
                                                          e.last_error) < 0)
                                f->first_failing = NULL;
                } else if (e.last_ok_usec > 0)
                        f->reporting++;
                f->nodes[i].ctl = controller_free(f->nodes[i].ctl);
        }
        return 0;
}

static void print_mem(pid_t pid) {
        char path[64], line[256];
        FILE *p;

        snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
        p = fopen(path, "re");
        if (!p)
                return;
        while (fgets(line, sizeof line, p)) {
                unsigned long long kb;
                if (sscanf(line, "VmRSS: %llu", &kb) == 1)
                        printf("etcd_vmrss_kib %llu\n", kb);
                else if (sscanf(line, "VmHWM: %llu", &kb) == 1)
                        printf("etcd_vmhwm_kib %llu\n", kb);
        }
        fclose(p);
}

static double tv_s(struct timeval tv) {
        return (double) tv.tv_sec + (double) tv.tv_usec / 1e6;
}

/* The node's config, as the daemon would read it from its node.json. */
static int node_config(const Fleet *f, const Node *n, Config **ret) {
        _cleanup_free_ char *json = NULL;
        _cleanup_strv_free_ char **errors = NULL;
        int k;

        if (asprintf(&json,
                     "{\"localization\":{\"hostname\":\"%s\"},"
                     "\"agent\":{\"reportIntervalSec\":%u,"
                     "\"controller\":{\"etcd\":{\"endpoints\":[\"%s\"],\"prefix\":\"%s\"}}}}",
                     n->hostname, f->interval_sec, f->url, PREFIX) < 0)
                return -ENOMEM;
        k = config_parse(json, strlen(json), ret, &errors);
        if (k < 0 && errors && errors[0])
                fprintf(stderr, "bench-fleet: %s's node.json: %s\n", n->hostname, errors[0]);
        return k;
}

int main(int argc, char **argv) {
        Fleet f = {};
        sd_event_source *window = NULL, *end = NULL;
        unsigned seconds;
        int r;

        if (argc < 4) {
                fprintf(stderr, "usage: bench-fleet ETCD-URL NODES SECONDS [ETCD-PID] [INTERVAL-SEC] [CHANGE-EVERY] "
                        "[CHANGES-FILE]\n");
                return 2;
        }
        f.url = argv[1];
        f.n_nodes = (unsigned) atoi(argv[2]);
        seconds = (unsigned) atoi(argv[3]);
        f.etcd_pid = argc > 4 ? (pid_t) atoi(argv[4]) : 0;
        f.interval_sec = argc > 5 ? (unsigned) atoi(argv[5]) : 10;
        f.change_every = argc > 6 ? (unsigned) atoi(argv[6]) : 6;
        if (argc > 7 && !(f.changes = fopen(argv[7], "we"))) {
                fprintf(stderr, "bench-fleet: %s: %s\n", argv[7], strerror(errno));
                return 1;
        }
        if (f.n_nodes < 1 || f.interval_sec < 1 || f.interval_sec > 3600 || f.change_every < 1 ||
            seconds <= f.interval_sec + 2) {
                fprintf(stderr, "bench-fleet: NODES >= 1, INTERVAL 1-3600, CHANGE-EVERY >= 1, SECONDS > INTERVAL + 2\n");
                return 2;
        }
        f.nodes = calloc(f.n_nodes, sizeof(Node));
        if (!f.nodes)
                return 1;
        f.start_usec = now_mono();
        r = sd_event_new(&f.event);
        if (r >= 0)
                r = http_new(f.event, &f.http);
        if (r >= 0)
                http_set_observer(f.http, on_request, &f);
        for (unsigned i = 0; r >= 0 && i < f.n_nodes; i++) {
                _cleanup_(config_freep) Config *c = NULL;
                Node *n = &f.nodes[i];

                n->fleet = &f;
                n->idx = i;
                snprintf(n->hostname, sizeof n->hostname, "node-%04u", i);
                snprintf(n->machine_id, sizeof n->machine_id, "%08x%08x%08x%08x", arc4random(), arc4random(),
                         arc4random(), i);
                n->phase_usec = (uint64_t) arc4random_uniform(f.change_every) * f.interval_sec * 1000000 +
                                arc4random_uniform(f.interval_sec * 1000000);
                r = node_config(&f, n, &c);
                if (r >= 0)
                        r = controller_new(f.event, f.http, c, n->machine_id, NULL, node_status, NULL, n, &n->ctl);
                if (r >= 0 && !n->ctl)
                        r = -EINVAL; /* the config names no controller */
        }
        if (r >= 0)
                r = sd_event_add_time_relative(f.event, &window, CLOCK_MONOTONIC,
                                               (uint64_t) (f.interval_sec + 2) * 1000000, 1000, on_window, &f);
        if (r >= 0)
                r = sd_event_add_time_relative(f.event, &end, CLOCK_MONOTONIC, (uint64_t) seconds * 1000000, 1000,
                                               on_end, &f);
        while (r >= 0 && !f.stopping)
                r = sd_event_run(f.event, UINT64_MAX);
        if (r >= 0)
                r = http_run(f.http); /* the database's size comes */
        if (r < 0) {
                fprintf(stderr, "bench-fleet: %s\n", strerror(-r));
                return 1;
        }

        double w = (double) (f.window_end_usec - f.window_start_usec) / 1e6;
        printf("nodes %u %u %u\n", f.n_nodes, f.reporting, f.failing);
        printf("interval_s %u\n", f.interval_sec);
        printf("change_every %u\n", f.change_every);
        printf("window_s %.1f\n", w);
        printf("requests %" PRIu64 " %.1f\n", f.requests, (double) f.requests / w);
        samples_print("keepalive_ms", &f.keepalive);
        samples_print("report_ms", &f.report);
        printf("reports_per_s %.1f\n", (double) f.report.n / w);
        printf("errors %" PRIu64 " %" PRIu64 " %" PRIu64 " %s\n", f.errors, f.lease_lost, f.not_ours,
               f.first_error ? f.first_error : "-");
        printf("failing %s\n", f.first_failing ? f.first_failing : "-");
        printf("http %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", f.http1.requests - f.http0.requests,
               f.http1.bytes_sent - f.http0.bytes_sent, f.http1.bytes_received - f.http0.bytes_received,
               f.http1.connections - f.http0.connections);
        printf("client_cpu_pct %.2f\n",
               (tv_s(f.ru1.ru_utime) + tv_s(f.ru1.ru_stime) - tv_s(f.ru0.ru_utime) - tv_s(f.ru0.ru_stime)) / w * 100);
        printf("db_bytes %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", f.db_size[0], f.db_size[1], f.db_in_use[0],
               f.db_in_use[1]);
        if (f.etcd_pid > 0) {
                long hz = sysconf(_SC_CLK_TCK);
                printf("etcd_cpu_pct %.2f\n", (double) (f.etcd_ticks1 - f.etcd_ticks0) / (double) hz / w * 100);
                print_mem(f.etcd_pid);
        }

        if (f.changes && fclose(f.changes) != 0) {
                fprintf(stderr, "bench-fleet: the changes file: %s\n", strerror(errno));
                return 1;
        }
        free(f.nodes);
        free(f.keepalive.v);
        free(f.report.v);
        free(f.first_error);
        free(f.first_failing);
        sd_event_source_disable_unref(window);
        sd_event_source_disable_unref(end);
        http_free(f.http);
        sd_event_unref(f.event);
        return 0;
}
