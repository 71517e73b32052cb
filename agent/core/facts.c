/* SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "hsos/config.h"
#include "hsos/facts.h"
#include "hsos/json-doc.h"
#include "hsos/util.h"

#define FACTS_SIZE_MAX (16 * 1024 * 1024)

static const char * const file_state_table[_FILE_STATE_MAX] = {
        [FILE_ABSENT] = "absent",
        [FILE_PRESENT] = "present",
        [FILE_INVALID] = "invalid",
        [FILE_UNSAFE] = "unsafe",
};

const char *file_state_to_string(FileState s) {
        if (s < 0 || s >= _FILE_STATE_MAX)
                return NULL;
        return file_state_table[s];
}

FileState file_state_from_string(const char *s) {
        for (FileState i = 0; i < _FILE_STATE_MAX; i++)
                if (streq(file_state_table[i], s))
                        return i;
        return _FILE_STATE_INVALID;
}

Facts *facts_new(void) {
        Facts *f = calloc(1, sizeof(Facts));

        if (!f)
                return NULL;
        f->login_keys = -1;
        f->system = (FactSystem) {
                .uptime_sec = UINT64_MAX,
                .mem_total = UINT64_MAX,
                .mem_available = UINT64_MAX,
                .root_used = UINT64_MAX,
                .load1 = -1,
                .clock_synchronized = -1,
        };
        return f;
}

Facts *facts_free(Facts *f) {
        if (!f)
                return NULL;
        for (size_t i = 0; i < f->n_devices; i++) {
                FactDevice *d = &f->devices[i];
                free(d->devname);
                strv_free(d->aliases);
                free(d->type);
                free(d->label);
                free(d->uuid);
                free(d->partuuid);
                free(d->partlabel);
                free(d->error);
        }
        free(f->devices);
        for (size_t i = 0; i < f->n_mounts; i++) {
                free(f->mounts[i].target);
                free(f->mounts[i].source);
                free(f->mounts[i].fstype);
                free(f->mounts[i].options);
        }
        free(f->mounts);
        for (size_t i = 0; i < f->n_addresses; i++) {
                free(f->addresses[i].ifname);
                free(f->addresses[i].address);
        }
        free(f->addresses);
        for (size_t i = 0; i < f->n_files; i++) {
                free(f->files[i].path);
                free(f->files[i].create_error);
        }
        free(f->files);
        for (size_t i = 0; i < f->n_executables; i++) {
                free(f->executables[i].name);
                free(f->executables[i].path);
        }
        free(f->executables);
        for (size_t i = 0; i < f->n_units; i++) {
                free(f->units[i].name);
                free(f->units[i].active_state);
                free(f->units[i].sub_state);
                free(f->units[i].result);
        }
        free(f->units);
        for (size_t i = 0; i < f->n_spaces; i++)
                free(f->spaces[i].target);
        free(f->spaces);
        for (size_t i = 0; i < f->n_links; i++) {
                free(f->links[i].ifname);
                free(f->links[i].operstate);
        }
        free(f->links);
        free(f->system.boot_id);
        free(f->system.machine_id);
        free(f->system.kernel);
        free(f);
        return NULL;
}

static int dup_or_null(const char *s, char **ret) {
        *ret = NULL;
        if (!s)
                return 0;
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

int facts_add_device(Facts *f, const char *devname, const char *type, const char *label, const char *uuid,
                     const char *partuuid, const char *partlabel) {
        FactDevice *a = array_grow(f->devices, &f->n_devices, sizeof(FactDevice)), *d;

        if (!a)
                return -ENOMEM;
        f->devices = a;
        d = &a[f->n_devices - 1];
        if (dup_or_null(devname, &d->devname) < 0 || dup_or_null(type, &d->type) < 0 ||
            dup_or_null(label, &d->label) < 0 || dup_or_null(uuid, &d->uuid) < 0 ||
            dup_or_null(partuuid, &d->partuuid) < 0 || dup_or_null(partlabel, &d->partlabel) < 0)
                return -ENOMEM;
        return 0;
}

int facts_add_device_alias(Facts *f, const char *devname, const char *alias) {
        for (size_t i = 0; i < f->n_devices; i++)
                if (streq(f->devices[i].devname, devname))
                        return strv_extend(&f->devices[i].aliases, alias);
        return -ENOENT;
}

int facts_add_mount(Facts *f, const char *target, const char *source, const char *fstype, const char *options) {
        FactMount *a = array_grow(f->mounts, &f->n_mounts, sizeof(FactMount)), *m;

        if (!a)
                return -ENOMEM;
        f->mounts = a;
        m = &a[f->n_mounts - 1];
        if (dup_or_null(target, &m->target) < 0 || dup_or_null(source, &m->source) < 0 ||
            dup_or_null(fstype, &m->fstype) < 0 || dup_or_null(options, &m->options) < 0)
                return -ENOMEM;
        return 0;
}

int facts_add_address(Facts *f, const char *ifname, const char *address) {
        FactAddress *a = array_grow(f->addresses, &f->n_addresses, sizeof(FactAddress)), *x;

        if (!a)
                return -ENOMEM;
        f->addresses = a;
        x = &a[f->n_addresses - 1];
        if (dup_or_null(ifname, &x->ifname) < 0 || dup_or_null(address, &x->address) < 0)
                return -ENOMEM;
        return 0;
}

int facts_add_file(Facts *f, const char *path, FileState state) {
        return facts_add_file_id(f, path, state, 0);
}

int facts_add_file_id(Facts *f, const char *path, FileState state, unsigned secret_id) {
        FactFile *a = array_grow(f->files, &f->n_files, sizeof(FactFile));

        if (!a)
                return -ENOMEM;
        f->files = a;
        a[f->n_files - 1] = (FactFile) { .state = state, .secret_id = secret_id };
        return dup_or_null(path, &a[f->n_files - 1].path);
}

int facts_set_create_error(Facts *f, const char *path, const char *error) {
        FactFile *x = NULL;
        char *e;
        int r;

        for (size_t i = 0; i < f->n_files && !x; i++)
                if (streq_ptr(f->files[i].path, path))
                        x = &f->files[i];
        if (!x) {
                r = facts_add_file(f, path, FILE_ABSENT);
                if (r < 0)
                        return r;
                x = &f->files[f->n_files - 1];
        }
        e = strdup(error);
        if (!e)
                return -ENOMEM;
        free(x->create_error);
        x->create_error = e;
        x->state = FILE_ABSENT;
        x->secret_id = 0;
        return 0;
}

int facts_add_executable(Facts *f, const char *name, const char *path) {
        FactExecutable *a = array_grow(f->executables, &f->n_executables, sizeof(FactExecutable)), *e;

        if (!a)
                return -ENOMEM;
        f->executables = a;
        e = &a[f->n_executables - 1];
        if (dup_or_null(name, &e->name) < 0 || dup_or_null(path, &e->path) < 0)
                return -ENOMEM;
        return 0;
}

int facts_add_unit(Facts *f, const char *name, const char *active_state, const char *sub_state, const char *result,
                   unsigned restarts, unsigned restarts_recent, int exit_status) {
        FactUnit *a = array_grow(f->units, &f->n_units, sizeof(FactUnit)), *u;

        if (!a)
                return -ENOMEM;
        f->units = a;
        u = &a[f->n_units - 1];
        u->restarts = restarts;
        u->restarts_recent = restarts_recent;
        u->exit_status = exit_status;
        if (dup_or_null(name, &u->name) < 0 || dup_or_null(active_state, &u->active_state) < 0 ||
            dup_or_null(sub_state, &u->sub_state) < 0 || dup_or_null(result, &u->result) < 0)
                return -ENOMEM;
        return 0;
}

void facts_clear_units(Facts *f) {
        for (size_t i = 0; i < f->n_units; i++) {
                free(f->units[i].name);
                free(f->units[i].active_state);
                free(f->units[i].sub_state);
                free(f->units[i].result);
        }
        f->units = mfree(f->units);
        f->n_units = 0;
}

void facts_clear_spaces(Facts *f) {
        for (size_t i = 0; i < f->n_spaces; i++)
                free(f->spaces[i].target);
        f->spaces = mfree(f->spaces);
        f->n_spaces = 0;
}

int facts_add_space(Facts *f, const char *target, uint64_t size, uint64_t used, uint64_t avail) {
        FactSpace *a = array_grow(f->spaces, &f->n_spaces, sizeof(FactSpace));

        if (!a)
                return -ENOMEM;
        f->spaces = a;
        a[f->n_spaces - 1] = (FactSpace) { .size = size, .used = used, .avail = avail };
        return dup_or_null(target, &a[f->n_spaces - 1].target);
}

int facts_add_link(Facts *f, const char *ifname, const char *operstate, bool carrier) {
        FactLink *a = array_grow(f->links, &f->n_links, sizeof(FactLink)), *l;

        if (!a)
                return -ENOMEM;
        f->links = a;
        l = &a[f->n_links - 1];
        l->carrier = carrier;
        if (dup_or_null(ifname, &l->ifname) < 0 || dup_or_null(operstate, &l->operstate) < 0)
                return -ENOMEM;
        return 0;
}

const FactUnit *facts_find_unit(const Facts *f, const char *name) {
        for (size_t i = 0; i < f->n_units; i++)
                if (streq_ptr(f->units[i].name, name))
                        return &f->units[i];
        return NULL;
}

const FactSpace *facts_find_space(const Facts *f, const char *target) {
        for (size_t i = 0; i < f->n_spaces; i++)
                if (streq_ptr(f->spaces[i].target, target))
                        return &f->spaces[i];
        return NULL;
}

const FactDevice *facts_find_device(const Facts *f, const char *name) {
        for (size_t i = 0; i < f->n_devices; i++)
                if (streq_ptr(f->devices[i].devname, name) || strv_contains(f->devices[i].aliases, name))
                        return &f->devices[i];
        return NULL;
}

const FactMount *facts_mount_holding(const Facts *f, const char *path) {
        const FactMount *holder = NULL;

        /* The mount table lists mounts in the order they were made: the last
         * one whose target holds the path is what the path resolves through
         * (a later mount at /mnt hides an earlier one at /mnt/data). */
        for (size_t i = 0; i < f->n_mounts; i++)
                if (f->mounts[i].target && path_startswith_dir(path, f->mounts[i].target))
                        holder = &f->mounts[i];
        return holder;
}

