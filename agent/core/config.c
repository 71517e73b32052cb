/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "hsos/cmdline.h"
#include "hsos/config.h"
#include "hsos/json-doc.h"
#include "hsos/sshkey.h"
#include "hsos/util.h"
#include "config-internal.h"

/* HomestakerOS's own mev-boost relays (nixosModules/homestakeros, main at
 * f762dec of 2026-03-30; the list it has had since c2f24e6, 2026-02-17). */
const char * const mainnet_default_relays[] = {
        "https://0xa1559ace749633b997cb3fdacffb890aeebdb0f5a3b6aaa7eeeaf1a38af0a8fe88b9e4b1f61f236d2e64d95733327a62@relay.ultrasound.money",
        "https://0xa15b52576bcbf1072f4a011c0f99f9fb6c66f3e1ff321f11f461d15e31b1cb359caa092c71bbded0bae5b5ea401aab7e@aestus.live",
        "https://0xa7ab7a996c8584251c8f925da3170bdfd6ebc75d50f5ddc4050a6fdc77f2a3b5fce2cc750d0865e05d7228af97d69561@agnostic-relay.net",
        NULL,
};

/* ---- errors and paths ---- */

void parser_error(Parser *p, const char *path, const char *fmt, ...) {
        va_list ap;
        char *msg;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (r < 0) {
                p->r = -ENOMEM;
                return;
        }
        if (strv_extendf(&p->errors, "%s: %s", isempty(path) ? "file" : path, msg) < 0)
                p->r = -ENOMEM;
        free(msg);
}

static bool key_is_plain(const char *key) {
        if (!*key)
                return false;
        for (const char *c = key; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                      *c == '_' || *c == '-'))
                        return false;
        return true;
}

char *parser_child(Parser *p, const char *path, const char *key) {
        StrBuf b = {};
        char *s;

        sb_append(&b, strempty(path));
        if (key_is_plain(key)) {
                if (!isempty(path))
                        sb_appendc(&b, '.');
                sb_append(&b, key);
        } else {
                sb_appendc(&b, '[');
                sb_append_json_string(&b, key);
                sb_appendc(&b, ']');
        }
        if (sb_steal(&b, &s) < 0) {
                p->r = -ENOMEM;
                return NULL;
        }
        return s;
}

char *parser_index(Parser *p, const char *path, size_t i) {
        char *s;

        if (asprintf(&s, "%s[%zu]", path, i) < 0) {
                p->r = -ENOMEM;
                return NULL;
        }
        return s;
}

static void type_error(Parser *p, const char *path, const char *expected, const cJSON *v) {
        _cleanup_free_ char *d = json_describe(v);

        if (!d) {
                p->r = -ENOMEM;
                return;
        }
        parser_error(p, path, "must be %s, got %s", expected, d);
}

/* ---- objects and members ---- */

/* Checks that v is an object whose keys are all known and unique. A null or
 * absent value is accepted (the defaults apply) and returns false. */
bool parser_object(Parser *p, const cJSON *v, const char *path, const char * const *known) {
        const cJSON *i;

        if (json_is_absent(v))
                return false;
        if (!cJSON_IsObject(v)) {
                type_error(p, path, "an object", v);
                return false;
        }
        cJSON_ArrayForEach(i, v) {
                _cleanup_free_ char *kp = parser_child(p, path, i->string);
                bool ok = !known;

                if (!kp)
                        return false;
                for (const cJSON *j = v->child; j != i; j = j->next)
                        if (streq(j->string, i->string)) {
                                parser_error(p, kp, "appears twice in the same object");
                                break;
                        }
                for (size_t k = 0; known && known[k]; k++)
                        if (streq(known[k], i->string))
                                ok = true;
                if (!ok) {
                        StrBuf b = {};
                        _cleanup_free_ char *list = NULL;

                        for (size_t k = 0; known[k]; k++)
                                sb_appendf(&b, "%s%s", k ? ", " : "", known[k]);
                        if (sb_steal(&b, &list) < 0) {
                                p->r = -ENOMEM;
                                return false;
                        }
                        parser_error(p, kp, "unknown key (known keys here: %s)", list);
                }
        }
        return true;
}

static const cJSON *member(const cJSON *obj, const char *key) {
        if (!obj || !cJSON_IsObject(obj))
                return NULL;
        return cJSON_GetObjectItemCaseSensitive(obj, key);
}

bool parser_bool(Parser *p, const cJSON *obj, const char *path, const char *key, bool def) {
        const cJSON *v = member(obj, key);

        if (json_is_absent(v))
                return def;
        if (!cJSON_IsBool(v)) {
                _cleanup_free_ char *kp = parser_child(p, path, key);
                if (kp)
                        type_error(p, kp, "true or false", v);
                return def;
        }
        return cJSON_IsTrue(v);
}

unsigned parser_uint(Parser *p, const cJSON *obj, const char *path, const char *key, unsigned def,
                     unsigned min, unsigned max) {
        const cJSON *v = member(obj, key);
        _cleanup_free_ char *kp = NULL;
        double d;

        if (json_is_absent(v))
                return def;
        kp = parser_child(p, path, key);
        if (!kp)
                return def;
        if (!cJSON_IsNumber(v)) {
                type_error(p, kp, "a whole number", v);
                return def;
        }
        d = v->valuedouble;
        if (!isfinite(d) || d != floor(d)) {
                _cleanup_free_ char *s = json_describe(v);
                parser_error(p, kp, "must be a whole number, got %s", strempty(s));
                return def;
        }
        if (d < min || d > max) {
                parser_error(p, kp, "must be between %u and %u, got %.0f", min, max, d);
                return def;
        }
        return (unsigned) d;
}

/* Returns a copy of the string at key, def when absent or null (def NULL: the
 * key is required). On a type error the default is returned. */
