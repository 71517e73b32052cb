/* SPDX-License-Identifier: MIT */
/* The reporters: one state machine per controller, each step one HTTP
 * request on the loop. etcd: log in (when a user is configured), grant a
 * lease, keep it alive every interval, claim the node's key create-if-absent,
 * then replace it (only while it is still ours) when the status changed or a
 * minute passed; then the member key (no lease, claimed the same way): the
 * summary, when the state changed or memberIntervalSec passed. HTTP: POST
 * the status every interval. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cJSON.h>

#include "controller.h"
#include "hsos/cleanup.h"
#include "hsos/edge/files.h"
#include "hsos/edge/log.h"
#include "hsos/edge/system.h"
#include "hsos/etcd.h"
#include "hsos/member.h"
#include "hsos/util.h"

typedef enum Step {
        STEP_NONE,
        STEP_AUTH,
        STEP_GRANT,
        STEP_KEEPALIVE,
        STEP_CLAIM,
        STEP_REPLACE,
        STEP_MEMBER_CLAIM,
        STEP_MEMBER_REPLACE,
        STEP_POST,
} Step;

typedef struct Reporter {
        Controller *ctl;
        bool enabled;
        bool etcd;
        const char *name;             /* "etcd" or "http" */
        sd_event_source *timer;
        HttpRequest *req;
        Step step;
        unsigned failures;
        bool failing;                 /* logged as failing */
        bool shown_ok;                /* the first success made the status follow */
        uint64_t last_ok_usec;        /* CLOCK_REALTIME */
        char *last_error;
        char *last_key;               /* the change key last written */
        char *pending_key;            /* the change key of the write in flight */
        uint64_t last_write_usec;     /* CLOCK_MONOTONIC */
        bool kept_alive;              /* this tick */
        unsigned retries;             /* claims this tick */
        char *ca_file;
        char *ca_pem;                 /* its content, read by root */
        char *ca_error;               /* why it could not be */
        /* etcd */
        char **endpoints;
        size_t endpoint;
        char *username, *password_file;
        char *token;
        char *lease_id;
        char *node_key;
        bool claimed;
        char *mod_revision;           /* our key's, after our last write */
        char *conflict;
        uint64_t next_claim_usec;     /* CLOCK_MONOTONIC: a conflict is looked at again then */
        /* etcd: the member key */
        char *member_key;
        bool member_claimed;
        char *member_mod_revision;
        char *member_state;           /* the state last written */
        char *member_pending_state;   /* the state of the write in flight */
        uint64_t member_write_usec;   /* CLOCK_MONOTONIC */
        unsigned member_retries;      /* claims this tick */
        char *member_conflict;
        uint64_t next_member_claim_usec;
        /* http */
        char *url, *token_file;
} Reporter;

struct Controller {
        sd_event *event;
        bool have_files;
        char **file_paths, **file_contents, **file_errors; /* contents/errors: n entries, NULLs allowed */
        size_t n_files;
        Http *http;
        char *hostname;
        char *machine_id;
        unsigned interval_sec;
        unsigned member_interval_sec;
        controller_status_t get;
        controller_changed_t changed;
        void *userdata;
        Reporter etcd, post;
};

static void step(Reporter *r);

/* A file the controller needs: from root's table, or (no table) from disk.
 * A secret is its one line. *ret_error says why it could not be read. */
static int controller_file(Controller *c, const char *path, bool secret, char **ret, char **ret_error) {
        size_t size;
        int k;

        *ret = NULL;
        *ret_error = NULL;
        if (c->have_files) {
                for (size_t i = 0; i < c->n_files; i++) {
                        if (!streq(c->file_paths[i], path))
                                continue;
                        if (c->file_contents[i]) {
                                *ret = strdup(c->file_contents[i]);
                                return *ret ? 0 : -ENOMEM;
                        }
                        *ret_error = strdup(c->file_errors[i] ?: "not read");
                        return -EIO;
                }
                *ret_error = strdup("not handed over by the agent");
                return -ENOENT;
        }
        k = secret ? read_secret_line(path, ret) : read_file_capped(path, 1024 * 1024, ret, &size);
        if (k < 0)
                *ret_error = strdup(k == -EINVAL ? "it is empty or holds a NUL byte" : strerror(-k));
        return k;
}