const FactMount *facts_mount_at(const Facts *f, const char *target) {
        const FactMount *top = NULL;

        for (size_t i = 0; i < f->n_mounts; i++)
                if (streq_ptr(f->mounts[i].target, target))
                        top = &f->mounts[i];
        return top;
}

/* Addresses are compared as addresses: fd00::2 and FD00:0::2 are one. */
static bool same_address(const char *a, const char *b) {
        unsigned char x[16], y[16];

        if (!a || !b)
                return false;
        if (inet_pton(AF_INET6, a, x) == 1 && inet_pton(AF_INET6, b, y) == 1)
                return memcmp(x, y, 16) == 0;
        if (inet_pton(AF_INET, a, x) == 1 && inet_pton(AF_INET, b, y) == 1)
                return memcmp(x, y, 4) == 0;
        return streq(a, b);
}

bool facts_has_address(const Facts *f, const char *address) {
        for (size_t i = 0; i < f->n_addresses; i++)
                if (same_address(f->addresses[i].address, address))
                        return true;
        return false;
}

unsigned facts_file_secret_id(const Facts *f, const char *path) {
        for (size_t i = 0; i < f->n_files; i++)
                if (streq_ptr(f->files[i].path, path))
                        return f->files[i].secret_id;
        return 0;
}