char *parser_string(Parser *p, const cJSON *obj, const char *path, const char *key, const char *def) {
        const cJSON *v = member(obj, key);
        char *s;

        if (json_is_absent(v) || !cJSON_IsString(v)) {
                _cleanup_free_ char *kp = parser_child(p, path, key);

                if (!kp)
                        return NULL;
                if (!json_is_absent(v))
                        type_error(p, kp, "a string", v);
                else if (!def) {
                        parser_error(p, kp, v ? "is required, got null" : "is required");
                        return NULL;
                }
                if (!def)
                        return NULL;
                s = strdup(def);
        } else
                s = strdup(v->valuestring);
        if (!s)
                p->r = -ENOMEM;
        return s;
}

/* A list of strings; absent or null is the empty list. *ret is never NULL on
 * success. Returns false on a type error. */
bool parser_strv(Parser *p, const cJSON *obj, const char *path, const char *key, char ***ret) {
        const cJSON *v = member(obj, key), *i;
        _cleanup_strv_free_ char **l = NULL;
        _cleanup_free_ char *kp = NULL;
        bool ok = true;
        size_t k = 0;

        l = calloc(1, sizeof(char *));
        if (!l) {
                p->r = -ENOMEM;
                return false;
        }
        if (json_is_absent(v)) {
                *ret = TAKE_PTR(l);
                return true;
        }
        kp = parser_child(p, path, key);
        if (!kp)
                return false;
        if (!cJSON_IsArray(v)) {
                type_error(p, kp, "a list of strings", v);
                return false;
        }
        cJSON_ArrayForEach(i, v) {
                if (!cJSON_IsString(i)) {
                        _cleanup_free_ char *ip = parser_index(p, kp, k);
                        if (ip)
                                type_error(p, ip, "a string", i);
                        ok = false;
                } else if (strv_extend(&l, i->valuestring) < 0) {
                        p->r = -ENOMEM;
                        return false;
                }
                k++;
        }
        if (!ok)
                return false;
        *ret = TAKE_PTR(l);
        return true;
}

/* ---- value rules ---- */

static const char *control_name(unsigned char c) {
        switch (c) {
        case '\t':
                return "a tab";
        case '\n':
                return "a newline";
        case '\r':
                return "a carriage return";
        case 0x1b:
                return "an escape character";
        case 0x7f:
                return "a DEL character";
        default:
                return "a control character";
        }
}

/* Names the first control character of s, or returns false. */
static bool find_control(const char *s, const char **ret_name, size_t *ret_off) {
        for (const unsigned char *c = (const unsigned char *) s; *c; c++)
                if (*c < 0x20 || *c == 0x7f) {
                        *ret_name = control_name(*c);
                        *ret_off = (size_t) ((const char *) c - s);
                        return true;
                }
        return false;
}

bool parser_check_path(Parser *p, const char *path, const char *value) {
        _cleanup_free_ char *d = NULL;
        const char *name;
        size_t off;

        if (!value)
                return false;
        d = json_describe(&(cJSON) { .type = cJSON_String, .valuestring = (char *) value });
        if (!d) {
                p->r = -ENOMEM;
                return false;
        }
        if (value[0] != '/') {
                parser_error(p, path, "must be an absolute path, got %s", d);
                return false;
        }
        if (path_has_dotdot(value)) {
                parser_error(p, path, "must not contain \"..\", got %s", d);
                return false;
        }
        if (find_control(value, &name, &off)) {
                parser_error(p, path, "must not contain %s (at byte %zu), got %s", name, off, d);
                return false;
        }
        if (strpbrk(value, " \"'\\")) {
                parser_error(p, path, "must not contain spaces, quotes or backslashes "
                             "(systemd could not hold it safely), got %s", d);
                return false;
        }
        if (strlen(value) >= 4096) {
                parser_error(p, path, "is longer than 4095 bytes");
                return false;
        }
        return true;
}

/* A path key: absent or null takes def; "" is allowed only with allow_empty. */
char *parser_path(Parser *p, const cJSON *obj, const char *path, const char *key, const char *def,
                  bool allow_empty) {
        _cleanup_free_ char *s = parser_string(p, obj, path, key, def), *kp = NULL, *simple = NULL;

        if (!s)
                return NULL;
        if (allow_empty && isempty(s))
                return TAKE_PTR(s);
        kp = parser_child(p, path, key);
        if (!kp)
                return NULL;
        if (!parser_check_path(p, kp, s))
                return TAKE_PTR(s); /* keep going: the error is recorded */
        if (path_simplify_dup(s, &simple) < 0) {
                p->r = -ENOMEM;
                return NULL;
        }
        return TAKE_PTR(simple);
}

bool parser_endpoint(Parser *p, const cJSON *obj, const char *path, const char *key, const char *def,
                     bool need_port, Endpoint *ret) {
        _cleanup_free_ char *s = parser_string(p, obj, path, key, def), *kp = NULL, *err = NULL;
        int r;

        if (!s)
                return false;
        kp = parser_child(p, path, key);
        if (!kp)
                return false;
        r = endpoint_parse(s, need_port, ret, &err);
        if (r == -ENOMEM) {
                p->r = r;
                return false;
        }
        if (r < 0) {
                _cleanup_free_ char *d = json_describe(&(cJSON) { .type = cJSON_String, .valuestring = s });
                parser_error(p, kp, "%s, got %s", err, strempty(d));
                return false;
        }
        return true;
}

/* ---- sections ---- */

static bool valid_hostname(const char *s) {
        size_t n = strlen(s);

        if (n < 1 || n > 63)
                return false;
        for (const char *c = s; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                      *c == '-' || *c == '_'))
                        return false;
        return true;
}

static bool valid_timezone(const char *s) {
        if (isempty(s) || s[0] == '/' || strlen(s) > 255 || path_has_dotdot(s))
                return false;
        for (const char *c = s; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                      strchr("/_+-.", *c)))
                        return false;
        return !strstr(s, "//") && !endswith(s, "/");
}

