/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-event.h>

#include "etcd-watch.h"
#include "hsos/cli.h"
#include "hsos/edge/files.h"
#include "hsos/edge/system.h"
#include "hsos/etcd.h"
#include "hsos/fleet.h"
#include "hsos/http.h"
#include "hsos/util.h"
#include "cmd-fleet.h"

static void help(void) {
        printf("Usage: %s fleet --etcd URL [--prefix P] [--user U --password-file F]\n"
               "                 [--cacert F] [--expect FILE] [--json | --watch]\n"
               "       %s fleet forget HOSTNAME --etcd URL [...]\n"
               "       %s fleet serve --etcd URL [--listen ADDR:PORT] [...] (see fleet serve --help)\n"
               "Every node's status as the controller (etcd) holds it: one line per node\n"
               "with its state, the age of its report and each client's sync. A member\n"
               "whose report expired is down, with when it was last seen and what it said;\n"
               "a hostname of --expect that never reported is never seen. forget removes\n"
               "a member (a node that is gone for good). --watch follows etcd's watch:\n"
               "on a terminal the view is drawn again in place at each change; otherwise\n"
               "one line per node that changed, stamped with the time. Ctrl-C ends it (0).\n"
               "Exit status: 0 every node operational, 1 one starting or degraded, 2 one\n"
               "down, failed or never seen (or usage), 3 etcd cannot be reached.\n"
               "forget: 0 removed, 1 no such member, 2 usage, 3 etcd cannot be reached.\n"
               "      --etcd URL            etcd's client URL (http://host:2379)\n"
               "      --prefix P            the fleet's prefix (default /homestakeros)\n"
               "      --user U              log in as U ...\n"
               "      --password-file F     ... with the password in F\n"
               "      --cacert F            trust this CA for https\n"
               "      --expect FILE         a JSON list of the hostnames the fleet should have\n"
               "      --json                the status documents as a JSON list\n"
               "      --watch               follow every change until interrupted\n",
               program_name, program_name, program_name);
}

static void on_done(void *userdata, const HttpResult *res) {
        Call *c = userdata;

        c->status = res->status;
        if (res->error)
                c->error = strdup(res->error);
        else {
                c->body = strndup(res->body, res->size);
                c->size = res->size;
        }
}

void call_done(Call *c) {
        if (c->body)
                explicit_bzero(c->body, c->size);
        free(c->body);
        free(c->error);
        *c = (Call) {};
}

/* One POST to etcd, waited for. 0 with the answer, or -EIO with a message. */
int etcd_call(Http *h, const char *base, const char *path, const char *body, const char *token,
                     const char *cacert, unsigned timeout_ms, Call *c, char **ret_error) {
        _cleanup_free_ char *url = NULL, *msg = NULL, *shown = NULL;
        HttpOptions o = {
                .body = body,
                .content_type = "application/json",
                .authorization = token,
                .ca_file = cacert,
                .timeout_ms = timeout_ms,
                .max_bytes = ETCD_RESPONSE_SIZE_MAX,
                .use_proxy = true,
        };
        int code, r;

        if (asprintf(&url, "%s%s%s", base, endswith(base, "/") ? "" : "/", path) < 0)
                return -ENOMEM;
        r = http_request(h, url, &o, on_done, c, NULL);
        if (r >= 0)
                r = http_run(h);
        if (r < 0)
                return r;
        /* Not its user info nor its query: a password or a key may be there. */
        if (url_redact(base, &shown) < 0)
                return -ENOMEM;
        if (c->error)
                return asprintf(ret_error, "%s: %s", shown, c->error) < 0 ? -ENOMEM : -EIO;
        if (etcd_parse_error(c->body, c->size, &code, &msg) > 0) {
                *ret_error = TAKE_PTR(msg);
                return -EIO;
        }
        if (c->status != 200)
                return asprintf(ret_error, "%s answered HTTP %ld", shown, c->status) < 0 ? -ENOMEM : -EIO;
        return 0;
}

#define EXIT_FLEET_UNREACHABLE 3

