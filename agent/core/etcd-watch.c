/* SPDX-License-Identifier: MIT */
/* etcd's watch without I/O: the stream's lines, the revisions seen, and the
 * mirror of the watched keys (include/hsos/etcd-watch.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hsos/etcd-watch.h"
#include "hsos/util.h"

/* ---- lines ---- */

int etcd_lines_feed(EtcdLines *l, const char *data, size_t size, size_t max) {
        const char *nl = size > 0 ? memrchr(data, '\n', size) : NULL;

        /* The line not yet ended, after this: the held one grown, or what
         * follows data's last newline. (Whole lines: etcd_lines_next.) */
        if (nl ? size - (size_t) (nl + 1 - data) > max : l->size - l->line_from + size > max)
                return -ENOBUFS;
        l->max = max;
        if (l->start > 0) {
                memmove(l->data, l->data + l->start, l->size - l->start);
                l->size -= l->start;
                l->line_from -= l->start;
                l->start = 0;
        }
        if (l->size + size + 1 > l->allocated) {
                size_t a = l->allocated ? l->allocated : 4096;
                char *d;

                while (a < l->size + size + 1)
                        a *= 2;
                d = realloc(l->data, a);
                if (!d)
                        return -ENOMEM;
                l->data = d;
                l->allocated = a;
        }
        memcpy(l->data + l->size, data, size);
        if (nl)
                l->line_from = l->size + (size_t) (nl + 1 - data);
        l->size += size;
        l->data[l->size] = 0;
        return 0;
}

int etcd_lines_next(EtcdLines *l, const char **ret_line, size_t *ret_size) {
        while (l->start < l->size) {
                char *p = l->data + l->start, *nl = memchr(p, '\n', l->size - l->start);
                size_t n;

                if (!nl)
                        return 0;
                *nl = 0;
                n = (size_t) (nl - p);
                l->start += n + 1;
                if (n > l->max)
                        return -ENOBUFS;
                if (n > 0 && p[n - 1] == '\r')
                        p[--n] = 0;
                if (n == 0)
                        continue;
                *ret_line = p;
                *ret_size = n;
                return 1;
        }
        return 0;
}

void etcd_lines_reset(EtcdLines *l) {
        l->size = l->start = l->line_from = 0;
}

void etcd_lines_done(EtcdLines *l) {
        free(l->data);
        *l = (EtcdLines) {};
}

/* ---- revisions ---- */

void etcd_watch_cursor_loaded(EtcdWatchCursor *c, int64_t revision) {
        *c = (EtcdWatchCursor) { .next = revision > 0 ? revision + 1 : 0 };
}

void etcd_watch_cursor_start_at(EtcdWatchCursor *c, int64_t revision) {
        *c = (EtcdWatchCursor) { .next = revision > 0 ? revision : 0 };
}

void etcd_watch_cursor_stream(EtcdWatchCursor *c) {
        c->created = false;
}

static int restart(char **ret_why, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(ret_why, fmt, ap);
        va_end(ap);
        return r < 0 ? -ENOMEM : ETCD_WATCH_STEP_RESTART;
}

int etcd_watch_cursor_step(EtcdWatchCursor *c, const EtcdWatchResponse *w, size_t *ret_first, char **ret_why) {
        int64_t prev = 0;
        size_t first = SIZE_MAX;

        if (!c || !w)
                return -EINVAL;
        if (w->compact_revision > 0) {
                /* Its history from next on is gone: only a range knows the keys now. */
                c->next = 0;
                return ETCD_WATCH_STEP_RELOAD;
        }
        if (w->canceled) {
                if (asprintf(ret_why, "etcd canceled the watch%s%s", w->cancel_reason ? ": " : "",
                             strempty(w->cancel_reason)) < 0)
                        return -ENOMEM;
                return ETCD_WATCH_STEP_RESTART;
        }
        if (w->created) {
                if (c->created)
                        return restart(ret_why, "etcd said the watch was created twice");
                c->created = true;
                /* The store is behind what was applied already: it is not the
                 * store this mirror came from (restored, or started afresh). */
                if (w->revision > 0 && w->revision + 1 < c->next) {
                        c->next = 0;
                        return ETCD_WATCH_STEP_RELOAD;
                }
        } else if (!c->created)
                return restart(ret_why, "etcd answered before it said the watch was created");

        if (w->n_events == 0) {
                /* A progress notification: nothing changed up to its revision.
                 * One behind what was applied is ignored. */
                if (!w->created && w->revision >= c->next)
                        c->next = w->revision + 1;
                return ETCD_WATCH_STEP_CONTINUE;
        }
        for (size_t i = 0; i < w->n_events; i++) {
                int64_t rev = w->events[i].mod_revision;

                if (rev <= 0 || rev < prev)
                        return restart(ret_why, "etcd sent revision %lld after %lld", (long long) rev, (long long) prev);
                prev = rev;
                if (first == SIZE_MAX && rev >= c->next)
                        first = i;
        }
        if (first == SIZE_MAX)
                return ETCD_WATCH_STEP_CONTINUE;   /* applied already */
        if (prev == INT64_MAX)
                return restart(ret_why, "etcd sent revision %lld", (long long) prev);
        c->next = prev + 1;
        *ret_first = first;
        return ETCD_WATCH_STEP_APPLY;
}