void parser_describe_error(Parser *p, const char *path, const char *value, const char *msg) {
        _cleanup_free_ char *d = json_describe(&(cJSON) { .type = cJSON_String, .valuestring = (char *) value });

        if (!d) {
                p->r = -ENOMEM;
                return;
        }
        parser_error(p, path, "%s, got %s", msg, d);
}

/* A controller's URL is shown without its user info and query: the errors
 * reach the journal, the status and etcd. */
static void describe_url_error(Parser *p, const char *path, const char *url, const char *msg) {
        _cleanup_free_ char *shown = NULL;

        if (url_redact(url, &shown) < 0) {
                p->r = -ENOMEM;
                return;
        }
        parser_describe_error(p, path, shown, msg);
}

static void parse_localization(Parser *p, const cJSON *root, Config *c) {
        static const char * const known[] = { "hostname", "timezone", NULL };
        const cJSON *o = member(root, "localization");

        parser_object(p, o, "localization", known);
        c->hostname = parser_string(p, o, "localization", "hostname", "homestaker");
        c->timezone = parser_string(p, o, "localization", "timezone", "UTC");

        if (c->hostname && !valid_hostname(c->hostname))
                parser_describe_error(p, "localization.hostname", c->hostname,
                               "must be 1 to 63 characters of letters, digits, '-' and '_'");
        if (c->timezone && !valid_timezone(c->timezone))
                parser_describe_error(p, "localization.timezone", c->timezone,
                               "must be an IANA time zone name such as \"Europe/Helsinki\"");
}

bool unit_name_is_valid(const char *s) {
        static const char * const suffixes[] = {
                ".service", ".socket", ".target", ".device", ".mount", ".automount",
                ".swap", ".timer", ".path", ".slice", ".scope",
        };
        bool suffix = false;

        if (isempty(s) || strlen(s) > 255 || s[0] == '.')
                return false;
        for (const char *c = s; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                      strchr(":-_.\\@", *c)))
                        return false;
        for (size_t i = 0; i < ELEMENTSOF(suffixes); i++)
                if (endswith(s, suffixes[i]) && strlen(s) > strlen(suffixes[i]))
                        suffix = true;
        return suffix;
}

static void check_unit_list(Parser *p, const char *path, const char *key, char **l) {
        _cleanup_free_ char *kp = parser_child(p, path, key);
        size_t i = 0;

        if (!kp)
                return;
        STRV_FOREACH(u, l) {
                if (!unit_name_is_valid(*u)) {
                        _cleanup_free_ char *ip = parser_index(p, kp, i);
                        if (ip)
                                parser_describe_error(p, ip, *u,
                                               "must be a systemd unit name such as \"geth.service\"");
                }
                i++;
        }
}

static bool valid_mount_name(const char *s) {
        if (isempty(s) || strlen(s) > 255)
                return false;
        for (const char *c = s; *c; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                      strchr("-_.", *c)))
                        return false;
        return true;
}

static void check_mount_word(Parser *p, const char *path, const char *value, const char *what) {
        if (isempty(value) || strpbrk(value, " \t\n\r\"'\\")) {
                parser_describe_error(p, path, value, what);
                return;
        }
        for (const unsigned char *c = (const unsigned char *) value; *c; c++)
                if (*c < 0x20 || *c == 0x7f) {
                        parser_describe_error(p, path, value, what);
                        return;
                }
}


static void check_mount_what(Parser *p, const char *path, const char *what, const char *type) {
        static const char * const tags[] = { "LABEL=", "UUID=", "PARTUUID=", "PARTLABEL=" };

        for (size_t i = 0; i < ELEMENTSOF(tags); i++) {
                const char *v = startswith(what, tags[i]);
                const char *name;
                size_t off;

                if (!v)
                        continue;
                if (isempty(v))
                        parser_describe_error(p, path, what, "has an empty tag value");
                else if (find_control(v, &name, &off))
                        parser_describe_error(p, path, what, "must not contain control characters");
                return;
        }
        if (what[0] != '/' && type && fstype_has_free_source(type)) {
                check_mount_word(p, path, what, "must be a source name without spaces, quotes or control characters");
                return;
        }
        if (what[0] != '/') {
                parser_describe_error(p, path, what,
                               "must be a device path (/dev/sda1, /dev/mapper/x, /dev/disk/by-label/x) "
                               "or a tag LABEL=, UUID=, PARTUUID=, PARTLABEL=");
                return;
        }
        /* Not written into any unit: udev's \\x20 escapes in by-label names are fine. */
        if (path_has_dotdot(what) || strpbrk(what, " \"'")) {
                parser_describe_error(p, path, what, "must be a device path without \"..\", spaces or quotes");
                return;
        }
        for (const unsigned char *c = (const unsigned char *) what; *c; c++)
                if (*c < 0x20 || *c == 0x7f) {
                        parser_describe_error(p, path, what, "must not contain control characters");
                        return;
                }
}


