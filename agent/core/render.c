/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "hsos/cmdline.h"
#include "hsos/render.h"
#include "hsos/util.h"

#include "clients/client.h"

/* The credential name a client's JWT is loaded under (LoadCredential=), so the
 * secret file itself can stay 0600 root wherever it lies. */
#define JWT_CREDENTIAL "jwt.hex"
#define WIREGUARD_RUNTIME_DIR "hsos-wireguard"

struct Cmd {
        StrBuf *b;
        /* While the client's own options are written: extraOptions replace
         * each option they set too, and the plan is told in a note. */
        const ClientOptions *opts;
        const char *client;
        char * const *user;     /* the extraOptions words */
        char ***notes;          /* where the notes go, or NULL */
        StrBuf dropped;         /* the words of the agent's option being left out */
        const char *dropped_by; /* the user's word that sets it ... */
        size_t dropped_by_len;  /* ... and the length of its option part */
        bool value_next;        /* the next word, unless an option, is its value */
};

static char ascii_lower(char ch) {
        return ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
}

/* The end of name at the start of p, by the client's rules, or NULL. */
static const char *match_name(const ClientOptions *o, const char *p, const char *name) {
        for (;;) {
                if (o->ignore_underscore) {
                        while (*p == '_')
                                p++;
                        while (*name == '_')
                                name++;
                }
                if (!*name)
                        return p;
                if (*p != *name && !(o->ignore_case && ascii_lower(*p) == ascii_lower(*name)))
                        return NULL;
                p++;
                name++;
        }
}

/* Whether word sets the option called name: the length of its option part
 * ("--name" of "--name=value"), or 0. */
static size_t option_sets(const ClientOptions *o, const char *word, const char *name) {
        bool is_short = name[0] == '-';
        const char *p, *end;

        if (is_short) {
                if (word[0] != '-' || word[1] == '-')
                        return 0;
                p = word + 1;
                name++;
        } else if (word[0] == '-' && word[1] == '-')
                p = word + 2;
        else if (word[0] == '-' && o->single_dash)
                p = word + 1;
        else
                return 0;
        end = match_name(o, p, name);
        if (!end)
                return 0;
        if (!*end || *end == '=' || (o->colon_value && *end == ':') ||
            (is_short && o->short_attached && strlen(name) == 1))
                return (size_t) (end - word);
        return 0;
}

/* The user's word that sets any of names (the first), or NULL. Words after
 * a "--" are no options. */
static const char *user_sets(const Cmd *c, const char * const *names, size_t *ret_len) {
        STRV_FOREACH(w, c->user) {
                if (streq(*w, "--"))
                        break;
                for (const char * const *n = names; *n; n++) {
                        size_t len = option_sets(c->opts, *w, *n);
                        if (len > 0) {
                                *ret_len = len;
                                return *w;
                        }
                }
        }
        return NULL;
}

/* The user's word that sets the agent's option word, or NULL: by the names
 * of its entry in the client's table; an option missing there by its own. */
static const char *user_sets_option(const Cmd *c, const char *word, size_t *ret_len) {
        const char *own[2] = {}, *by;
        char *name;

        for (size_t i = 0; i < c->opts->n_options; i++) {
                const char * const *names = c->opts->options[i].names;
                for (const char * const *n = names; *n; n++)
                        if (option_sets(c->opts, word, *n) > 0)
                                return user_sets(c, names, ret_len);
        }
        name = strndup(word + strspn(word, "-"), strcspn(word + strspn(word, "-"), "="));
        if (!name) {
                c->b->err = -ENOMEM;
                return NULL;
        }
        own[0] = name;
        by = user_sets(c, own, ret_len);
        free(name);
        return by;
}

/* The note for the option left out, if one was. */
static void cmd_flush(Cmd *c) {
        if (!c->dropped_by)
                return;
        if (c->dropped.err)
                c->b->err = c->dropped.err;
        else if (c->notes &&
                 strv_extendf(c->notes, "%s: %.*s from extraOptions replaces the agent's %s", c->client,
                              (int) c->dropped_by_len, c->dropped_by, c->dropped.s) < 0)
                c->b->err = -ENOMEM;
        sb_done(&c->dropped);
        c->dropped = (StrBuf) {};
        c->dropped_by = NULL;
}