static const char * const step_table[_ETCD_WATCH_STEP_MAX] = {
        [ETCD_WATCH_STEP_CONTINUE] = "continue",
        [ETCD_WATCH_STEP_APPLY] = "apply",
        [ETCD_WATCH_STEP_RELOAD] = "reload",
        [ETCD_WATCH_STEP_RESTART] = "restart",
};

const char *etcd_watch_step_to_string(EtcdWatchStep s) {
        if (s < 0 || s >= _ETCD_WATCH_STEP_MAX)
                return NULL;
        return step_table[s];
}

/* ---- the mirror ---- */

static int key_cmp(const char *a, size_t an, const char *b, size_t bn) {
        int c = memcmp(a, b, an < bn ? an : bn);

        if (c != 0)
                return c;
        return an < bn ? -1 : an > bn;
}

static int kv_cmp(const void *x, const void *y) {
        const EtcdKeyValue *a = x, *b = y;

        return key_cmp(a->key, a->key_size, b->key, b->key_size);
}

/* The index of the first entry not below key. */
static size_t lower_bound(const EtcdMirror *m, const char *key, size_t size) {
        size_t lo = 0, hi = m->n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (key_cmp(m->kvs[mid].key, m->kvs[mid].key_size, key, size) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

static void kv_done(EtcdKeyValue *kv) {
        free(kv->key);
        free(kv->value);
        free(kv->create_revision);
        free(kv->mod_revision);
        free(kv->version);
        free(kv->lease);
        *kv = (EtcdKeyValue) {};
}

void etcd_mirror_done(EtcdMirror *m) {
        etcd_key_values_free(m->kvs, m->n);
        *m = (EtcdMirror) {};
}

int etcd_mirror_load(EtcdMirror *m, EtcdKeyValue *kvs, size_t n) {
        size_t bytes = 0, k = 0;

        etcd_mirror_done(m);
        for (size_t i = 0; i < n; i++)
                bytes += kvs[i].key_size + kvs[i].value_size;
        if (n > ETCD_MIRROR_KEYS_MAX || bytes > ETCD_MIRROR_BYTES_MAX) {
                etcd_key_values_free(kvs, n);
                return -E2BIG;
        }
        if (n > 0)
                qsort(kvs, n, sizeof *kvs, kv_cmp);
        /* A key twice (not from etcd): the later one stays. */
        for (size_t i = 0; i < n; i++) {
                if (k > 0 && kv_cmp(&kvs[k - 1], &kvs[i]) == 0) {
                        bytes -= kvs[k - 1].key_size + kvs[k - 1].value_size;
                        kv_done(&kvs[k - 1]);
                        kvs[k - 1] = kvs[i];
                } else
                        kvs[k++] = kvs[i];
        }
        m->kvs = kvs;
        m->n = k;
        m->bytes = bytes;
        return 0;
}

int etcd_mirror_apply(EtcdMirror *m, EtcdEvent *ev) {
        size_t i = lower_bound(m, ev->kv.key, ev->kv.key_size);
        bool found = i < m->n && key_cmp(m->kvs[i].key, m->kvs[i].key_size, ev->kv.key, ev->kv.key_size) == 0;

        switch (ev->type) {
        case ETCD_EVENT_DELETE:
                if (!found)
                        return 0;
                m->bytes -= m->kvs[i].key_size + m->kvs[i].value_size;
                kv_done(&m->kvs[i]);
                memmove(&m->kvs[i], &m->kvs[i + 1], (m->n - i - 1) * sizeof *m->kvs);
                m->n--;
                return 1;
        case ETCD_EVENT_PUT: {
                size_t old = found ? m->kvs[i].key_size + m->kvs[i].value_size : 0,
                       add = ev->kv.key_size + ev->kv.value_size;

                if (m->bytes - old + add > ETCD_MIRROR_BYTES_MAX || (!found && m->n >= ETCD_MIRROR_KEYS_MAX))
                        return -E2BIG;
                if (found)
                        kv_done(&m->kvs[i]);
                else {
                        EtcdKeyValue *a = realloc(m->kvs, (m->n + 1) * sizeof *a);

                        if (!a)
                                return -ENOMEM;
                        m->kvs = a;
                        memmove(&a[i + 1], &a[i], (m->n - i) * sizeof *a);
                        m->n++;
                }
                m->kvs[i] = ev->kv;
                ev->kv = (EtcdKeyValue) {};
                m->bytes = m->bytes - old + add;
                return 1;
        }
        case _ETCD_EVENT_TYPE_MAX:
        case _ETCD_EVENT_TYPE_INVALID:
                break;
        }
        return -EINVAL;
}

size_t etcd_mirror_prefix(const EtcdMirror *m, const char *prefix, size_t *ret_first) {
        size_t len = strlen(prefix), first = lower_bound(m, prefix, len), i = first;

        while (i < m->n && m->kvs[i].key_size >= len && memcmp(m->kvs[i].key, prefix, len) == 0)
                i++;
        *ret_first = first;
        return i - first;
}