static void parse_mounts(Parser *p, const cJSON *root, Config *c) {
        static const char * const known[] = {
                "enable", "description", "what", "where", "type", "options", "wantedBy", "before", NULL,
        };
        const cJSON *o = member(root, "mounts"), *i;
        size_t n = 0, k = 0;

        if (!parser_object(p, o, "mounts", NULL))
                return;
        cJSON_ArrayForEach(i, o)
                n++;
        c->mounts = calloc(n ? n : 1, sizeof(MountConfig));
        if (!c->mounts) {
                p->r = -ENOMEM;
                return;
        }
        cJSON_ArrayForEach(i, o) {
                _cleanup_free_ char *mp = parser_child(p, "mounts", i->string);
                MountConfig *m = &c->mounts[k++];

                c->n_mounts = k;
                if (!mp)
                        return;
                m->name = strdup(i->string);
                if (!m->name) {
                        p->r = -ENOMEM;
                        return;
                }
                if (!valid_mount_name(i->string))
                        parser_error(p, mp, "a mount name must be letters, digits, '-', '_' and '.'");
                if (json_is_absent(i)) {
                        parser_error(p, mp, "must be an object, got null");
                        continue;
                }
                if (!parser_object(p, i, mp, known))
                        continue;

                m->enable = parser_bool(p, i, mp, "enable", false);
                m->description = parser_string(p, i, mp, "description", "storage device");
                m->what = parser_string(p, i, mp, "what", NULL);
                m->where = parser_path(p, i, mp, "where", NULL, false);
                m->type = parser_string(p, i, mp, "type", "auto");
                m->options = parser_string(p, i, mp, "options", "noatime");
                if (json_is_absent(member(i, "wantedBy"))) {
                        if (strv_extend(&m->wanted_by, "multi-user.target") < 0)
                                p->r = -ENOMEM;
                } else
                        parser_strv(p, i, mp, "wantedBy", &m->wanted_by);
                parser_strv(p, i, mp, "before", &m->before);

                _cleanup_free_ char *wp = parser_child(p, mp, "what"), *tp = parser_child(p, mp, "type"),
                                    *op = parser_child(p, mp, "options"), *dp = parser_child(p, mp, "description");
                if (!wp || !tp || !op || !dp)
                        return;
                if (m->what)
                        check_mount_what(p, wp, m->what, m->type);
                if (m->where && streq(m->where, "/")) {
                        _cleanup_free_ char *whp = parser_child(p, mp, "where");
                        if (whp)
                                parser_error(p, whp, "must not be \"/\" (the RAM root itself)");
                }
                if (m->type)
                        check_mount_word(p, tp, m->type, "must be a file system type such as \"ext4\" or \"auto\"");
                if (!isempty(m->options))
                        check_mount_word(p, op, m->options,
                                         "must be comma-separated mount options without spaces or quotes");
                if (m->description) {
                        const char *name;
                        size_t off;
                        if (find_control(m->description, &name, &off))
                                parser_error(p, dp, "must not contain %s", name);
                }
                check_unit_list(p, mp, "wantedBy", m->wanted_by);
                check_unit_list(p, mp, "before", m->before);
        }
}

static void parse_ssh(Parser *p, const cJSON *root, Config *c) {
        static const char * const known[] = { "authorizedKeys", "privateKeyFile", NULL };
        const cJSON *o = member(root, "ssh");
        size_t k = 0;

        parser_object(p, o, "ssh", known);
        parser_strv(p, o, "ssh", "authorizedKeys", &c->ssh_authorized_keys);
        c->ssh_private_key_file = parser_path(p, o, "ssh", "privateKeyFile", "/mnt/secrets/ssh/id_ed25519", false);

        STRV_FOREACH(key, c->ssh_authorized_keys) {
                _cleanup_free_ char *err = NULL, *kp = NULL;
                int r = sshkey_check_authorized_line(*key, &err);

                if (r == -ENOMEM)
                        p->r = r;
                else if (r < 0 && asprintf(&kp, "ssh.authorizedKeys[%zu]", k) >= 0)
                        parser_describe_error(p, kp, *key, err);
                k++;
        }
}

/* A name for both a network interface (wg-quick allows 1 to 15 of
 * [A-Za-z0-9_=+.-]) and a systemd unit, wg-quick-NAME.service (whose names
 * allow [A-Za-z0-9:_.\\-] and no '+' or '='); '.' ends the name before. */
static bool valid_ifname(const char *s, size_t n) {
        if (n < 1 || n > 15)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
                        return false;
        return true;
}

static void parse_vpn(Parser *p, const cJSON *root, Config *c) {
        static const char * const known[] = { "wireguard", NULL };
        static const char * const known_wg[] = { "enable", "configFile", NULL };
        const cJSON *o = member(root, "vpn"), *wg = member(o, "wireguard");
        const char *base;
        size_t n;

        parser_object(p, o, "vpn", known);
        parser_object(p, wg, "vpn.wireguard", known_wg);
        c->wireguard_enable = parser_bool(p, wg, "vpn.wireguard", "enable", false);
        c->wireguard_config_file = parser_path(p, wg, "vpn.wireguard", "configFile", "/mnt/secrets/wg0.conf", false);
        if (!c->wireguard_config_file)
                return;

        /* As HomestakerOS: the interface is named after the file's base name
         * up to the first '.', whatever follows ("wg0", "wg0.conf"); the unit
         * hands wg-quick a copy named <interface>.conf. */
        base = strrchr(c->wireguard_config_file, '/');
        base = base ? base + 1 : c->wireguard_config_file;
        n = strcspn(base, ".");
        if (!valid_ifname(base, n)) {
                if (c->wireguard_enable)
                        parser_describe_error(p, "vpn.wireguard.configFile", c->wireguard_config_file,
                                       "names the WireGuard interface and its unit after its base name up to the "
                                       "first '.', which must be 1 to 15 letters, digits, '_' or '-' to name both a "
                                       "network interface and a systemd unit (wg-quick-NAME.service)");
                n = 0;
        }
        c->wireguard_interface = strndup(base, n);
        if (!c->wireguard_interface)
                p->r = -ENOMEM;
}

static void parse_extra_options(Parser *p, const cJSON *o, const char *path, ClientConfig *cc) {
        _cleanup_free_ char *kp = NULL;
        size_t k = 0;

        if (!parser_strv(p, o, path, "extraOptions", &cc->extra_options))
                return;
        kp = parser_child(p, path, "extraOptions");
        if (!kp)
                return;
        STRV_FOREACH(opt, cc->extra_options) {
                _cleanup_strv_free_ char **words = NULL;
                _cleanup_free_ char *err = NULL, *ip = NULL;
                const char *name;
                size_t off;
                int r;

                ip = parser_index(p, kp, k++);
                if (!ip)
                        return;
                if (find_control(*opt, &name, &off)) {
                        _cleanup_free_ char *msg = NULL;
                        if (asprintf(&msg, "must not contain %s (at byte %zu)", name, off) < 0) {
                                p->r = -ENOMEM;
                                return;
                        }
                        parser_describe_error(p, ip, *opt, msg);
                        continue;
                }
                r = cmdline_split(*opt, &words, &err);
                if (r == -ENOMEM) {
                        p->r = r;
                        return;
                }
                if (r < 0) {
                        parser_describe_error(p, ip, *opt, err);
                        continue;
                }
                STRV_FOREACH(w, words)
                        if (strv_extend(&cc->extra_args, *w) < 0) {
                                p->r = -ENOMEM;
                                return;
                        }
        }
        if (!cc->extra_args)
                cc->extra_args = calloc(1, sizeof(char *));
}

