/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-event.h>

#include "hsos/cli.h"
#include "hsos/edge/files.h"
#include "hsos/edge/system.h"
#include "hsos/etcd.h"
#include "hsos/fleet.h"
#include "hsos/http.h"
#include "hsos/util.h"

static void help(void) {
        printf("Usage: %s fleet --etcd URL [--prefix P] [--user U --password-file F]\n"
               "                 [--cacert F] [--json]\n"
               "Every node's status as the controller (etcd) holds it: one line per node\n"
               "with its state, the age of its report and each client's sync. A node that\n"
               "stopped reporting disappears by itself (its lease expires).\n"
               "Exit status: 0 etcd answered, 1 it did not, 2 usage.\n"
               "      --etcd URL            etcd's client URL (http://host:2379)\n"
               "      --prefix P            the fleet's prefix (default /homestakeros)\n"
               "      --user U              log in as U ...\n"
               "      --password-file F     ... with the password in F\n"
               "      --cacert F            trust this CA for https\n"
               "      --json                the status documents as a JSON list\n",
               program_name);
}

typedef struct Call {
        long status;
        char *body;
        size_t size;
        char *error;
} Call;

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

static void call_done(Call *c) {
        if (c->body)
                explicit_bzero(c->body, c->size);
        free(c->body);
        free(c->error);
        *c = (Call) {};
}

/* One POST to etcd, waited for. 0 with the answer, or -EIO with a message. */
static int etcd_call(Http *h, const char *base, const char *path, const char *body, const char *token,
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

int cmd_fleet(int argc, char **argv) {
        static const struct option options[] = {
                { "etcd", required_argument, NULL, 'e' },
                { "prefix", required_argument, NULL, 'p' },
                { "user", required_argument, NULL, 'u' },
                { "password-file", required_argument, NULL, 'P' },
                { "cacert", required_argument, NULL, 'C' },
                { "json", no_argument, NULL, 'j' },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        const char *etcd = NULL, *prefix = "/homestakeros", *user = NULL, *password_file = NULL, *cacert = NULL;
        _cleanup_free_ char *token = NULL, *nodes = NULL, *body = NULL, *err = NULL, *out = NULL;
        EtcdKeyValue *kvs = NULL;
        size_t n = 0;
        bool json = false;
        sd_event *event = NULL;
        Http *http = NULL;
        Call c = {};
        int opt, r;

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
                case 'j':
                        json = true;
                        break;
                case 'h':
                        help();
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        if (cli_extra_args(argc, argv, "fleet"))
                return EXIT_USAGE;
        if (!etcd || !startswith(etcd, "http://") == !startswith(etcd, "https://")) {
                fprintf(stderr, "%s fleet: --etcd http(s)://host:port is needed\n", program_name);
                return EXIT_USAGE;
        }
        if (!user != !password_file) {
                fprintf(stderr, "%s fleet: --user and --password-file go together\n", program_name);
                return EXIT_USAGE;
        }
        if (etcd_nodes_prefix(prefix, &nodes) < 0 || etcd_request_range_prefix(nodes, &body) < 0) {
                fprintf(stderr, "%s fleet: invalid prefix '%s'\n", program_name, prefix);
                return EXIT_USAGE;
        }

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
        r = etcd_call(http, etcd, "v3/kv/range", body, token, cacert, 10000, &c, &err);
        if (r >= 0)
                r = etcd_parse_range(c.body, c.size, &kvs, &n, &err);
        call_done(&c);
        if (r < 0)
                goto fail;

        r = json ? fleet_to_json(prefix, kvs, n, &out)
                 : fleet_to_text(prefix, kvs, n, now_usec(CLOCK_REALTIME), isatty(STDOUT_FILENO) && !getenv("NO_COLOR"),
                                 &out);
        etcd_key_values_free(kvs, n);
        if (r < 0)
                goto fail;
        fputs(out, stdout);
        if (json)
                fputc('\n', stdout);
        r = 0;
        goto out;
fail:
        fprintf(stderr, "%s fleet: %s\n", program_name, err ? err : strerror(-r));
        r = 1;
out:
        http_free(http);
        sd_event_unref(event);
        if (token)
                explicit_bzero(token, strlen(token));
        return r;
}