const char *facts_file_create_error(const Facts *f, const char *path) {
        for (size_t i = 0; i < f->n_files; i++)
                if (streq_ptr(f->files[i].path, path))
                        return f->files[i].state == FILE_ABSENT ? f->files[i].create_error : NULL;
        return NULL;
}

FileState facts_file_state(const Facts *f, const char *path) {
        for (size_t i = 0; i < f->n_files; i++)
                if (streq_ptr(f->files[i].path, path))
                        return f->files[i].state;
        return FILE_ABSENT;
}

const char *facts_executable(const Facts *f, const char *name) {
        for (size_t i = 0; i < f->n_executables; i++)
                if (streq_ptr(f->executables[i].name, name))
                        return f->executables[i].path;
        return NULL;
}

/* udev's /dev/disk/by-* names, for the tags they stand for. */
static const struct {
        const char *dir;
        const char *tag;
} by_dirs[] = {
        { "/dev/disk/by-label/", "LABEL" },
        { "/dev/disk/by-uuid/", "UUID" },
        { "/dev/disk/by-partuuid/", "PARTUUID" },
        { "/dev/disk/by-partlabel/", "PARTLABEL" },
};

/* udev escapes '/', ' ' and other unsafe bytes as \xNN in link names. */
static char *udev_unescape(const char *s) {
        StrBuf b = {};
        char *out;

        for (const char *p = s; *p; p++) {
                unsigned v;
                if (p[0] == '\\' && p[1] == 'x' && sscanf(p + 2, "%2x", &v) == 1 && v != 0) {
                        sb_appendc(&b, (char) v);
                        p += 3;
                } else
                        sb_appendc(&b, *p);
        }
        return sb_steal(&b, &out) < 0 ? NULL : out;
}