static char *default_data_dir(Parser *p, Client client) {
        char *s;

        if (asprintf(&s, "/mnt/%s", client_to_string(client)) < 0) {
                p->r = -ENOMEM;
                return NULL;
        }
        return s;
}

/* A listening endpoint must name an address the client can bind. */
static void check_listen(Parser *p, const char *path, const char *key, const Endpoint *e) {
        _cleanup_free_ char *kp = parser_child(p, path, key);

        if (!kp || !e->host)
                return;
        if (e->family == AF_UNSPEC && !streq(e->host, "localhost"))
                parser_describe_error(p, kp, e->url,
                               "must listen on an IP address (or localhost), not a host name");
}

static void parse_client_common(Parser *p, const cJSON *o, const char *path, ClientConfig *cc, bool listen) {
        const ClientInfo *info = client_info(cc->client);
        _cleanup_free_ char *dd = default_data_dir(p, cc->client);

        cc->enable = parser_bool(p, o, path, "enable", false);
        if (listen) {
                parser_endpoint(p, o, path, "endpoint", info->default_endpoint, true, &cc->endpoint);
                check_listen(p, path, "endpoint", &cc->endpoint);
        }
        if (!dd)
                return;
        cc->data_dir = parser_path(p, o, path, "dataDir", dd, false);
        cc->jwt_secret_file = parser_path(p, o, path, "jwtSecretFile", "/mnt/secrets/jwt.hex", false);
        parse_extra_options(p, o, path, cc);
}

static void parse_execution(Parser *p, const cJSON *root, Config *c) {
        static const char * const known_client[] = {
                "enable", "endpoint", "dataDir", "jwtSecretFile", "extraOptions", "port", "jsonRpcPort", NULL,
        };
        const cJSON *o = member(root, "execution");
        const char *known[_CLIENT_MAX + 1];

        client_names_of_role(ROLE_EXECUTION, known);
        parser_object(p, o, "execution", known);
        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                if (client_info(cl)->role != ROLE_EXECUTION)
                        continue;

                const char *name = client_to_string(cl);
                _cleanup_free_ char *path = parser_child(p, "execution", name);
                const cJSON *co = member(o, name);
                ClientConfig *cc = &c->clients[cl];

                if (!path)
                        return;
                parser_object(p, co, path, known_client);
                parse_client_common(p, co, path, cc, true);
                cc->p2p_port = (uint16_t) parser_uint(p, co, path, "port", client_default_p2p_port(cl), 1, 65535);
                cc->json_rpc_port = (uint16_t) parser_uint(p, co, path, "jsonRpcPort", 8545, 1, 65535);
        }
}

static void parse_consensus(Parser *p, const cJSON *root, Config *c) {
        static const char * const known_client[] = {
                "enable", "endpoint", "execEndpoint", "dataDir", "jwtSecretFile", "extraOptions", "port",
                "checkpointSyncUrl", "slasher", NULL,
        };
        static const char * const known_plain[] = {
                "enable", "endpoint", "execEndpoint", "dataDir", "jwtSecretFile", "extraOptions", "port",
                "checkpointSyncUrl", NULL,
        };
        static const char * const known_lh_slasher[] = { "enable", "historyLength", "maxDatabaseSize", NULL };
        static const char * const known_prysm_slasher[] = { "enable", NULL };
        const cJSON *o = member(root, "consensus");
        const char *known[_CLIENT_MAX + 1];

        client_names_of_role(ROLE_CONSENSUS, known);
        parser_object(p, o, "consensus", known);
        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                if (client_info(cl)->role != ROLE_CONSENSUS)
                        continue;

                const char *name = client_to_string(cl);
                _cleanup_free_ char *path = parser_child(p, "consensus", name), *sp = NULL;
                const cJSON *co = member(o, name), *so;
                ClientConfig *cc = &c->clients[cl];
                bool slasher = cl == CLIENT_LIGHTHOUSE || cl == CLIENT_PRYSM;

                if (!path)
                        return;
                parser_object(p, co, path, slasher ? known_client : known_plain);
                parse_client_common(p, co, path, cc, true);
                parser_endpoint(p, co, path, "execEndpoint", "http://127.0.0.1:8551", true, &cc->exec_endpoint);
                cc->p2p_port = (uint16_t) parser_uint(p, co, path, "port", client_default_p2p_port(cl), 1, 65535);

                if (slasher) {
                        sp = parser_child(p, path, "slasher");
                        if (!sp)
                                return;
                        so = member(co, "slasher");
                        parser_object(p, so, sp, cl == CLIENT_LIGHTHOUSE ? known_lh_slasher : known_prysm_slasher);
                        cc->slasher_enable = parser_bool(p, so, sp, "enable", false);
                        if (cl == CLIENT_LIGHTHOUSE) {
                                cc->slasher_history_length = parser_uint(p, so, sp, "historyLength", 4096, 1, 1u << 30);
                                cc->slasher_max_db_size = parser_uint(p, so, sp, "maxDatabaseSize", 256, 1, 1u << 20);
                        }
                }

                /* Checkpoint sync: HomestakerOS sets it for lighthouse and prysm on mainnet. */
                const cJSON *cp = member(co, "checkpointSyncUrl");
                if (json_is_absent(cp)) {
                        if (c->network == NETWORK_MAINNET && (cl == CLIENT_LIGHTHOUSE || cl == CLIENT_PRYSM)) {
                                cc->checkpoint_sync_url = strdup("https://beaconstate.info");
                                if (!cc->checkpoint_sync_url)
                                        p->r = -ENOMEM;
                        }
                } else {
                        _cleanup_free_ char *s = parser_string(p, co, path, "checkpointSyncUrl", "");
                        if (!isempty(s)) {
                                Endpoint e = {};
                                if (parser_endpoint(p, co, path, "checkpointSyncUrl", "", false, &e))
                                        cc->checkpoint_sync_url = TAKE_PTR(s);
                                endpoint_done(&e);
                        }
                }
        }
}