/* A range over key..., read into *ret_kvs. */
static int etcd_range(Http *h, const char *etcd, const char *prefix_key, const char *token, const char *cacert,
                      EtcdKeyValue **ret_kvs, size_t *ret_n, char **ret_error) {
        _cleanup_free_ char *body = NULL;
        Call c = {};
        int r;

        r = etcd_request_range_prefix(prefix_key, &body);
        if (r < 0)
                return r;
        r = etcd_call(h, etcd, "v3/kv/range", body, token, cacert, 10000, &c, ret_error);
        if (r >= 0)
                r = etcd_parse_range(c.body, c.size, ret_kvs, ret_n, ret_error);
        call_done(&c);
        return r;
}

/* --expect FILE: read and checked, or a usage error said. */
int read_expect(const char *path, char ***ret) {
        _cleanup_free_ char *data = NULL, *err = NULL;
        size_t size;
        int r;

        r = read_file_capped(path, 1024 * 1024, &data, &size);
        if (r >= 0 && size > 1024 * 1024)
                r = -EFBIG;
        if (r < 0) {
                fprintf(stderr, "%s fleet: --expect %s: %s\n", program_name, path,
                        r == -EFBIG ? "larger than 1 MiB" : strerror(-r));
                return r;
        }
        r = fleet_expect_parse(data, size, ret, &err);
        if (r == -EINVAL)
                fprintf(stderr, "%s fleet: --expect %s: %s\n", program_name, path, err);
        return r;
}

/* ---- --watch ---- */

typedef struct Watcher {
        sd_event *event;
        EtcdWatch *watch;
        const char *prefix, *shown_url;
        char *nodes, *members;
        char * const *expected;
        bool tty, color, drawn;
        char *error;              /* why the watch is down, NULL: live */
        unsigned retry_ms;
        uint64_t since_usec;      /* CLOCK_REALTIME of the view's last change */
        char **hosts, **lines;    /* not a terminal: what was printed last */
        sd_event_source *tick;
} Watcher;

void fleet_view_of_mirror(const EtcdMirror *m, const char *prefix, const char *nodes_key, const char *members_key,
                          char * const *expected, FleetView *v) {
        size_t nf, mf, nn = etcd_mirror_prefix(m, nodes_key, &nf), mm = etcd_mirror_prefix(m, members_key, &mf);

        *v = (FleetView) {
                .prefix = prefix,
                .nodes = nn > 0 ? m->kvs + nf : NULL,
                .n_nodes = nn,
                .members = mm > 0 ? m->kvs + mf : NULL,
                .n_members = mm,
                .expected = expected,
                .now_usec = now_usec(CLOCK_REALTIME),
        };
}

static void watcher_view(Watcher *wt, FleetView *v) {
        fleet_view_of_mirror(etcd_watch_mirror(wt->watch), wt->prefix, wt->nodes, wt->members, wt->expected, v);
}

/* A terminal: the whole view again from the top left, each line cleared to
 * its end and what is below the view cleared, in one write: no flicker. */
static void watcher_draw(Watcher *wt) {
        _cleanup_free_ char *text = NULL, *frame = NULL;
        StrBuf b = {};
        FleetView v;
        char at[32] = "?", since[32] = "?";
        int r;

        watcher_view(wt, &v);
        r = fleet_to_text(&v, wt->color, &text);
        if (r < 0)
                return;
        (void) format_rfc3339(v.now_usec, at);
        (void) format_rfc3339(wt->since_usec, since);
        sb_append(&b, wt->drawn ? "\033[H" : "\033[?25l\033[H\033[2J");
        sb_appendf(&b, "hsos-agent fleet --watch  %s  %s  revision %lld  (Ctrl-C ends)\033[K\n", wt->shown_url,
                   at, (long long) etcd_watch_revision(wt->watch));
        if (wt->error)
                sb_appendf(&b, "%sLOST: %s; trying again in %u s; the view is as of %s%s\033[K\n",
                           wt->color ? "\033[31m" : "", wt->error, (wt->retry_ms + 999) / 1000, since,
                           wt->color ? "\033[0m" : "");
        sb_append(&b, "\033[K\n");
        for (const char *p = text; *p;) {
                size_t n = strcspn(p, "\n");

                sb_appendn(&b, p, n);
                sb_append(&b, "\033[K\n");
                p += n + (p[n] == '\n');
        }
        sb_append(&b, "\033[J");
        if (sb_steal(&b, &frame) < 0)
                return;
        fputs(frame, stdout);
        fflush(stdout);
        wt->drawn = true;
}