static const char *device_tag(const FactDevice *d, const char *tag) {
        if (streq(tag, "LABEL"))
                return d->label;
        if (streq(tag, "UUID"))
                return d->uuid;
        if (streq(tag, "PARTUUID"))
                return d->partuuid;
        return d->partlabel;
}

static bool tag_equal(const char *tag, const char *a, const char *b) {
        if (!a || !b)
                return false;
        /* UUIDs are written in either case. */
        if (streq(tag, "UUID") || streq(tag, "PARTUUID"))
                return strcasecmp(a, b) == 0;
        return streq(a, b);
}

/* Finds the device `what` names. Returns 0 with *ret set (or NULL when there is
 * none), or -ENOTUNIQ with a reason when several devices match. */
int facts_resolve_device(const Facts *f, const char *what, const FactDevice **ret, char **ret_reason) {
        _cleanup_free_ char *tag = NULL, *value = NULL;
        const FactDevice *found = NULL;
        StrBuf names = {};
        size_t n = 0;

        *ret = NULL;
        for (size_t i = 0; i < ELEMENTSOF(by_dirs); i++) {
                const char *v = startswith(what, by_dirs[i].dir);
                if (v && !strchr(v, '/')) {
                        tag = strdup(by_dirs[i].tag);
                        value = udev_unescape(v);
                        if (!tag || !value)
                                return -ENOMEM;
                }
        }
        if (!tag) {
                const char *eq = strchr(what, '=');
                if (what[0] != '/' && eq) {
                        tag = strndup(what, (size_t) (eq - what));
                        value = strdup(eq + 1);
                        if (!tag || !value)
                                return -ENOMEM;
                }
        }

        /* A udev link that exists, or a plain device path, is found by name first. */
        found = facts_find_device(f, what);
        if (found || !tag) {
                *ret = found;
                return 0;
        }

        for (size_t i = 0; i < f->n_devices; i++) {
                const FactDevice *d = &f->devices[i];
                if (!tag_equal(tag, device_tag(d, tag), value))
                        continue;
                sb_appendf(&names, "%s%s", n ? ", " : "", d->devname);
                found = d;
                n++;
        }
        if (n > 1) {
                _cleanup_free_ char *list = NULL;
                if (sb_steal(&names, &list) < 0)
                        return -ENOMEM;
                if (asprintf(ret_reason, "%s=%s matches %zu devices (%s); refusing to guess", tag, value, n, list) < 0)
                        return -ENOMEM;
                return -ENOTUNIQ;
        }
        sb_done(&names);
        *ret = found;
        return 0;
}

/* ---- what the plan asks about ---- */

static int add_unique(char ***l, const char *s) {
        if (!s || strv_contains(*l, s))
                return 0;
        return strv_extend(l, s);
}