/* Holesky was retired in 2025, and some clients' releases dropped it
 * (ClientInfo.no_holesky, beside where each client is described): their
 * unit would stop at start. */
static void refuse_retired_network(Parser *p, const Config *c) {
        if (c->network != NETWORK_HOLESKY)
                return;
        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                const ClientInfo *info = client_info(cl);
                _cleanup_free_ char *path = NULL;

                if (!info->no_holesky || !c->clients[cl].enable)
                        continue;
                if (asprintf(&path, "%s.enable", info->config_path) < 0) {
                        p->r = -ENOMEM;
                        return;
                }
                parser_error(p, path, "%s cannot run on holesky: %s (Holesky was retired in 2025); "
                             "choose another %s client or network", info->name, info->no_holesky,
                             role_to_string(info->role));
        }
}

static void parse_addons(Parser *p, const cJSON *root, Config *c) {
        static const char * const known_mev[] = { "enable", "endpoint", "extraOptions", "relays", NULL };
        static const char * const known_ssv[] = {
                "dataDir", "extraOptions", "privateKeyFile", "privateKeyPasswordFile", NULL,
        };
        const cJSON *o = member(root, "addons"), *mo = member(o, "mev-boost"), *so = member(o, "ssv-node");
        ClientConfig *mev = &c->clients[CLIENT_MEV_BOOST], *ssv = &c->clients[CLIENT_SSV_NODE];
        _cleanup_free_ char *def_key = NULL, *def_pw = NULL;
        const char *known[_CLIENT_MAX + 1];

        client_names_of_role(ROLE_ADDON, known);
        parser_object(p, o, "addons", known);

        parser_object(p, mo, "addons.mev-boost", known_mev);
        mev->enable = parser_bool(p, mo, "addons.mev-boost", "enable", false);
        parser_endpoint(p, mo, "addons.mev-boost", "endpoint", client_info(CLIENT_MEV_BOOST)->default_endpoint,
                        true, &mev->endpoint);
        check_listen(p, "addons.mev-boost", "endpoint", &mev->endpoint);
        parse_extra_options(p, mo, "addons.mev-boost", mev);

        if (json_is_absent(member(mo, "relays"))) {
                if (c->network == NETWORK_MAINNET) {
                        for (size_t i = 0; mainnet_default_relays[i]; i++)
                                if (strv_extend(&mev->relays, mainnet_default_relays[i]) < 0)
                                        p->r = -ENOMEM;
                } else if (mev->enable)
                        parser_error(p, "addons.mev-boost.relays",
                                     "is required when mev-boost is enabled on %s "
                                     "(there are default relays only for mainnet)",
                                     network_to_string(c->network));
        } else if (parser_strv(p, mo, "addons.mev-boost", "relays", &mev->relays)) {
                size_t k = 0;

                if (mev->enable && strv_length(mev->relays) == 0)
                        parser_error(p, "addons.mev-boost.relays", "must list at least one relay when mev-boost is enabled");
                STRV_FOREACH(relay, mev->relays) {
                        _cleanup_free_ char *err = NULL, *ip = parser_index(p, "addons.mev-boost.relays", k++);
                        Endpoint e = {};
                        int r;

                        if (!ip)
                                return;
                        r = endpoint_parse(*relay, false, &e, &err);
                        endpoint_done(&e);
                        if (r == -ENOMEM)
                                p->r = r;
                        else if (r < 0)
                                parser_describe_error(p, ip, *relay, err);
                        else if (strchr(*relay, ','))
                                parser_describe_error(p, ip, *relay, "must be one relay URL (no commas)");
                }
        }

        parser_object(p, so, "addons.ssv-node", known_ssv);
        ssv->data_dir = parser_path(p, so, "addons.ssv-node", "dataDir", "/mnt/addons/ssv", false);
        parse_extra_options(p, so, "addons.ssv-node", ssv);
        if (!ssv->data_dir)
                return;
        if (asprintf(&def_key, "%s/ssv_operator_key", ssv->data_dir) < 0 ||
            asprintf(&def_pw, "%s/password", ssv->data_dir) < 0) {
                p->r = -ENOMEM;
                return;
        }
        ssv->private_key_file = parser_path(p, so, "addons.ssv-node", "privateKeyFile", def_key, false);
        ssv->private_key_password_file = parser_path(p, so, "addons.ssv-node", "privateKeyPasswordFile", def_pw, false);
}

static void parse_network(Parser *p, const cJSON *root, Config *c) {
        _cleanup_free_ char *s = parser_string(p, root, "", "network", "mainnet");

        c->network = NETWORK_MAINNET;
        if (!s)
                return;
        c->network = network_from_string(s);
        if (c->network < 0) {
                parser_describe_error(p, "network", s, "must be one of \"mainnet\", \"hoodi\", \"holesky\", \"sepolia\"");
                c->network = NETWORK_MAINNET;
        }
}