/* A word of the agent's option being left out, for its note; the unit's own
 * specifiers as the service sees them (%d its credentials, %t /run). */
static void note_word(Cmd *c, const char *word, bool specifier) {
        if (c->dropped.len > 0)
                sb_appendc(&c->dropped, ' ');
        for (const char *p = word; *p; p++)
                if (specifier && *p == '%' && p[1] == 'd') {
                        sb_append(&c->dropped, "$CREDENTIALS_DIRECTORY");
                        p++;
                } else if (specifier && *p == '%' && p[1] == 't') {
                        sb_append(&c->dropped, "/run");
                        p++;
                } else
                        sb_appendc(&c->dropped, *p);
}

/* Whether the agent's word is left out: an option that extraOptions set
 * too, with its value word. A word starting with '-' is an option; after an
 * option without '=', a word that does not is its value. */
static bool left_out(Cmd *c, const char *word, bool specifier) {
        const char *by;
        size_t len = 0;

        if (!c->opts)
                return false;
        if (word[0] != '-') {
                if (!c->value_next)
                        return false;
                c->value_next = false;
                note_word(c, word, specifier);
                return true;
        }
        cmd_flush(c);
        c->value_next = false;
        by = user_sets_option(c, word, &len);
        if (!by)
                return false;
        c->dropped_by = by;
        c->dropped_by_len = len;
        c->value_next = !strchr(word, '=');
        note_word(c, word, specifier);
        return true;
}

static void arg(Cmd *c, const char *word) {
        if (left_out(c, word, false))
                return;
        sb_append(c->b, " \\\n        ");
        cmdline_append_word(c->b, word, false);
}

void cmd_arg(Cmd *c, const char *word) {
        arg(c, word);
}

void cmd_argf(Cmd *c, const char *fmt, ...) {
        _cleanup_free_ char *w = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&w, fmt, ap);
        va_end(ap);
        if (r < 0) {
                c->b->err = -ENOMEM;
                return;
        }
        arg(c, w);
}

void cmd_arg_specifier(Cmd *c, const char *word) {
        if (left_out(c, word, true))
                return;
        sb_append(c->b, " \\\n        ");
        sb_append(c->b, word);
}

void cmd_arg_jwt(Cmd *c, const char *prefix) {
        _cleanup_free_ char *w = NULL;

        if (asprintf(&w, "%s%%d/" JWT_CREDENTIAL, prefix) < 0) {
                c->b->err = -ENOMEM;
                return;
        }
        cmd_arg_specifier(c, w);
}

/* The client's port of that kind. A kind its table lacks is our mistake,
 * never a port 0 on the command line: the unit fails to render (-ENOENT). */
static unsigned port_of(StrBuf *b, const Config *cfg, Client client, PortKind kind) {
        int r = config_client_port(cfg, client, kind);

        if (r < 0) {
                if (!b->err)
                        b->err = r;
                return 0;
        }
        return (unsigned) r;
}

unsigned cmd_port(Cmd *c, const Config *cfg, Client client, PortKind kind) {
        return port_of(c->b, cfg, client, kind);
}

void cmd_fail(Cmd *c, int error) {
        if (!c->b->err)
                c->b->err = error;
}

/* A path in a setting that is not a command line (RequiresMountsFor=,
 * ReadWritePaths=, LoadCredential=...): validation already refused spaces,
 * quotes, backslashes and control characters; specifiers are escaped. */
static void append_path(StrBuf *b, const char *path) {
        for (const char *p = path; *p; p++)
                if (*p == '%')
                        sb_append(b, "%%");
                else
                        sb_appendc(b, *p);
}

void format_host_port(char *buf, size_t n, const char *host, unsigned port) {
        if (strchr(host, ':'))
                snprintf(buf, n, "[%s]:%u", host, port);
        else
                snprintf(buf, n, "%s:%u", host, port);
}