/* Not a terminal: a line per node whose line changed, or that went. */
static void watcher_lines(Watcher *wt) {
        _cleanup_strv_free_ char **hosts = NULL, **lines = NULL;
        FleetView v;
        char at[32] = "?";

        watcher_view(wt, &v);
        if (fleet_to_lines(&v, &hosts, &lines) < 0)
                return;
        (void) format_rfc3339(v.now_usec, at);
        for (size_t i = 0; lines[i]; i++)
                if (!strv_contains(wt->lines, lines[i]))
                        printf("%s %s\n", at, lines[i]);
        STRV_FOREACH(h, wt->hosts)
                if (!strv_contains(hosts, *h))
                        printf("%s %s gone (forgotten: no key left)\n", at, *h);
        fflush(stdout);
        strv_free(wt->hosts);
        strv_free(wt->lines);
        wt->hosts = TAKE_PTR(hosts);
        wt->lines = TAKE_PTR(lines);
}

static void watcher_show(Watcher *wt) {
        if (wt->tty)
                watcher_draw(wt);
        else
                watcher_lines(wt);
}

static void on_settled(void *userdata, EtcdWatch *w) {
        Watcher *wt = userdata;

        (void) w;
        wt->since_usec = now_usec(CLOCK_REALTIME);
        watcher_show(wt);
}

static void on_reload(void *userdata, EtcdWatch *w) {
        Watcher *wt = userdata;

        if (etcd_watch_reloads(w) > 1 && !wt->tty)
                fprintf(stderr, "%s fleet: every key read again at revision %lld (etcd no longer had the "
                        "changes after the last one seen: compacted, or another store)\n", program_name,
                        (long long) etcd_watch_revision(w));
        on_settled(userdata, w);
}

static void on_link(void *userdata, EtcdWatch *w, const char *error, unsigned retry_ms) {
        Watcher *wt = userdata;

        (void) w;
        free(wt->error);
        wt->error = error ? strdup(error) : NULL;
        wt->retry_ms = retry_ms;
        if (!wt->tty) {
                if (error)
                        fprintf(stderr, "%s fleet: %s; trying again in %u ms\n", program_name, error, retry_ms);
                else
                        fprintf(stderr, "%s fleet: watching %s from revision %lld\n", program_name, wt->shown_url,
                                (long long) etcd_watch_revision(w) + 1);
        } else if (wt->drawn || error)
                watcher_draw(wt);
}

/* The ages and "last seen" on a terminal go on counting between changes:
 * drawn again every 5 s from what the watch holds (no request to etcd). */
static int on_tick(sd_event_source *s, uint64_t usec, void *userdata) {
        Watcher *wt = userdata;
        int r;

        if (wt->drawn)
                watcher_draw(wt);
        r = sd_event_source_set_time(s, usec + 5 * 1000000ULL);
        return r < 0 ? r : sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

static int fleet_watch(sd_event *event, Http *http, const char *etcd, const char *prefix, const char *user,
                       const char *password, const char *cacert, char * const *expected, char **ret_error) {
        _cleanup_free_ char *watched = NULL, *shown = NULL;
        Watcher wt = {
                .event = event,
                .prefix = prefix,
                .expected = expected,
                .tty = isatty(STDOUT_FILENO),
        };
        EtcdWatchCallbacks cb = {
                .reload = on_reload,
                .settled = on_settled,
                .link = on_link,
        };
        sigset_t mask;
        int r;

        wt.color = wt.tty && !getenv("NO_COLOR");
        /* One watch over the fleet's prefix: nodes/ and members/ both, at one revision. */
        r = etcd_nodes_prefix(prefix, &wt.nodes);
        if (r >= 0)
                r = etcd_members_prefix(prefix, &wt.members);
        if (r >= 0 && !(watched = strndup(wt.nodes, strlen(wt.nodes) - strlen("nodes/"))))
                r = -ENOMEM;
        if (r >= 0)
                r = url_redact(etcd, &shown);
        if (r < 0)
                goto out;
        wt.shown_url = shown;

        /* Ctrl-C and SIGTERM end the loop; the terminal is set right after. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        r = sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ? -errno : 0;
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGINT, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(event, NULL, SIGTERM, NULL, NULL);
        if (r >= 0 && wt.tty)
                r = sd_event_add_time_relative(event, &wt.tick, CLOCK_MONOTONIC, 5 * 1000000ULL, 1000000, on_tick, &wt);
        if (r >= 0)
                r = etcd_watch_new(event, http,
                                   &(EtcdWatchOptions) {
                                           .url = etcd,
                                           .prefix = watched,
                                           .user = user,
                                           .password = password,
                                           .cacert = cacert,
                                           /* someone is looking: back soon after etcd is */
                                           .backoff_max_ms = 4000,
                                   },
                                   &cb, &wt, &wt.watch);
        if (r >= 0)
                r = etcd_watch_start(wt.watch);
        if (r >= 0)
                r = sd_event_loop(event);
        if (wt.drawn)
                fputs("\033[?25h", stdout);
        fflush(stdout);