int facts_wanted_files(const Config *c, char ***ret_paths, char ***ret_jwt_paths) {
        _cleanup_strv_free_ char **paths = NULL, **jwt = NULL;
        const ClientConfig *ssv = &c->clients[CLIENT_SSV_NODE];

        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                Role role = client_info(cl)->role;
                if ((role == ROLE_EXECUTION || role == ROLE_CONSENSUS) && c->clients[cl].enable &&
                    add_unique(&jwt, c->clients[cl].jwt_secret_file) < 0)
                        return -ENOMEM;
        }
        bool ssv_enabled = false;
        if (config_ssv_enabled(c, &ssv_enabled, NULL) < 0)
                return -ENOMEM;
        if (add_unique(&paths, c->ssh_private_key_file) < 0 ||
            (c->wireguard_enable && add_unique(&paths, c->wireguard_config_file) < 0) ||
            (ssv_enabled && add_unique(&paths, ssv->private_key_file) < 0) ||
            (ssv_enabled && add_unique(&paths, ssv->private_key_password_file) < 0))
                return -ENOMEM;
        *ret_paths = TAKE_PTR(paths);
        *ret_jwt_paths = TAKE_PTR(jwt);
        return 0;
}

int facts_wanted_executables(const Config *c, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;

        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                const char *name = c->agent.packages[cl] ?: client_info(cl)->executable;
                if (add_unique(&l, name) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

/* ---- JSON ---- */

/* Read with the kit's JsonReader (hsos/json-doc.h): the first failure is
 * kept, "PATH: what is wrong". */
static void reader_fail(JsonReader *rd, const char *path, const char *msg) {
        json_reader_fail(rd, "%s: %s", path, msg);
}

/* Returns the string at key (NULL for absent or null); a non-string fails. */
static const char *get_str(JsonReader *rd, const cJSON *o, const char *path, const char *key, bool required) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
        char p[256];

        snprintf(p, sizeof p, "%s.%s", path, key);
        if (json_is_absent(v)) {
                if (required)
                        reader_fail(rd, p, "is required");
                return NULL;
        }
        if (!cJSON_IsString(v)) {
                reader_fail(rd, p, "must be a string");
                return NULL;
        }
        return v->valuestring;
}

static const cJSON *get_list(JsonReader *rd, const cJSON *root, const char *key) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);

        if (json_is_absent(v))
                return NULL;
        if (!cJSON_IsArray(v)) {
                reader_fail(rd, key, "must be a list");
                return NULL;
        }
        return v;
}

static bool item_is_object(JsonReader *rd, const cJSON *i, const char *path) {
        if (cJSON_IsObject(i))
                return true;
        reader_fail(rd, path, "must be an object");
        return false;
}

static void read_devices(JsonReader *rd, const cJSON *root, Facts *f) {
        const cJSON *l = get_list(rd, root, "devices"), *i;
        size_t k = 0;

        f->have_devices = !!l;
        cJSON_ArrayForEach(i, l) {
                char p[64];
                snprintf(p, sizeof p, "devices[%zu]", k++);
                if (!item_is_object(rd, i, p))
                        return;
                const char *devname = get_str(rd, i, p, "devname", true);
                if (rd->r < 0)
                        return;
                if (facts_add_device(f, devname, get_str(rd, i, p, "type", false), get_str(rd, i, p, "label", false),
                                     get_str(rd, i, p, "uuid", false), get_str(rd, i, p, "partuuid", false),
                                     get_str(rd, i, p, "partlabel", false)) < 0) {
                        json_reader_oom(rd);
                        return;
                }
                const char *err = get_str(rd, i, p, "error", false);
                if (err && dup_or_null(err, &f->devices[f->n_devices - 1].error) < 0) {
                        json_reader_oom(rd);
                        return;
                }
                const cJSON *al = cJSON_GetObjectItemCaseSensitive(i, "aliases"), *a;
                if (!json_is_absent(al) && !cJSON_IsArray(al)) {
                        reader_fail(rd, p, "aliases must be a list of strings");
                        return;
                }
                cJSON_ArrayForEach(a, al) {
                        if (!cJSON_IsString(a)) {
                                reader_fail(rd, p, "aliases must be a list of strings");
                                return;
                        }
                        if (strv_extend(&f->devices[f->n_devices - 1].aliases, a->valuestring) < 0) {
                                json_reader_oom(rd);
                                return;
                        }
                }
        }
}