static void schedule(Reporter *r, uint64_t usec) {
        (void) sd_event_source_set_time_relative(r->timer, usec);
        (void) sd_event_source_set_enabled(r->timer, SD_EVENT_ONESHOT);
}

static uint64_t jitter(uint64_t usec) {
        /* Between half and all of it: a fleet does not come back on one tick. */
        return usec / 2 + (usec / 2 > 0 ? arc4random_uniform((uint32_t) (usec / 2 > UINT32_MAX ? UINT32_MAX : usec / 2))
                                        : 0);
}

/* The status follows when what it shows of a reporter changes (an error
 * comes, goes or changes); lastOkAt alone waits for the next rebuild. */
static void notify(Reporter *r, const char *error_before) {
        if (r->ctl->changed && !streq_ptr(error_before, r->last_error))
                r->ctl->changed(r->ctl->userdata);
}

/* The tick ends well: the next one an interval later. */
static void succeed(Reporter *r) {
        r->step = STEP_NONE;
        r->failures = 0;
        if (r->failing) {
                log_event(LOG_NOTICE, MID_REPORT_RECOVERED, r->etcd ? "HSOS_CONTROLLER=etcd" : "HSOS_CONTROLLER=http",
                          "reporting to %s works again", r->name);
                r->failing = false;
        }
        _cleanup_free_ char *before = TAKE_PTR(r->last_error);

        r->last_error = r->conflict ? strdup(r->conflict) : r->member_conflict ? strdup(r->member_conflict) : NULL;
        if (!r->shown_ok && r->last_ok_usec > 0) {
                /* The first report that went through shows at once. */
                r->shown_ok = true;
                free(before);
                before = strdup("");
        }
        notify(r, before);
        schedule(r, (uint64_t) r->ctl->interval_sec * 1000000);
}