/* ssv-node reads a YAML file (it will not start without one) and lets the
 * environment override it: the settings go in Environment=, and the file is
 * written to the runtime directory as the service's user. A missing operator
 * key (and its password) is generated before the first start, as HomestakerOS
 * does, and handed to the service's user, mode 0600: as that user when the
 * files lie in a client's data dir (ssv-node's own, by default), with full
 * privileges only where no client may write (a root-owned secrets directory).
 * Paths reach both scripts as arguments, never inside the script text. */
static const char ssv_keygen_script[] =
        "set -eu; umask 077; "
        "if [ ! -e \"$2\" ]; then "
        "head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > \"$2.tmp\"; mv \"$2.tmp\" \"$2\"; "
        "fi; "
        "if [ ! -e \"$1\" ]; then "
        "d=$(mktemp -d); cd \"$d\"; "
        "\"$3\" generate-operator-keys --password-file=\"$2\"; "
        "mv encrypted_private_key.json \"$1\"; cd /; rmdir \"$d\"; "
        "fi; "
        "chown \"$4:$4\" \"$1\" \"$2\"; chmod 0600 \"$1\" \"$2\"";

/* The operator's public key beside its private key, <key>.pub, as
 * HomestakerOS writes it (its web UI reads it to show the node's operator):
 * the base64 key, from the "pubkey" field (older ssv: "pubKey") of the
 * encrypted keystore ssvnode generate-operator-keys writes. Run as the
 * service's user, who owns the data dir: no root in a directory it writes.
 * Where it cannot write, it says so and the node starts all the same. */
static const char ssv_pubkey_script[] =
        "[ -s \"$1.pub\" ] && exit 0; "
        "pk=$(sed -n 's/.*\"pub[kK]ey\" *: *\"\\([^\"]*\\)\".*/\\1/p' \"$1\" 2>/dev/null); "
        "if [ -z \"$pk\" ]; then echo \"no public key in $1: $1.pub not written\" >&2; exit 0; fi; "
        "umask 022; "
        "if printf '%s\\n' \"$pk\" > \"$1.pub.tmp\" && mv -f \"$1.pub.tmp\" \"$1.pub\"; then exit 0; fi; "
        "rm -f \"$1.pub.tmp\"; echo \"cannot write $1.pub\" >&2; exit 0";

/* Whether ssv-node's key or password file lies in a directory a client owns
 * (under an enabled client's dataDir, ssv-node's own included). */
static bool ssv_keys_in_client_dir(const Config *cfg, const ClientConfig *ssv) {
        for (Client cl = 0; cl < _CLIENT_MAX; cl++) {
                const char *dd = cfg->clients[cl].data_dir;

                if ((!cfg->clients[cl].enable && cl != CLIENT_SSV_NODE) || !dd)
                        continue;
                if (path_startswith_dir(ssv->private_key_file, dd) ||
                    path_startswith_dir(ssv->private_key_password_file, dd))
                        return true;
        }
        return false;
}

static const char ssv_config_script[] =
        "printf 'global:\\n  LogLevel: info\\n' > \"$RUNTIME_DIRECTORY/config.yaml\"";

static const ClientConfig *first_enabled(const Config *cfg, Role role, Client *ret) {
        for (Client cl = 0; cl < _CLIENT_MAX; cl++)
                if (client_info(cl)->role == role && cfg->clients[cl].enable) {
                        *ret = cl;
                        return &cfg->clients[cl];
                }
        return NULL;
}

static void env_line(StrBuf *b, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void env_line(StrBuf *b, const char *name, const char *fmt, ...) {
        _cleanup_free_ char *value = NULL, *word = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&value, fmt, ap);
        va_end(ap);
        if (r < 0 || asprintf(&word, "%s=%s", name, value) < 0) {
                b->err = -ENOMEM;
                return;
        }
        /* Environment= expands specifiers but not variables: '%' is doubled, '$' is not. */
        sb_append(b, "Environment=\"");
        for (const char *p = word; *p; p++)
                switch (*p) {
                case '%':
                        sb_append(b, "%%");
                        break;
                case '"':
                case '\\':
                        sb_appendc(b, '\\');
                        sb_appendc(b, *p);
                        break;
                default:
                        sb_appendc(b, *p);
                }
        sb_append(b, "\"\n");
}