static void read_mounts(JsonReader *rd, const cJSON *root, Facts *f) {
        const cJSON *l = get_list(rd, root, "mounts"), *i;
        size_t k = 0;

        cJSON_ArrayForEach(i, l) {
                char p[64];
                snprintf(p, sizeof p, "mounts[%zu]", k++);
                if (!item_is_object(rd, i, p))
                        return;
                const char *target = get_str(rd, i, p, "target", true), *source = get_str(rd, i, p, "source", false),
                           *fstype = get_str(rd, i, p, "fstype", true), *options = get_str(rd, i, p, "options", false);
                if (rd->r < 0)
                        return;
                if (target[0] != '/') {
                        reader_fail(rd, p, "target must be an absolute path");
                        return;
                }
                if (facts_add_mount(f, target, source, fstype, options) < 0) {
                        json_reader_oom(rd);
                        return;
                }
        }
}

static void read_addresses(JsonReader *rd, const cJSON *root, Facts *f) {
        const cJSON *l = get_list(rd, root, "addresses"), *i;
        size_t k = 0;

        cJSON_ArrayForEach(i, l) {
                char p[64];
                snprintf(p, sizeof p, "addresses[%zu]", k++);
                if (!item_is_object(rd, i, p))
                        return;
                const char *ifname = get_str(rd, i, p, "interface", true), *addr = get_str(rd, i, p, "address", true);
                if (rd->r < 0)
                        return;
                const cJSON *pl = cJSON_GetObjectItemCaseSensitive(i, "prefixLength");
                long long v = 0;
                if (!json_is_absent(pl) && !json_whole_number(pl, 0, 128, &v)) {
                        reader_fail(rd, p, "prefixLength must be a whole number from 0 to 128");
                        return;
                }
                if (facts_add_address(f, ifname, addr) < 0) {
                        json_reader_oom(rd);
                        return;
                }
                if (!json_is_absent(pl))
                        f->addresses[f->n_addresses - 1].prefixlen = (unsigned) v;
        }
}

static void read_files(JsonReader *rd, const cJSON *root, Facts *f) {
        const cJSON *l = get_list(rd, root, "files"), *i;
        size_t k = 0;

        cJSON_ArrayForEach(i, l) {
                char p[64];
                FileState s;

                snprintf(p, sizeof p, "files[%zu]", k++);
                if (!item_is_object(rd, i, p))
                        return;
                const char *path = get_str(rd, i, p, "path", true), *state = get_str(rd, i, p, "state", true),
                           *create_error = get_str(rd, i, p, "createError", false);
                if (rd->r < 0)
                        return;
                s = file_state_from_string(state);
                if (s < 0) {
                        reader_fail(rd, p, "state must be \"present\", \"invalid\", \"unsafe\" or \"absent\"");
                        return;
                }
                if (create_error && s != FILE_ABSENT) {
                        reader_fail(rd, p, "createError belongs to an absent file (one the agent could not create)");
                        return;
                }
                const cJSON *id = cJSON_GetObjectItemCaseSensitive(i, "secretId");
                long long v = 0;
                if (id && !json_whole_number(id, 0, 65535, &v)) {
                        reader_fail(rd, p, "secretId must be an integer from 0 to 65535 (files with the same nonzero "
                                           "secretId hold the same secret)");
                        return;
                }
                if (facts_add_file_id(f, path, s, (unsigned) v) < 0 ||
                    (create_error && facts_set_create_error(f, path, create_error) < 0)) {
                        json_reader_oom(rd);
                        return;
                }
        }
}

static void read_executables(JsonReader *rd, const cJSON *root, Facts *f) {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, "executables"), *i;

        if (json_is_absent(o))
                return;
        if (!cJSON_IsObject(o)) {
                reader_fail(rd, "executables", "must be an object: name -> path or null");
                return;
        }
        cJSON_ArrayForEach(i, o) {
                if (!cJSON_IsNull(i) && !cJSON_IsString(i)) {
                        reader_fail(rd, "executables", "each value must be a path or null");
                        return;
                }
                if (facts_add_executable(f, i->string, cJSON_IsString(i) ? i->valuestring : NULL) < 0) {
                        json_reader_oom(rd);
                        return;
                }
        }
}