static void parse_controller(Parser *p, const cJSON *ao, Config *c) {
        static const char * const known[] = { "etcd", "http", NULL };
        static const char * const known_etcd[] = { "endpoints", "prefix", "username", "passwordFile", "caFile",
                                                     "memberIntervalSec", NULL };
        static const char * const known_http[] = { "url", "tokenFile", "caFile", NULL };
        const cJSON *o = member(ao, "controller"), *eo = member(o, "etcd"), *ho = member(o, "http");
        EtcdConfig *etcd = &c->agent.etcd;
        HttpControllerConfig *http = &c->agent.http;

        parser_object(p, o, "agent.controller", known);

        if (parser_object(p, eo, "agent.controller.etcd", known_etcd)) {
                size_t k = 0;

                etcd->enable = true;
                if (json_is_absent(member(eo, "endpoints")))
                        parser_error(p, "agent.controller.etcd.endpoints", "is required: a list of etcd URLs");
                else if (parser_strv(p, eo, "agent.controller.etcd", "endpoints", &etcd->endpoints) &&
                         strv_length(etcd->endpoints) == 0)
                        parser_error(p, "agent.controller.etcd.endpoints", "must list at least one etcd URL");
                STRV_FOREACH(u, etcd->endpoints) {
                        _cleanup_free_ char *err = NULL, *ip = parser_index(p, "agent.controller.etcd.endpoints", k++);
                        Endpoint e = {};
                        int r;

                        if (!ip)
                                return;
                        r = endpoint_parse(*u, true, &e, &err);
                        endpoint_done(&e);
                        if (r == -ENOMEM)
                                p->r = r;
                        else if (r < 0)
                                describe_url_error(p, ip, *u, err);
                }
                etcd->prefix = parser_string(p, eo, "agent.controller.etcd", "prefix", "/homestakeros");
                if (etcd->prefix && (etcd->prefix[0] != '/' || endswith(etcd->prefix, "/") ||
                                     strpbrk(etcd->prefix, " \t\r\n")))
                        parser_describe_error(p, "agent.controller.etcd.prefix", etcd->prefix,
                                       "must start with '/', not end with '/', and hold no spaces");
                const cJSON *u = member(eo, "username");
                if (!json_is_absent(u))
                        etcd->username = parser_string(p, eo, "agent.controller.etcd", "username", "");
                etcd->password_file = json_is_absent(member(eo, "passwordFile")) ? NULL :
                        parser_path(p, eo, "agent.controller.etcd", "passwordFile", "", false);
                etcd->ca_file = json_is_absent(member(eo, "caFile")) ? NULL :
                        parser_path(p, eo, "agent.controller.etcd", "caFile", "", false);
                if (!isempty(etcd->username) && !etcd->password_file)
                        parser_error(p, "agent.controller.etcd.passwordFile", "is required when a username is set");
                etcd->member_interval_sec = parser_uint(p, eo, "agent.controller.etcd", "memberIntervalSec", 600, 10,
                                                        86400);
        }

        if (parser_object(p, ho, "agent.controller.http", known_http)) {
                Endpoint e = {};

                http->enable = true;
                http->url = parser_string(p, ho, "agent.controller.http", "url", NULL);
                if (http->url) {
                        _cleanup_free_ char *err = NULL;
                        int r = endpoint_parse(http->url, false, &e, &err);
                        if (r == -ENOMEM)
                                p->r = r;
                        else if (r < 0)
                                describe_url_error(p, "agent.controller.http.url", http->url, err);
                        endpoint_done(&e);
                }
                http->token_file = json_is_absent(member(ho, "tokenFile")) ? NULL :
                        parser_path(p, ho, "agent.controller.http", "tokenFile", "", false);
                http->ca_file = json_is_absent(member(ho, "caFile")) ? NULL :
                        parser_path(p, ho, "agent.controller.http", "caFile", "", false);
        }
}

/* A list of ports (whole numbers 1-65535), each checked by its index. */
static void parse_port_list(Parser *p, const cJSON *o, const char *path, const char *key, uint16_t **ret,
                            size_t *ret_n) {
        const cJSON *v = member(o, key), *i;
        _cleanup_free_ char *kp = NULL;
        size_t k = 0;

        if (json_is_absent(v))
                return;
        kp = parser_child(p, path, key);
        if (!kp)
                return;
        if (!cJSON_IsArray(v)) {
                type_error(p, kp, "a list of port numbers", v);
                return;
        }
        *ret = calloc((size_t) cJSON_GetArraySize(v) + 1, sizeof **ret);
        if (!*ret) {
                p->r = -ENOMEM;
                return;
        }
        cJSON_ArrayForEach(i, v) {
                _cleanup_free_ char *ip = parser_index(p, kp, k++);
                double d = cJSON_IsNumber(i) ? i->valuedouble : NAN;

                if (!ip)
                        return;
                if (!isfinite(d) || d != floor(d) || d < 1 || d > 65535) {
                        _cleanup_free_ char *s = json_describe(i);
                        parser_error(p, ip, "must be a port, a whole number between 1 and 65535, got %s", strempty(s));
                        continue;
                }
                (*ret)[(*ret_n)++] = (uint16_t) d;
        }
}

static void parse_firewall(Parser *p, const cJSON *ao, Config *c) {
        static const char * const known[] = { "enable", "allowTCP", "allowUDP", NULL };
        const cJSON *o = member(ao, "firewall");
        FirewallConfig *fw = &c->agent.firewall;

        fw->enable = true;
        if (!parser_object(p, o, "agent.firewall", known))
                return;
        fw->enable = parser_bool(p, o, "agent.firewall", "enable", true);
        parse_port_list(p, o, "agent.firewall", "allowTCP", &fw->allow_tcp, &fw->n_allow_tcp);
        parse_port_list(p, o, "agent.firewall", "allowUDP", &fw->allow_udp, &fw->n_allow_udp);
}