static void render_ssv_environment(StrBuf *b, const Config *cfg) {
        const ClientConfig *cc = &cfg->clients[CLIENT_SSV_NODE], *el, *cl;
        Client elc = CLIENT_GETH, clc = CLIENT_LIGHTHOUSE;
        char ws[300], beacon[300];

        el = first_enabled(cfg, ROLE_EXECUTION, &elc);
        cl = first_enabled(cfg, ROLE_CONSENSUS, &clc);
        if (!el || !cl)
                return;
        format_host_port(ws, sizeof ws, endpoint_connect_host(&el->endpoint), config_ws_port(cfg, elc));
        format_host_port(beacon, sizeof beacon, endpoint_connect_host(&cl->endpoint), cl->endpoint.port);

        env_line(b, "NETWORK", "%s", network_to_string(cfg->network));
        env_line(b, "BEACON_NODE_ADDR", "%s://%s", cl->endpoint.https ? "https" : "http", beacon);
        env_line(b, "ETH_1_ADDR", "ws://%s", ws);
        env_line(b, "DB_PATH", "%s/db", cc->data_dir);
        env_line(b, "LOG_FILE_PATH", "%s/debug.log", cc->data_dir);
        env_line(b, "PRIVATE_KEY_FILE", "%s", cc->private_key_file);
        env_line(b, "PASSWORD_FILE", "%s", cc->private_key_password_file);
        env_line(b, "TCP_PORT", "%u", port_of(b, cfg, CLIENT_SSV_NODE, PORT_P2P));
        env_line(b, "UDP_PORT", "%u", port_of(b, cfg, CLIENT_SSV_NODE, PORT_DISCOVERY));
        env_line(b, "METRICS_API_PORT", "%u", port_of(b, cfg, CLIENT_SSV_NODE, PORT_METRICS));
        /* HomestakerOS writes BuilderProposals: true, which ssv-node stopped
         * reading with its v3 proposals (2024-08): since then it proposes
         * blinded blocks when its beacon node has a builder, and with
         * mev-boost every consensus client here has one (--builder, ...). */
}

/* The sandbox every client runs in; JIT runtimes keep writable+executable
 * memory, and a few clients need system calls outside @system-service. */
static void render_hardening(StrBuf *b, Client client) {
        const ClientInfo *info = client_info(client);

        sb_append(b,
                  "NoNewPrivileges=yes\n"
                  "CapabilityBoundingSet=\n"
                  "AmbientCapabilities=\n"
                  "ProtectSystem=strict\n"
                  "ProtectHome=yes\n"
                  "PrivateTmp=yes\n"
                  "PrivateDevices=yes\n"
                  "PrivateUsers=yes\n"
                  "PrivateIPC=yes\n"
                  "ProtectHostname=yes\n"
                  "ProtectClock=yes\n"
                  "ProtectKernelTunables=yes\n"
                  "ProtectKernelModules=yes\n"
                  "ProtectKernelLogs=yes\n"
                  "ProtectControlGroups=yes\n"
                  "ProtectProc=invisible\n"
                  "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK\n"
                  "RestrictNamespaces=yes\n"
                  "RestrictRealtime=yes\n"
                  "RestrictSUIDSGID=yes\n"
                  "RemoveIPC=yes\n"
                  "LockPersonality=yes\n"
                  "KeyringMode=private\n"
                  "DevicePolicy=closed\n");
        if (!info->wx_memory)
                sb_append(b, "MemoryDenyWriteExecute=yes\n");
        sb_append(b, "SystemCallArchitectures=native\n"
                     "SystemCallFilter=@system-service\n"
                     "SystemCallFilter=~@privileged\n");
        if (info->syscalls_extra)
                sb_appendf(b, "SystemCallFilter=%s\n", info->syscalls_extra);
        sb_append(b, "SystemCallErrorNumber=EPERM\n");
}