out:
        if (r < 0 && asprintf(ret_error, "--watch: %s", strerror(-r)) < 0)
                *ret_error = NULL;
        etcd_watch_free(wt.watch);
        sd_event_source_disable_unref(wt.tick);
        strv_free(wt.hosts);
        strv_free(wt.lines);
        free(wt.error);
        free(wt.nodes);
        free(wt.members);
        return r < 0 ? r : 0;
}

int cmd_fleet(int argc, char **argv) {
        static const struct option options[] = {
                { "etcd", required_argument, NULL, 'e' },
                { "prefix", required_argument, NULL, 'p' },
                { "user", required_argument, NULL, 'u' },
                { "password-file", required_argument, NULL, 'P' },
                { "cacert", required_argument, NULL, 'C' },
                { "expect", required_argument, NULL, 'x' },
                { "json", no_argument, NULL, 'j' },
                { "watch", no_argument, NULL, 'w' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        const char *etcd = NULL, *prefix = "/homestakeros", *user = NULL, *password_file = NULL, *cacert = NULL,
                   *expect = NULL, *forget = NULL;
        _cleanup_free_ char *token = NULL, *nodes = NULL, *members = NULL, *member_key = NULL, *err = NULL,
                            *out = NULL;
        _cleanup_strv_free_ char **expected = NULL;
        EtcdKeyValue *kvs = NULL, *mkvs = NULL;
        size_t n = 0, mn = 0;
        bool json = false, watch = false;
        sd_event *event = NULL;
        Http *http = NULL;
        Call c = {};
        int opt, r;

        if (argc >= 2 && streq(argv[1], "serve"))
                return cmd_fleet_serve(argc - 1, argv + 1);
        while ((opt = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (opt) {
                case 'e':
                        etcd = optarg;
                        break;
                case 'p':
                        prefix = optarg;
                        break;
                case 'u':
                        user = optarg;
                        break;
                case 'P':
                        password_file = optarg;
                        break;
                case 'C':
                        cacert = optarg;
                        break;
                case 'x':
                        expect = optarg;
                        break;
                case 'j':
                        json = true;
                        break;
                case 'w':
                        watch = true;
                        break;
                case 'h':
                        help();
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        if (optind < argc && streq(argv[optind], "forget")) {
                if (optind + 2 != argc) {
                        fprintf(stderr, "%s fleet forget: one HOSTNAME is needed\n", program_name);
                        return EXIT_USAGE;
                }
                forget = argv[optind + 1];
                if (expect || json || watch) {
                        fprintf(stderr, "%s fleet forget: --expect, --json and --watch are fleet's, not forget's\n",
                                program_name);
                        return EXIT_USAGE;
                }
        } else if (cli_extra_args(argc, argv, "fleet"))
                return EXIT_USAGE;
        if (!etcd || !startswith(etcd, "http://") == !startswith(etcd, "https://")) {
                fprintf(stderr, "%s fleet: --etcd http(s)://host:port is needed\n", program_name);
                return EXIT_USAGE;
        }
        if (json && watch) {
                fprintf(stderr, "%s fleet: --json or --watch, not both\n", program_name);
                return EXIT_USAGE;
        }
        if (!user != !password_file) {
                fprintf(stderr, "%s fleet: --user and --password-file go together\n", program_name);
                return EXIT_USAGE;
        }
        if (etcd_nodes_prefix(prefix, &nodes) < 0 || etcd_members_prefix(prefix, &members) < 0 ||
            strlen(nodes) <= strlen("/nodes/")) {
                fprintf(stderr, "%s fleet: invalid prefix '%s'\n", program_name, prefix);
                return EXIT_USAGE;
        }
        if (forget && etcd_member_key(prefix, forget, &member_key) < 0) {
                _cleanup_free_ char *shown = strdup_printable(forget, 80);

                fprintf(stderr, "%s fleet forget: '%s' is not a hostname\n", program_name, shown ?: "?");
                return EXIT_USAGE;
        }
        if (expect && read_expect(expect, &expected) < 0)
                return EXIT_USAGE;

        r = sd_event_new(&event);
        if (r >= 0)
                r = http_new(event, &http);
        if (r < 0)
                goto fail;
        if (user) {
                _cleanup_free_ char *password = NULL, *auth = NULL;

                r = read_secret_line(password_file, &password);
                if (r < 0) {
                        fprintf(stderr, "%s fleet: cannot read the password from %s: %s\n", program_name, password_file,
                                r == -EINVAL ? "it is empty or holds a NUL byte" : strerror(-r));
                        r = EXIT_USAGE;
                        goto out;
                }
                if (watch) {
                        /* The watch logs in itself, again after each break. */
                        r = fleet_watch(event, http, etcd, prefix, user, password, cacert, expected, &err);
                        explicit_bzero(password, strlen(password));
                        if (r < 0)
                                goto fail;
                        goto out;
                }
                r = etcd_request_authenticate(user, password, &auth);
                explicit_bzero(password, strlen(password));
                if (r >= 0)
                        r = etcd_call(http, etcd, "v3/auth/authenticate", auth, NULL, cacert, 60000, &c, &err);
                if (auth)
                        explicit_bzero(auth, strlen(auth));
                if (r >= 0)
                        r = etcd_parse_authenticate(c.body, c.size, &token, &err);
                call_done(&c);
                if (r < 0)
                        goto fail;
        }

        if (watch && !user) {
                r = fleet_watch(event, http, etcd, prefix, NULL, NULL, cacert, expected, &err);
                if (r < 0)
                        goto fail;
                goto out;
        }

        if (forget) {
                _cleanup_free_ char *body = NULL, *shown = NULL;

                r = etcd_request_delete_key(member_key, &body);
                if (r >= 0)
                        r = etcd_call(http, etcd, "v3/kv/deleterange", body, token, cacert, 10000, &c, &err);
                if (r >= 0)
                        r = etcd_parse_delete(c.body, c.size, &kvs, &n, &err);
                call_done(&c);
                if (r < 0)
                        goto fail;
                if (n == 0) {
                        shown = strdup_printable(member_key, 300);
                        fprintf(stderr, "%s fleet forget: %s is no member of the fleet (no key %s)\n", program_name,
                                forget, shown ?: "?");
                        r = 1;
                        goto out;
                }
                r = fleet_forgotten_text(forget, &kvs[0], now_usec(CLOCK_REALTIME), &out);
                etcd_key_values_free(kvs, n);
                if (r < 0)
                        goto fail;
                printf("%s\n", out);
                r = 0;
                goto out;
        }

        r = etcd_range(http, etcd, nodes, token, cacert, &kvs, &n, &err);
        if (r >= 0)
                r = etcd_range(http, etcd, members, token, cacert, &mkvs, &mn, &err);
        if (r >= 0) {
                FleetView v = {
                        .prefix = prefix,
                        .nodes = kvs,
                        .n_nodes = n,
                        .members = mkvs,
                        .n_members = mn,
                        .expected = expected,
                        .now_usec = now_usec(CLOCK_REALTIME),
                };

                r = json ? fleet_to_json(&v, &out)
                         : fleet_to_text(&v, isatty(STDOUT_FILENO) && !getenv("NO_COLOR"), &out);
                if (r >= 0)
                        r = fleet_exit_code(&v);
        }
        etcd_key_values_free(kvs, n);
        etcd_key_values_free(mkvs, mn);
        if (r < 0)
                goto fail;
        fputs(out, stdout);
        if (json)
                fputc('\n', stdout);
        goto out;
fail:
        fprintf(stderr, "%s fleet: %s\n", program_name, err ? err : strerror(-r));
        r = EXIT_FLEET_UNREACHABLE;
out:
        http_free(http);
        sd_event_unref(event);
        if (token)
                explicit_bzero(token, strlen(token));
        return r;
}