static void read_wireguard(JsonReader *rd, const cJSON *root, Facts *f) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "wireguardListenPort");
        long long d;

        if (json_is_absent(v))
                return;
        if (!json_whole_number(v, 1, 65535, &d)) {
                reader_fail(rd, "wireguardListenPort", "must be a port, a whole number from 1 to 65535");
                return;
        }
        f->wireguard_listen_port = (unsigned) d;
}

static void read_login_keys(JsonReader *rd, const cJSON *root, Facts *f) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, "loginKeys");
        long long d;

        if (json_is_absent(v))
                return;
        if (!json_whole_number(v, 0, INT_MAX, &d)) {
                reader_fail(rd, "loginKeys", "must be a whole number, 0 or more");
                return;
        }
        f->login_keys = (int) d;
}

/* wg-quick's format (wg(8), wg-quick(8)): sections in brackets, "Key = value"
 * lines, '#' comments; keys are matched whatever their case, as wg does. */
int wireguard_listen_port(const char *data, size_t size, unsigned *ret) {
        bool interface = false;
        const char *p = data, *end = data + size;
        int r = -ENOENT;

        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t) (end - p)), *le = nl ?: end, *hash;
                const char *k = p, *ke, *v, *ve;

                hash = memchr(p, '#', (size_t) (le - p));
                if (hash)
                        le = hash;
                p = nl ? nl + 1 : end;
                while (k < le && strchr(" \t\r", *k))
                        k++;
                ve = le;
                while (ve > k && strchr(" \t\r", ve[-1]))
                        ve--;
                if (k == ve)
                        continue;
                if (*k == '[') {
                        interface = (size_t) (ve - k) == strlen("[Interface]") &&
                                    strncasecmp(k, "[Interface]", ve - k) == 0;
                        continue;
                }
                if (!interface)
                        continue;
                v = memchr(k, '=', (size_t) (ve - k));
                if (!v)
                        continue;
                ke = v;
                while (ke > k && strchr(" \t", ke[-1]))
                        ke--;
                if ((size_t) (ke - k) != strlen("ListenPort") || strncasecmp(k, "ListenPort", ke - k) != 0)
                        continue;
                v++;
                while (v < ve && strchr(" \t", *v))
                        v++;
                unsigned n = 0;
                size_t len = (size_t) (ve - v);
                if (len == 0 || len > 5)
                        return -EINVAL;
                for (const char *q = v; q < ve; q++) {
                        if (*q < '0' || *q > '9')
                                return -EINVAL;
                        n = n * 10 + (unsigned) (*q - '0');
                }
                if (n < 1 || n > 65535)
                        return -EINVAL;
                *ret = n;
                r = 0;
        }
        return r;
}

int facts_from_json(const char *data, size_t size, Facts **ret, char **ret_error) {
        static const char * const known[] = {
                "devices", "mounts", "addresses", "files", "executables", "wireguardListenPort", "loginKeys", NULL,
        };
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        _cleanup_(facts_freep) Facts *f = NULL;
        JsonReader rd = {};
        const cJSON *i;
        int r;

        r = json_document_parse(data, size, FACTS_SIZE_MAX, 16, &root, ret_error);
        if (r < 0)
                return r;
        if (!cJSON_IsObject(root)) {
                *ret_error = strdup("the facts must be a JSON object");
                return *ret_error ? -EINVAL : -ENOMEM;
        }
        cJSON_ArrayForEach(i, root) {
                bool ok = false;
                for (size_t k = 0; known[k]; k++)
                        ok = ok || streq(known[k], i->string);
                if (!ok) {
                        if (asprintf(ret_error, "%s: unknown key (known: devices, mounts, addresses, files, executables, wireguardListenPort, loginKeys)",
                                     i->string) < 0)
                                return -ENOMEM;
                        return -EINVAL;
                }
        }

        f = facts_new();
        if (!f)
                return -ENOMEM;
        read_devices(&rd, root, f);
        read_mounts(&rd, root, f);
        read_addresses(&rd, root, f);
        read_files(&rd, root, f);
        read_executables(&rd, root, f);
        read_wireguard(&rd, root, f);
        read_login_keys(&rd, root, f);
        r = json_reader_finish(&rd, -EINVAL, ret_error);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(f);
        return 0;
}