static void render_wireguard(StrBuf *b, const RenderContext *ctx) {
        const Config *cfg = ctx->config;
        Cmd c = { b };

        sb_appendf(b, "[Unit]\nDescription=WireGuard VPN %s (vpn.wireguard)\n", cfg->wireguard_interface);
        sb_appendf(b, "Documentation=%s\n", client_info(CLIENT_WIREGUARD)->doc);
        /* As Debian's wg-quick@.service: after the network is online (and
         * names resolve, for endpoints). Not Before=network.target as well:
         * network-online.target is after network.target, so that is a cycle,
         * which systemd breaks by dropping a job (at shutdown, the stop of
         * network-online.target). The clients are ordered after this unit. */
        sb_append(b, "Wants=network-online.target nss-lookup.target\n"
                     "After=network-online.target nss-lookup.target\n");
        sb_append(b, "RequiresMountsFor=");
        append_path(b, cfg->wireguard_config_file);
        sb_append(b, "\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\n");
        /* wg-quick takes only a file named <interface>.conf, and HomestakerOS's
         * files are often named just "wg0": as NixOS's wg-quick module does,
         * it gets a copy by that name, in RAM (/run, mode 0600, gone when the
         * unit stops), made when the unit starts; never on the disk. */
        sb_append(b, "RuntimeDirectory=" WIREGUARD_RUNTIME_DIR "\nRuntimeDirectoryMode=0700\n");
        sb_append(b, "ExecStartPre=/bin/sh -c ");
        cmdline_append_word(b, "umask 077; cat -- \"$1\" > \"$RUNTIME_DIRECTORY/$2.conf\"", true);
        arg(&c, "sh");
        arg(&c, cfg->wireguard_config_file);
        arg(&c, cfg->wireguard_interface);
        sb_append(b, "\nExecStart=");
        cmdline_append_executable(b, ctx->executable);
        arg(&c, "up");
        cmd_argf(&c, "/run/" WIREGUARD_RUNTIME_DIR "/%s.conf", cfg->wireguard_interface);
        sb_append(b, "\nExecStop=");
        cmdline_append_executable(b, ctx->executable);
        arg(&c, "down");
        cmd_argf(&c, "/run/" WIREGUARD_RUNTIME_DIR "/%s.conf", cfg->wireguard_interface);
        /* wg-quick needs root with CAP_NET_ADMIN, sysctls and resolvconf:
         * confine what does not get in its way. */
        sb_append(b, "\nTimeoutStopSec=30s\n"
                     "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW\n"
                     "NoNewPrivileges=yes\n"
                     "ProtectHome=yes\n"
                     "PrivateTmp=yes\n"
                     "ProtectClock=yes\n"
                     "ProtectKernelLogs=yes\n"
                     "ProtectControlGroups=yes\n"
                     "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK\n"
                     "RestrictRealtime=yes\n"
                     "RestrictSUIDSGID=yes\n"
                     "LockPersonality=yes\n"
                     "MemoryDenyWriteExecute=yes\n"
                     "SystemCallArchitectures=native\n");
}