static void parse_agent(Parser *p, const cJSON *root, Config *c) {
        static const char * const known[] = {
                "statusSocket", "reportIntervalSec", "probeTimeoutMs", "deviceTimeoutSec", "journalDir",
                "metricsTextfile", "packages", "controller", "firewall", NULL,
        };
        static const char *known_packages[_CLIENT_MAX + 1];
        const cJSON *o = member(root, "agent"), *po = member(o, "packages");
        AgentConfig *a = &c->agent;

        for (Client cl = 0; cl < _CLIENT_MAX; cl++)
                known_packages[cl] = client_to_string(cl);

        parser_object(p, o, "agent", known);
        a->status_socket = parser_path(p, o, "agent", "statusSocket", "/run/hsos-agent/status.sock", false);
        if (a->status_socket && strlen(a->status_socket) > 107)
                parser_error(p, "agent.statusSocket", "is %zu bytes long; a socket path must be at most 107",
                             strlen(a->status_socket));
        a->report_interval_sec = parser_uint(p, o, "agent", "reportIntervalSec", 10, 1, 3600);
        a->probe_timeout_ms = parser_uint(p, o, "agent", "probeTimeoutMs", 2000, 50, 60000);
        a->device_timeout_sec = parser_uint(p, o, "agent", "deviceTimeoutSec", 90, 0, 3600);
        a->journal_dir = parser_path(p, o, "agent", "journalDir", "", true);
        a->metrics_textfile = parser_path(p, o, "agent", "metricsTextfile", "", true);

        if (parser_object(p, po, "agent.packages", known_packages))
                for (Client cl = 0; cl < _CLIENT_MAX; cl++)
                        if (!json_is_absent(member(po, client_to_string(cl))))
                                a->packages[cl] = parser_path(p, po, "agent.packages", client_to_string(cl), "", false);

        parse_controller(p, o, c);
        parse_firewall(p, o, c);
}

Config *config_free(Config *c) {
        if (!c)
                return NULL;
        free(c->hostname);
        free(c->timezone);
        for (size_t i = 0; i < c->n_mounts; i++) {
                MountConfig *m = &c->mounts[i];
                free(m->name);
                free(m->description);
                free(m->what);
                free(m->where);
                free(m->type);
                free(m->options);
                strv_free(m->wanted_by);
                strv_free(m->before);
        }
        free(c->mounts);
        strv_free(c->ssh_authorized_keys);
        free(c->ssh_private_key_file);
        free(c->wireguard_config_file);
        free(c->wireguard_interface);
        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                ClientConfig *cc = &c->clients[cl];
                endpoint_done(&cc->endpoint);
                endpoint_done(&cc->exec_endpoint);
                free(cc->data_dir);
                free(cc->jwt_secret_file);
                strv_free(cc->extra_options);
                strv_free(cc->extra_args);
                free(cc->checkpoint_sync_url);
                strv_free(cc->relays);
                free(cc->private_key_file);
                free(cc->private_key_password_file);
        }
        free(c->agent.status_socket);
        free(c->agent.journal_dir);
        free(c->agent.metrics_textfile);
        for (Client cl = 0; cl < _CLIENT_MAX; cl++)
                free(c->agent.packages[cl]);
        free(c->agent.firewall.allow_tcp);
        free(c->agent.firewall.allow_udp);
        strv_free(c->agent.etcd.endpoints);
        free(c->agent.etcd.prefix);
        free(c->agent.etcd.username);
        free(c->agent.etcd.password_file);
        free(c->agent.etcd.ca_file);
        free(c->agent.http.url);
        free(c->agent.http.token_file);
        free(c->agent.http.ca_file);
        free(c);
        return NULL;
}

bool config_client_enabled(const Config *c, Client client) {
        if (client < 0 || client >= _CLIENT_MAX)
                return false;
        if (client == CLIENT_WIREGUARD)
                return c->wireguard_enable;
        if (client == CLIENT_SSV_NODE)
                return false;
        return c->clients[client].enable;
}

size_t config_count_enabled(const Config *c, Role role) {
        size_t n = 0;

        for (Client cl = 0; cl < _CLIENT_MAX; cl++)
                if (client_info(cl)->role == role && config_client_enabled(c, cl))
                        n++;
        return n;
}

int config_parse(const char *data, size_t size, Config **ret, char ***ret_errors) {
        static const char * const known[] = {
                "localization", "mounts", "ssh", "vpn", "execution", "consensus", "addons", "network", "agent", NULL,
        };
        _cleanup_(cJSON_Deletep) cJSON *root = NULL;
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_free_ char *err = NULL;
        Parser p = {};
        int r;

        r = json_document_parse(data, size, CONFIG_SIZE_MAX, CONFIG_DEPTH_MAX, &root, &err);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                char **l = NULL;
                if (strv_extendf(&l, "file: %s", err) < 0)
                        return -ENOMEM;
                *ret_errors = l;
                return -EINVAL;
        }
        if (!cJSON_IsObject(root)) {
                _cleanup_free_ char *d = json_describe(root);
                char **l = NULL;
                if (!d || strv_extendf(&l, "file: the top level must be an object, got %s", d) < 0)
                        return -ENOMEM;
                *ret_errors = l;
                return -EINVAL;
        }

        c = calloc(1, sizeof(Config));
        if (!c)
                return -ENOMEM;
        for (Client cl = 0; cl < _CLIENT_MAX; cl++)
                c->clients[cl].client = cl;

        parser_object(&p, root, "", known);
        parse_network(&p, root, c); /* first: defaults depend on it */
        parse_localization(&p, root, c);
        parse_mounts(&p, root, c);
        parse_ssh(&p, root, c);
        parse_vpn(&p, root, c);
        parse_execution(&p, root, c);
        parse_consensus(&p, root, c);
        parse_addons(&p, root, c);
        refuse_retired_network(&p, c);
        parse_agent(&p, root, c);
        if (p.r >= 0)
                config_check_rules(&p, c);

        if (p.r < 0) {
                strv_free(p.errors);
                return p.r;
        }
        if (p.errors) {
                *ret_errors = p.errors;
                return -EINVAL;
        }
        *ret = TAKE_PTR(c);
        return 0;
}