/* The tick ends badly: the error shows, the next attempt backs off. */
static void fail(Reporter *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(Reporter *r, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        uint64_t delay = (uint64_t) r->ctl->interval_sec * 1000000;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        _cleanup_free_ char *before = TAKE_PTR(r->last_error);

        r->req = NULL;
        r->step = STEP_NONE;
        r->last_error = msg ? strdup_printable(msg, 300) : NULL;
        if (!r->failing) {
                log_event(LOG_WARNING, MID_REPORT_FAILING, r->etcd ? "HSOS_CONTROLLER=etcd" : "HSOS_CONTROLLER=http",
                          "reporting to %s fails: %s", r->name, strempty(r->last_error));
                r->failing = true;
        }
        for (unsigned i = 0; i < r->failures && delay < REPORT_BACKOFF_MAX_USEC; i++)
                delay *= 2;
        if (delay > REPORT_BACKOFF_MAX_USEC)
                delay = REPORT_BACKOFF_MAX_USEC;
        r->failures++;
        notify(r, before);
        schedule(r, jitter(delay));
}

/* The newest status, compact, and what it is about. */
static int newest_status(Reporter *r, char **ret_json, char **ret_key) {
        _cleanup_free_ char *json = NULL, *key = NULL;
        int k;

        k = r->ctl->get(r->ctl->userdata, &json);
        if (k < 0)
                return k;
        k = status_change_key(json, &key);
        if (k < 0)
                return k;
        cJSON_Minify(json);
        *ret_json = TAKE_PTR(json);
        *ret_key = TAKE_PTR(key);
        return 0;
}

static bool due(Reporter *r, const char *key) {
        return !r->last_key || !streq(r->last_key, key) || now_usec(CLOCK_MONOTONIC) - r->last_write_usec >= REPORT_REWRITE_USEC;
}

/* ---- etcd ---- */

static void on_etcd(void *userdata, const HttpResult *res);

static int etcd_send(Reporter *r, Step s, const char *path, const char *body, unsigned timeout_ms) {
        _cleanup_free_ char *url = NULL;
        const char *base = r->endpoints[r->endpoint];
        HttpOptions o = {
                .body = body,
                .content_type = "application/json",
                /* etcd wants the bare token, not "Bearer". */
                .authorization = s == STEP_AUTH ? NULL : r->token,
                .ca_file = r->ca_file,
                .ca_pem = r->ca_pem,
                .timeout_ms = timeout_ms,
                .max_bytes = 4 * 1024 * 1024,
                .use_proxy = true,
        };
        int k;

        if (asprintf(&url, "%s%s%s", base, endswith(base, "/") ? "" : "/", path) < 0)
                return -ENOMEM;
        r->step = s;
        k = http_request(r->ctl->http, url, &o, on_etcd, r, &r->req);
        if (k < 0) {
                r->req = NULL;
                r->step = STEP_NONE;
        }
        return k;
}

static bool member_due(Reporter *r, const char *state) {
        return !r->member_state || !streq(r->member_state, state) ||
               now_usec(CLOCK_MONOTONIC) - r->member_write_usec >= (uint64_t) r->ctl->member_interval_sec * 1000000;
}

/* The member key, when it is due: 1 a request went out, 0 nothing to do. */
static int member_step(Reporter *r, const char *status_json, unsigned timeout) {
        _cleanup_free_ char *doc = NULL, *state = NULL, *body = NULL;
        Step s;
        int k;

        k = member_build(status_json, r->ctl->machine_id, now_usec(CLOCK_REALTIME), &doc, &state);
        if (k < 0)
                return k;
        if (!member_due(r, state))
                return 0;
        if (!r->member_claimed) {
                /* Held by another machine: looked at again a member interval later. */
                if (r->member_conflict && now_usec(CLOCK_MONOTONIC) < r->next_member_claim_usec)
                        return 0;
                if (++r->member_retries > 3)
                        return 0;
                k = etcd_request_claim(r->member_key, doc, NULL, &body);
                s = STEP_MEMBER_CLAIM;
        } else {
                k = etcd_request_replace(r->member_key, doc, NULL, r->member_mod_revision, &body);
                s = STEP_MEMBER_REPLACE;
        }
        if (k < 0)
                return k;
        free_and_strdup(&r->member_pending_state, state);
        k = etcd_send(r, s, "v3/kv/txn", body, timeout);
        return k < 0 ? k : 1;
}

static void etcd_step(Reporter *r) {
        _cleanup_free_ char *body = NULL, *json = NULL, *key = NULL;
        unsigned timeout = r->ctl->interval_sec * 1000 < 2000 ? 2000 : r->ctl->interval_sec * 1000;
        int k = 0;

        if (r->username && !r->token) {
                _cleanup_free_ char *password = NULL;

                _cleanup_free_ char *why = NULL;

                k = controller_file(r->ctl, r->password_file, true, &password, &why);
                if (k < 0)
                        return fail(r, "cannot read the etcd password from %s: %s", r->password_file,
                                    why ?: strerror(-k));
                k = etcd_request_authenticate(r->username, password, &body);
                explicit_bzero(password, strlen(password));
                if (k >= 0)
                        k = etcd_send(r, STEP_AUTH, "v3/auth/authenticate", body, ETCD_AUTH_TIMEOUT_MS);
                if (body)
                        explicit_bzero(body, strlen(body));
        } else if (!r->lease_id) {
                k = etcd_request_lease_grant(3 * (int64_t) r->ctl->interval_sec, &body);
                if (k >= 0)
                        k = etcd_send(r, STEP_GRANT, "v3/lease/grant", body, timeout);
        } else if (!r->kept_alive) {
                k = etcd_request_lease_keepalive(r->lease_id, &body);
                if (k >= 0)
                        k = etcd_send(r, STEP_KEEPALIVE, "v3/lease/keepalive", body, timeout);
        } else if (!r->claimed) {
                if (r->conflict && now_usec(CLOCK_MONOTONIC) < r->next_claim_usec)
                        return succeed(r);
                if (!r->ctl->machine_id)
                        return fail(r, "this machine has no machine id (/etc/machine-id): the node's key cannot be claimed");
                if (++r->retries > 3)
                        return fail(r, "the key %s keeps changing hands: will try again", r->node_key);
                k = newest_status(r, &json, &key);
                if (k >= 0)
                        k = etcd_request_claim(r->node_key, json, r->lease_id, &body);
                if (k >= 0) {
                        free_and_strdup(&r->pending_key, key);
                        k = etcd_send(r, STEP_CLAIM, "v3/kv/txn", body, timeout);
                }
        } else {
                k = newest_status(r, &json, &key);
                if (k >= 0 && !due(r, key)) {
                        /* The status is written: the member's turn. */
                        k = member_step(r, json, timeout);
                        if (k == 0)
                                return succeed(r);
                        if (k > 0)
                                return;
                        return fail(r, "cannot write the member key %s: %s", r->member_key, strerror(-k));
                }
                if (k >= 0)
                        k = etcd_request_replace(r->node_key, json, r->lease_id, r->mod_revision, &body);
                if (k >= 0) {
                        free_and_strdup(&r->pending_key, key);
                        k = etcd_send(r, STEP_REPLACE, "v3/kv/txn", body, timeout);
                }
        }
        if (k < 0)
                fail(r, "cannot send a request to etcd: %s", strerror(-k));
}

static void etcd_written(Reporter *r, const char *revision) {
        r->claimed = true;
        free_and_strdup(&r->mod_revision, revision);
        free(r->last_key);
        r->last_key = TAKE_PTR(r->pending_key);
        r->last_write_usec = now_usec(CLOCK_MONOTONIC);
        if (r->conflict) {
                log_info("the hostname %s is this node's in etcd again", r->ctl->hostname);
                r->conflict = mfree(r->conflict);
        }
}

static void on_etcd(void *userdata, const HttpResult *res) {
        Reporter *r = userdata;
        _cleanup_free_ char *err = NULL, *msg = NULL, *id = NULL;
        Step s = r->step;
        int code = 0, k;

        r->req = NULL;
        r->step = STEP_NONE;
        if (res->error) {
                /* The next attempt goes to the next endpoint. */
                _cleanup_free_ char *ep = NULL;

                (void) url_redact(r->endpoints[r->endpoint], &ep);
                if (r->endpoints[r->endpoint + 1])
                        r->endpoint++;
                else
                        r->endpoint = 0;
                return fail(r, "%s: %s", ep ?: "etcd", res->error);
        }
        k = etcd_parse_error(res->body, res->size, &code, &msg);
        if (k > 0) {
                if (code == 16) /* Unauthenticated: the token died (etcd restarted) */
                        r->token = mfree(r->token);
                if (code == 5 && (s == STEP_CLAIM || s == STEP_REPLACE || s == STEP_KEEPALIVE)) {
                        /* requested lease not found */
                        r->lease_id = mfree(r->lease_id);
                        r->claimed = false;
                }
                if (s == STEP_AUTH)
                        return fail(r, "etcd refused the login of user %s: %s", r->username, msg);
                return fail(r, "%s", msg);
        }
        if (res->status < 200 || res->status > 299) {
                if (res->status == 401)
                        r->token = mfree(r->token);
                return fail(r, "etcd answered HTTP %ld", res->status);
        }

        switch (s) {
        case STEP_AUTH:
                k = etcd_parse_authenticate(res->body, res->size, &r->token, &err);
                break;
        case STEP_GRANT: {
                int64_t ttl;
                k = etcd_parse_lease_grant(res->body, res->size, &id, &ttl, &err);
                if (k >= 0) {
                        free(r->lease_id);
                        r->lease_id = TAKE_PTR(id);
                        r->claimed = false;
                        r->kept_alive = true;
                }
                break;
        }
        case STEP_KEEPALIVE:
                k = etcd_parse_lease_keepalive(res->body, res->size, NULL, &err);
                if (k == 0) {
                        /* Gone (expired while etcd was away): a new lease, the key again. */
                        log_info("the etcd lease %s is gone: granting a new one", r->lease_id);
                        r->lease_id = mfree(r->lease_id);
                        r->claimed = false;
                } else if (k > 0)
                        r->kept_alive = true;
                break;
        case STEP_CLAIM:
        case STEP_REPLACE: {
                EtcdTxnResult t = {};

                k = etcd_parse_txn(res->body, res->size, &t, &err);
                if (k < 0)
                        break;
                k = etcd_claim_decide(r->ctl->hostname, r->ctl->machine_id, &t, &msg);
                switch (k) {
                case ETCD_CLAIM_CLAIMED:
                        etcd_written(r, t.revision);
                        break;
                case ETCD_CLAIM_OURS_REPLACE:
                        /* Ours from before (an earlier boot or agent): replace it. */
                        r->claimed = true;
                        free_and_strdup(&r->mod_revision, t.holder_mod_revision);
                        r->last_key = mfree(r->last_key);
                        break;
                case ETCD_CLAIM_RETRY:
                        r->claimed = false;
                        break;
                case ETCD_CLAIM_CONFLICT:
                        r->claimed = false;
                        if (!r->conflict)
                                log_event(LOG_WARNING, MID_REPORT_CONFLICT, "HSOS_CONTROLLER=etcd", "%s", msg);
                        free(r->conflict);
                        r->conflict = TAKE_PTR(msg);
                        r->next_claim_usec = now_usec(CLOCK_MONOTONIC) + REPORT_REWRITE_USEC;
                        break;
                default:
                        break;
                }
                etcd_txn_result_done(&t);
                if (k >= 0)
                        k = 0;
                break;
        }
        case STEP_MEMBER_CLAIM:
        case STEP_MEMBER_REPLACE: {
                EtcdTxnResult t = {};

                k = etcd_parse_txn(res->body, res->size, &t, &err);
                if (k < 0)
                        break;
                k = etcd_claim_decide(r->ctl->hostname, r->ctl->machine_id, &t, &msg);
                switch (k) {
                case ETCD_CLAIM_CLAIMED:
                        r->member_claimed = true;
                        free_and_strdup(&r->member_mod_revision, t.revision);
                        free(r->member_state);
                        r->member_state = TAKE_PTR(r->member_pending_state);
                        r->member_write_usec = now_usec(CLOCK_MONOTONIC);
                        if (r->member_conflict) {
                                log_info("the member key %s is this node's again", r->member_key);
                                r->member_conflict = mfree(r->member_conflict);
                        }
                        break;
                case ETCD_CLAIM_OURS_REPLACE:
                        /* Ours from before: replaced now, whatever it said. */
                        r->member_claimed = true;
                        free_and_strdup(&r->member_mod_revision, t.holder_mod_revision);
                        r->member_state = mfree(r->member_state);
                        break;
                case ETCD_CLAIM_RETRY:
                        /* Gone (forgotten): claimed afresh. */
                        r->member_claimed = false;
                        r->member_state = mfree(r->member_state);
                        break;
                case ETCD_CLAIM_CONFLICT:
                        r->member_claimed = false;
                        r->member_state = mfree(r->member_state);
                        if (!r->member_conflict)
                                log_event(LOG_WARNING, MID_REPORT_CONFLICT, "HSOS_CONTROLLER=etcd",
                                          "member key %s: %s (hsos-agent fleet forget %s, if that machine is gone)",
                                          r->member_key, msg, r->ctl->hostname);
                        free(r->member_conflict);
                        if (asprintf(&r->member_conflict, "member key: %s (hsos-agent fleet forget %s, if that "
                                     "machine is gone)", msg, r->ctl->hostname) < 0)
                                r->member_conflict = NULL;
                        r->next_member_claim_usec = now_usec(CLOCK_MONOTONIC) +
                                                    (uint64_t) r->ctl->member_interval_sec * 1000000;
                        break;
                default:
                        break;
                }
                etcd_txn_result_done(&t);
                if (k >= 0)
                        k = 0;
                break;
        }
        case STEP_NONE:
        case STEP_POST:
                k = -EINVAL;
                break;
        }
        if (k < 0)
                return fail(r, "etcd's answer to %s: %s",
                            s == STEP_AUTH ? "the login" : s == STEP_GRANT ? "the lease grant" :
                            s == STEP_KEEPALIVE ? "the keepalive" :
                            s == STEP_MEMBER_CLAIM || s == STEP_MEMBER_REPLACE ? "the member's write" : "the write",
                            err ? err : strerror(-k));
        r->last_ok_usec = now_usec(CLOCK_REALTIME);
        step(r);
}

/* ---- HTTP POST ---- */

static void on_post(void *userdata, const HttpResult *res) {
        Reporter *r = userdata;
        _cleanup_free_ char *shown = NULL;

        r->req = NULL;
        r->step = STEP_NONE;
        if (res->error)
                return fail(r, "%s", res->error);
        /* Not its user info nor its query: an API key may be there. */
        if (res->status < 200 || res->status > 299)
                return fail(r, "%s answered HTTP %ld", url_redact(r->url, &shown) >= 0 ? shown : "the controller",
                            res->status);
        free(r->last_key);
        r->last_key = TAKE_PTR(r->pending_key);
        r->last_write_usec = now_usec(CLOCK_MONOTONIC);
        r->last_ok_usec = now_usec(CLOCK_REALTIME);
        succeed(r);
}

static void post_step(Reporter *r) {
        _cleanup_free_ char *json = NULL, *key = NULL, *token = NULL, *auth = NULL;
        HttpOptions o = {
                .content_type = "application/json",
                .ca_file = r->ca_file,
                .ca_pem = r->ca_pem,
                .timeout_ms = r->ctl->interval_sec * 1000 < 2000 ? 2000 : r->ctl->interval_sec * 1000,
                .max_bytes = 64 * 1024,
                .use_proxy = true,
        };
        int k;

        /* Every interval: a POST is all an HTTP controller hears of a node, so
         * it is also how it knows the node is alive. */
        k = newest_status(r, &json, &key);
        if (k < 0)
                return fail(r, "cannot build the report: %s", strerror(-k));
        if (r->token_file) {
                _cleanup_free_ char *why = NULL;

                k = controller_file(r->ctl, r->token_file, true, &token, &why);
                if (k < 0)
                        return fail(r, "cannot read the token from %s: %s", r->token_file, why ?: strerror(-k));
                if (asprintf(&auth, "Bearer %s", token) < 0)
                        return fail(r, "out of memory");
                explicit_bzero(token, strlen(token));
                o.authorization = auth;
        }
        o.body = json;
        free_and_strdup(&r->pending_key, key);
        r->step = STEP_POST;
        k = http_request(r->ctl->http, r->url, &o, on_post, r, &r->req);
        if (auth)
                explicit_bzero(auth, strlen(auth));
        if (k < 0) {
                r->req = NULL;
                fail(r, "cannot send the report: %s", strerror(-k));
        }
}

/* ---- the ticks ---- */

static void step(Reporter *r) {
        if (r->req)
                return;
        if (r->ca_error)
                return fail(r, "cannot read the CA file %s: %s", r->ca_file, r->ca_error);
        if (r->etcd)
                etcd_step(r);
        else
                post_step(r);
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata) {
        Reporter *r = userdata;

        (void) s;
        (void) usec;
        if (r->req)
                return 0;
        r->kept_alive = false;
        r->retries = 0;
        r->member_retries = 0;
        step(r);
        return 0;
}

static int reporter_start(Controller *c, Reporter *r) {
        uint64_t first = (uint64_t) c->interval_sec * 1000000;
        int k;

        r->ctl = c;
        r->enabled = true;
        /* The first report of a fleet booting together is spread over an interval. */
        k = sd_event_add_time_relative(c->event, &r->timer, CLOCK_MONOTONIC, arc4random_uniform((uint32_t) first) + 1,
                                       1000, on_tick, r);
        if (k < 0)
                return k;
        (void) sd_event_source_set_description(r->timer, r->etcd ? "report-etcd" : "report-http");
        return 0;
}

static void reporter_done(Reporter *r) {
        http_cancel(r->req);
        sd_event_source_disable_unref(r->timer);
        free(r->last_error);
        free(r->last_key);
        free(r->pending_key);
        free(r->ca_file);
        free(r->ca_pem);
        free(r->ca_error);
        strv_free(r->endpoints);
        free(r->username);
        free(r->password_file);
        if (r->token)
                explicit_bzero(r->token, strlen(r->token));
        free(r->token);
        free(r->lease_id);
        free(r->node_key);
        free(r->mod_revision);
        free(r->conflict);
        free(r->member_key);
        free(r->member_mod_revision);
        free(r->member_state);
        free(r->member_pending_state);
        free(r->member_conflict);
        free(r->url);
        free(r->token_file);
}

Controller *controller_free(Controller *c) {
        if (!c)
                return NULL;
        reporter_done(&c->etcd);
        reporter_done(&c->post);
        for (size_t i = 0; i < c->n_files; i++) {
                if (c->file_contents[i])
                        explicit_bzero(c->file_contents[i], strlen(c->file_contents[i]));
                free(c->file_contents[i]);
                free(c->file_errors[i]);
        }
        strv_free(c->file_paths);
        free(c->file_contents);
        free(c->file_errors);
        free(c->hostname);
        free(c->machine_id);
        sd_event_unref(c->event);
        free(c);
        return NULL;
}

/* {hostname} in the URL is the node's hostname. */
static int expand_url(const char *url, const char *hostname, char **ret) {
        const char *p = strstr(url, "{hostname}");
        char *s;

        if (!p)
                s = strdup(url);
        else if (asprintf(&s, "%.*s%s%s", (int) (p - url), url, hostname, p + strlen("{hostname}")) < 0)
                s = NULL;
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* The CA a reporter trusts: read now (root handed it over, or from disk). */
static int reporter_ca(Reporter *r) {
        _cleanup_free_ char *why = NULL;
        int k;

        if (!r->ca_file)
                return 0;
        k = controller_file(r->ctl, r->ca_file, false, &r->ca_pem, &why);
        if (k == -ENOMEM)
                return k;
        if (k < 0)
                r->ca_error = TAKE_PTR(why);
        return 0;
}

int controller_new(sd_event *event, Http *http, const Config *cfg, const char *machine_id, const ControllerFiles *files,
                   controller_status_t get, controller_changed_t changed, void *userdata, Controller **ret) {
        _cleanup_(controller_freep) Controller *c = NULL;
        const EtcdConfig *e = &cfg->agent.etcd;
        const HttpControllerConfig *h = &cfg->agent.http;
        int k;

        *ret = NULL;
        if (!e->enable && !h->enable)
                return 0;
        c = calloc(1, sizeof(Controller));
        if (!c)
                return -ENOMEM;
        c->event = sd_event_ref(event);
        c->http = http;
        c->get = get;
        c->changed = changed;
        c->userdata = userdata;
        c->interval_sec = cfg->agent.report_interval_sec ?: 10;
        c->member_interval_sec = cfg->agent.etcd.member_interval_sec ?: 600;
        c->hostname = strdup(cfg->hostname);
        c->machine_id = machine_id ? strdup(machine_id) : NULL;
        if (!c->hostname || (machine_id && !c->machine_id))
                return -ENOMEM;
        if (files) {
                c->have_files = true;
                c->n_files = files->n;
                c->file_paths = calloc(files->n + 1, sizeof(char *));
                c->file_contents = calloc(files->n + 1, sizeof(char *));
                c->file_errors = calloc(files->n + 1, sizeof(char *));
                if (!c->file_paths || !c->file_contents || !c->file_errors)
                        return -ENOMEM;
                for (size_t i = 0; i < files->n; i++) {
                        c->file_paths[i] = strdup(files->paths[i]);
                        if (!c->file_paths[i] ||
                            (files->contents[i] && !(c->file_contents[i] = strdup(files->contents[i]))) ||
                            (files->errors[i] && !(c->file_errors[i] = strdup(files->errors[i]))))
                                return -ENOMEM;
                }
        }

        if (e->enable) {
                Reporter *r = &c->etcd;
                r->etcd = true;
                r->name = "etcd";
                r->endpoints = strv_copy(e->endpoints);
                if (!r->endpoints || !r->endpoints[0])
                        return -EINVAL;
                if ((k = etcd_node_key(e->prefix, cfg->hostname, &r->node_key)) < 0 ||
                    (k = etcd_member_key(e->prefix, cfg->hostname, &r->member_key)) < 0)
                        return k;
                if ((e->username && !(r->username = strdup(e->username))) ||
                    (e->password_file && !(r->password_file = strdup(e->password_file))) ||
                    (e->ca_file && !(r->ca_file = strdup(e->ca_file))))
                        return -ENOMEM;
                r->ctl = c;
                if ((k = reporter_ca(r)) < 0 || (k = reporter_start(c, r)) < 0)
                        return k;
        }
        if (h->enable) {
                Reporter *r = &c->post;
                r->name = "the HTTP controller";
                if ((k = expand_url(h->url, cfg->hostname, &r->url)) < 0)
                        return k;
                if ((h->token_file && !(r->token_file = strdup(h->token_file))) ||
                    (h->ca_file && !(r->ca_file = strdup(h->ca_file))))
                        return -ENOMEM;
                r->ctl = c;
                if ((k = reporter_ca(r)) < 0 || (k = reporter_start(c, r)) < 0)
                        return k;
        }
        *ret = TAKE_PTR(c);
        return 0;
}

void controller_poke(Controller *c) {
        if (!c)
                return;

        Reporter *rs[] = { &c->etcd, &c->post };

        for (size_t i = 0; i < ELEMENTSOF(rs); i++) {
                Reporter *r = rs[i];
                /* Not during a backoff, nor while a request is out. */
                if (!r->enabled || r->req || r->failures > 0)
                        continue;
                schedule(r, 200000);
        }
}

void controller_state(const Controller *c, ControllerStatus *ret_etcd, ControllerStatus *ret_http) {
        const Reporter *rs[] = { c ? &c->etcd : NULL, c ? &c->post : NULL };
        ControllerStatus *out[] = { ret_etcd, ret_http };

        for (size_t i = 0; i < ELEMENTSOF(rs); i++) {
                *out[i] = (ControllerStatus) {};
                if (!rs[i] || !rs[i]->enabled)
                        continue;
                out[i]->enabled = true;
                out[i]->last_ok_usec = rs[i]->last_ok_usec;
                out[i]->last_error = rs[i]->last_error;
        }
}