int render_unit(const RenderContext *ctx, Client client, char **ret) {
        const Config *cfg = ctx->config;
        const ClientInfo *info = client_info(client);
        const ClientConfig *cc = &cfg->clients[client];
        bool jwt = info->role == ROLE_EXECUTION || info->role == ROLE_CONSENSUS;
        StrBuf b = {};
        Cmd c = { &b };

        sb_appendf(&b, "# Written by hsos-agent from node.json (%s) on every boot; edit node.json, not this file.\n",
                   config_client_path(client));
        if (client == CLIENT_WIREGUARD) {
                render_wireguard(&b, ctx);
                return sb_steal(&b, ret);
        }

        sb_appendf(&b, "[Unit]\nDescription=%s %s (%s)\n", info->title, info->name,
                   network_to_string(cfg->network));
        sb_appendf(&b, "Documentation=%s\n", info->doc);
        sb_append(&b, "Wants=network-online.target\nAfter=network-online.target");
        STRV_FOREACH(a, ctx->after)
                sb_appendf(&b, " %s", *a);
        sb_appendc(&b, '\n');
        /* As HomestakerOS: without its VPN a client does not run. */
        if (ctx->requires)
                sb_appendf(&b, "Requires=%s\n", ctx->requires);
        if (cc->data_dir && client != CLIENT_MEV_BOOST) {
                sb_append(&b, "RequiresMountsFor=");
                append_path(&b, cc->data_dir);
                if (jwt) {
                        sb_appendc(&b, ' ');
                        append_path(&b, cc->jwt_secret_file);
                }
                sb_appendc(&b, '\n');
        }
        /* A client that keeps failing is restarted for ever, as HomestakerOS does. */
        sb_append(&b, "StartLimitIntervalSec=0\n");

        sb_appendf(&b, "\n[Service]\nType=simple\nUser=%s\nGroup=%s\n", info->name, info->name);
        if (jwt) {
                sb_append(&b, "LoadCredential=" JWT_CREDENTIAL ":");
                append_path(&b, cc->jwt_secret_file);
                sb_appendc(&b, '\n');
        }
        if (client == CLIENT_SSV_NODE) {
                sb_append(&b, "RuntimeDirectory=ssv-node\nRuntimeDirectoryMode=0700\nWorkingDirectory=");
                append_path(&b, cc->data_dir);
                sb_appendc(&b, '\n');
                render_ssv_environment(&b, cfg);
                /* With full privileges ('+') only where no client may write:
                 * in a client's data dir (ssv-node's own, by default) root
                 * would chown and write by path where that client can plant a
                 * symlink, so the step runs as ssv-node, who may write there. */
                sb_append(&b, ssv_keys_in_client_dir(cfg, cc) ? "ExecStartPre=/bin/sh -c " : "ExecStartPre=+/bin/sh -c ");
                cmdline_append_word(&b, ssv_keygen_script, true);
                arg(&c, "sh");
                arg(&c, cc->private_key_file);
                arg(&c, cc->private_key_password_file);
                arg(&c, ctx->executable);
                arg(&c, info->name);
                sb_append(&b, "\nExecStartPre=/bin/sh -c ");
                cmdline_append_word(&b, ssv_pubkey_script, true);
                arg(&c, "sh");
                arg(&c, cc->private_key_file);
                sb_append(&b, "\nExecStartPre=/bin/sh -c ");
                cmdline_append_word(&b, ssv_config_script, true);
                sb_appendc(&b, '\n');
        }

        sb_append(&b, "ExecStart=");
        cmdline_append_executable(&b, ctx->executable);
        if (info->subcommand)
                arg(&c, info->subcommand);
        /* extraOptions replace every option of the agent they set too (a
         * client may refuse one given twice): it is left out, with a note. */
        c.opts = &info->options;
        c.client = info->name;
        c.user = cc->extra_args;
        c.notes = ctx->notes;
        info->args(&c, cfg, client);
        cmd_flush(&c);
        c.opts = NULL;
        /* extraOptions: HomestakerOS's words, each written back quoted. */
        STRV_FOREACH(w, cc->extra_args) {
                sb_append(&b, " \\\n        ");
                cmdline_append_word(&b, *w, true);
        }
        sb_appendc(&b, '\n');

        sb_appendf(&b, "Restart=always\nRestartSec=5s\nTimeoutStopSec=%us\n", info->timeout_stop_sec);
        if (info->restart_prevent_exit_status > 0)
                sb_appendf(&b, "RestartPreventExitStatus=%i\n", info->restart_prevent_exit_status);
        sb_append(&b, "UMask=0077\n");
        if (cc->data_dir && client != CLIENT_MEV_BOOST) {
                sb_append(&b, "ReadWritePaths=");
                append_path(&b, cc->data_dir);
                sb_appendc(&b, '\n');
        }
        render_hardening(&b, client);
        return sb_steal(&b, ret);
}

int render_mount_dropin(const MountConfig *m, char **ret) {
        StrBuf b = {};

        sb_appendf(&b, "# Written by hsos-agent from node.json (mounts.%s.before) on every boot.\n", m->name);
        sb_append(&b, "[Unit]\nRequiresMountsFor=");
        append_path(&b, m->where);
        sb_appendc(&b, '\n');
        return sb_steal(&b, ret);
}