static void json_field(StrBuf *b, const char *key, const char *value, bool comma) {
        sb_appendf(b, "\"%s\": ", key);
        if (value)
                sb_append_json_string(b, value);
        else
                sb_append(b, "null");
        if (comma)
                sb_append(b, ", ");
}

int facts_to_json(const Facts *f, char **ret) {
        StrBuf b = {};

        sb_append(&b, "{\n");
        if (f->have_devices) {
                sb_append(&b, "  \"devices\": [");
                for (size_t i = 0; i < f->n_devices; i++) {
                        const FactDevice *d = &f->devices[i];
                        sb_append(&b, i ? ",\n    { " : "\n    { ");
                        json_field(&b, "devname", d->devname, true);
                        sb_append(&b, "\"aliases\": [");
                        STRV_FOREACH(a, d->aliases) {
                                if (a != d->aliases)
                                        sb_append(&b, ", ");
                                sb_append_json_string(&b, *a);
                        }
                        sb_append(&b, "], ");
                        json_field(&b, "type", d->type, true);
                        json_field(&b, "label", d->label, true);
                        json_field(&b, "uuid", d->uuid, true);
                        json_field(&b, "partuuid", d->partuuid, true);
                        json_field(&b, "partlabel", d->partlabel, true);
                        json_field(&b, "error", d->error, false);
                        sb_append(&b, " }");
                }
                sb_append(&b, f->n_devices ? "\n  ],\n" : "],\n");
        }
        sb_append(&b, "  \"mounts\": [");
        for (size_t i = 0; i < f->n_mounts; i++) {
                const FactMount *m = &f->mounts[i];
                sb_append(&b, i ? ",\n    { " : "\n    { ");
                json_field(&b, "target", m->target, true);
                json_field(&b, "source", m->source, true);
                json_field(&b, "fstype", m->fstype, true);
                json_field(&b, "options", m->options, false);
                sb_append(&b, " }");
        }
        sb_append(&b, f->n_mounts ? "\n  ],\n" : "],\n");
        sb_append(&b, "  \"addresses\": [");
        for (size_t i = 0; i < f->n_addresses; i++) {
                sb_append(&b, i ? ",\n    { " : "\n    { ");
                json_field(&b, "interface", f->addresses[i].ifname, true);
                json_field(&b, "address", f->addresses[i].address, false);
                if (f->addresses[i].prefixlen > 0)
                        sb_appendf(&b, ", \"prefixLength\": %u", f->addresses[i].prefixlen);
                sb_append(&b, " }");
        }
        sb_append(&b, f->n_addresses ? "\n  ],\n" : "],\n");
        sb_append(&b, "  \"files\": [");
        for (size_t i = 0; i < f->n_files; i++) {
                sb_append(&b, i ? ",\n    { " : "\n    { ");
                json_field(&b, "path", f->files[i].path, true);
                json_field(&b, "state", file_state_to_string(f->files[i].state), false);
                if (f->files[i].secret_id)
                        sb_appendf(&b, ", \"secretId\": %u", f->files[i].secret_id);
                if (f->files[i].create_error) {
                        sb_append(&b, ", ");
                        json_field(&b, "createError", f->files[i].create_error, false);
                }
                sb_append(&b, " }");
        }
        sb_append(&b, f->n_files ? "\n  ],\n" : "],\n");
        sb_append(&b, "  \"executables\": {");
        for (size_t i = 0; i < f->n_executables; i++) {
                sb_append(&b, i ? ",\n    " : "\n    ");
                sb_append_json_string(&b, f->executables[i].name);
                sb_append(&b, ": ");
                if (f->executables[i].path)
                        sb_append_json_string(&b, f->executables[i].path);
                else
                        sb_append(&b, "null");
        }
        sb_append(&b, f->n_executables ? "\n  }" : "}");
        if (f->wireguard_listen_port)
                sb_appendf(&b, ",\n  \"wireguardListenPort\": %u", f->wireguard_listen_port);
        if (f->login_keys >= 0)
                sb_appendf(&b, ",\n  \"loginKeys\": %d", f->login_keys);
        sb_append(&b, "\n}\n");
        return sb_steal(&b, ret);
}