/* The value the user's word gives its option: after '=' (or ':' where the
 * client reads that), else the next word; NULL when there is none. */
static const char *user_value(const ClientOptions *o, char * const *user, const char *word, size_t len) {
        if (word[len] == '=' || (o->colon_value && word[len] == ':'))
                return word + len + 1;
        STRV_FOREACH(w, user)
                if (*w == word)
                        return w[1] && w[1][0] != '-' ? w[1] : NULL;
        return NULL;
}

static int parse_port_word(const char *s, uint16_t *ret) {
        unsigned v = 0;

        if (!s || !*s || strlen(s) > 5 || strspn(s, "0123456789") != strlen(s))
                return -EINVAL;
        for (const char *p = s; *p; p++)
                v = v * 10 + (unsigned) (*p - '0');
        if (v < 1 || v > 65535)
                return -EINVAL;
        *ret = (uint16_t) v;
        return 0;
}

static void listen_add(ListenPort *ret, size_t *n, const ClientPort *cp, uint16_t port, unsigned protos,
                       bool from_user) {
        for (size_t i = 0; i < *n; i++)
                if (ret[i].kind == cp->kind && ret[i].port == port) {
                        ret[i].protos |= protos;
                        ret[i].from_user |= from_user;
                        return;
                }
        ret[(*n)++] = (ListenPort) {
                .kind = cp->kind, .what = cp->what, .port = port, .protos = protos, .bind = cp->bind,
                .from_user = from_user,
        };
}

int render_listen_ports(const Config *cfg, Client client, ListenPort ret[static LISTEN_PORTS_MAX], size_t *ret_n,
                        char **ret_error) {
        const ClientInfo *info = client_info(client);
        const ClientConfig *cc = &cfg->clients[client];
        Cmd c = { .opts = &info->options, .user = cc->extra_args };
        uint16_t user_p2p = 0;
        size_t n = 0;

        /* The user's P2P port first: a port the agent does not pass (erigon's
         * second protocol) follows it as the client does. */
        for (size_t pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < info->n_ports; i++) {
                        const ClientPort *cp = &info->ports[i];
                        unsigned left = cp->protos;
                        bool has_option = false;
                        int v;

                        if ((pass == 0) != (cp->kind == PORT_P2P))
                                continue;
                        for (size_t k = 0; k < info->n_port_options; k++) {
                                const ClientPortOption *po = &info->port_options[k];
                                const char * const *names;
                                const char *word, *value;
                                size_t len = 0;
                                uint16_t port;

                                if (po->kind != cp->kind)
                                        continue;
                                has_option = true;
                                names = client_option_names(client, po->name);
                                word = names && c.user ? user_sets(&c, names, &len) : NULL;
                                if (!word)
                                        continue;
                                value = user_value(c.opts, c.user, word, len);
                                if (parse_port_word(value, &port) < 0) {
                                        if (ret_error &&
                                            asprintf(ret_error, "%s sets %s's %s port to %s%s%s, which is not a "
                                                     "port (a whole number 1-65535)", word, info->name, cp->what,
                                                     value ? "\"" : "nothing", value ?: "", value ? "\"" : "") < 0)
                                                return -ENOMEM;
                                        return -EINVAL;
                                }
                                if (cp->kind == PORT_P2P && (po->protos & PROTO_TCP))
                                        user_p2p = port;
                                listen_add(ret, &n, cp, port, po->protos & cp->protos, true);
                                left &= ~po->protos;
                        }
                        if (!left)
                                continue;
                        v = config_client_port(cfg, client, cp->kind);
                        if (!has_option && user_p2p && cp->move == MOVE_P2P_OFFSET)
                                v = user_p2p + cp->port;
                        if (v < 1 || v > 65535) {
                                if (ret_error && asprintf(ret_error, "%s's %s port would be %d, which is not a port",
                                                          info->name, cp->what, v) < 0)
                                        return -ENOMEM;
                                return -EINVAL;
                        }
                        listen_add(ret, &n, cp, (uint16_t) v, left, false);
                }
        *ret_n = n;
        return 0;
}
