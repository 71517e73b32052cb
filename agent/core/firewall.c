/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "hsos/firewall.h"
#include "hsos/plan.h"
#include "hsos/render.h"
#include "hsos/util.h"

Firewall *firewall_free(Firewall *fw) {
        if (!fw)
                return NULL;
        for (size_t i = 0; i < fw->n_ports; i++)
                free(fw->ports[i].why);
        free(fw->ports);
        free(fw->private_ifname);
        free(fw->ruleset);
        strv_free(fw->notes);
        free(fw);
        return NULL;
}

const char *firewall_protos_to_string(unsigned protos) {
        switch (protos & (PROTO_TCP | PROTO_UDP)) {
        case PROTO_TCP:
                return "tcp";
        case PROTO_UDP:
                return "udp";
        case PROTO_TCP | PROTO_UDP:
                return "tcp+udp";
        }
        return NULL;
}

const char *firewall_scope_to_string(FirewallScope s) {
        static const char * const table[_FIREWALL_SCOPE_MAX] = {
                [FIREWALL_OPEN] = "open",
                [FIREWALL_PRIVATE] = "private",
        };

        if (s < 0 || s >= _FIREWALL_SCOPE_MAX)
                return NULL;
        return table[s];
}

static int add_port(Firewall *fw, uint16_t port, unsigned protos, FirewallScope scope, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
static int add_port(Firewall *fw, uint16_t port, unsigned protos, FirewallScope scope, const char *fmt, ...) {
        FirewallPort *n;
        char *why;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&why, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        n = reallocarray(fw->ports, fw->n_ports + 1, sizeof *n);
        if (!n) {
                free(why);
                return -ENOMEM;
        }
        fw->ports = n;
        fw->ports[fw->n_ports++] = (FirewallPort) { .port = port, .protos = protos, .scope = scope, .why = why };
        return 0;
}

/* What a client's endpoint serves. */
static const char *endpoint_what(Client client) {
        switch (client_info(client)->role) {
        case ROLE_EXECUTION:
                return "engine API";
        case ROLE_CONSENSUS:
                return "beacon API";
        case ROLE_ADDON:
                return "builder API";
        case ROLE_VPN:
        case _ROLE_MAX:
        case _ROLE_INVALID:
                break;
        }
        return "API";
}

static int add_client(Firewall *fw, const Config *c, Client client) {
        const ClientConfig *cc = &c->clients[client];
        const char *name = client_to_string(client);
        ListenPort ports[LISTEN_PORTS_MAX];
        size_t n = 0;
        int r;

        if (client != CLIENT_SSV_NODE && cc->endpoint.port > 0 &&
            (r = add_port(fw, cc->endpoint.port, PROTO_TCP, FIREWALL_PRIVATE, "%s %s", name, endpoint_what(client))) < 0)
                return r;
        /* Validation refused a port extraOptions would make no port. */
        r = render_listen_ports(c, client, ports, &n, NULL);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                const ListenPort *lp = &ports[i];
                r = add_port(fw, lp->port, lp->protos, lp->bind == BIND_ANY ? FIREWALL_OPEN : FIREWALL_PRIVATE,
                             "%s %s%s", name, lp->what, lp->from_user ? " (extraOptions)" : "");
                if (r < 0)
                        return r;
        }
        return 0;
}

static void rule(StrBuf *b, unsigned *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void rule(StrBuf *b, unsigned *n, const char *fmt, ...) {
        va_list ap;
        int r;
        char *s;

        va_start(ap, fmt);
        r = vasprintf(&s, fmt, ap);
        va_end(ap);
        if (r < 0) {
                b->err = -ENOMEM;
                return;
        }
        sb_appendf(b, "\t\t%s\n", s);
        free(s);
        (*n)++;
}

/* A comment in the ruleset: our own words and client names, which hold no
 * quote; kept to what nft takes (128 bytes). */
static void port_rules(StrBuf *b, unsigned *n, const Firewall *fw, const FirewallPort *p) {
        static const struct {
                unsigned proto;
                const char *name;
        } protos[] = { { PROTO_TCP, "tcp" }, { PROTO_UDP, "udp" } };

        for (size_t i = 0; i < ELEMENTSOF(protos); i++) {
                if (!(p->protos & protos[i].proto))
                        continue;
                switch (p->scope) {
                case FIREWALL_OPEN:
                        rule(b, n, "%s dport %u accept comment \"%.100s\"", protos[i].name, p->port, p->why);
                        break;
                case FIREWALL_PRIVATE:
                        /* Loopback is accepted whole; without a WireGuard
                         * interface, loopback alone reaches the port. */
                        if (fw->private_ifname)
                                rule(b, n, "iifname \"%s\" %s dport %u accept comment \"%.100s\"",
                                     fw->private_ifname, protos[i].name, p->port, p->why);
                        break;
                case _FIREWALL_SCOPE_MAX:
                case _FIREWALL_SCOPE_INVALID:
                        break;
                }
        }
}

static int render_ruleset(Firewall *fw) {
        StrBuf b = {};
        unsigned n = 0;

        /* Loaded as one transaction: the table made if missing, emptied, and
         * filled again; nothing of another table (NixOS's, Docker's) is touched. */
        sb_append(&b, "# Written by hsos-agent from node.json and its plan; loaded as one transaction.\n"
                      "table inet " FIREWALL_TABLE "\n"
                      "flush table inet " FIREWALL_TABLE "\n"
                      "table inet " FIREWALL_TABLE " {\n"
                      "\tchain input {\n"
                      "\t\ttype filter hook input priority filter; policy drop;\n");
        rule(&b, &n, "iif \"lo\" accept comment \"loopback\"");
        rule(&b, &n, "ct state established,related accept comment \"replies\"");
        rule(&b, &n, "ct state invalid drop");
        rule(&b, &n, "icmp type { echo-request, destination-unreachable, time-exceeded, parameter-problem } accept "
                     "comment \"ICMP\"");
        /* RFC 4890: what IPv6 needs (path MTU, neighbour and router
         * discovery, multicast listeners), and ping. */
        rule(&b, &n, "icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem, "
                     "echo-request, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, mld-listener-query, "
                     "mld-listener-report, mld2-listener-report } accept comment \"ICMPv6\"");
        rule(&b, &n, "udp sport 67 udp dport 68 accept comment \"DHCP replies\"");
        rule(&b, &n, "ip6 saddr fe80::/10 udp sport 547 udp dport 546 accept comment \"DHCPv6 replies\"");
        for (size_t i = 0; i < fw->n_ports; i++)
                port_rules(&b, &n, fw, &fw->ports[i]);
        sb_append(&b, "\t}\n}\n");
        fw->n_rules = n;
        return sb_steal(&b, &fw->ruleset);
}

int firewall_build(const Config *c, const Plan *p, const Facts *f, Firewall **ret) {
        _cleanup_(firewall_freep) Firewall *fw = calloc(1, sizeof(Firewall));
        const FirewallConfig *fc = &c->agent.firewall;
        bool vpn = plan_find_client_unit(p, CLIENT_WIREGUARD);
        int r;

        if (!fw)
                return -ENOMEM;
        fw->enabled = fc->enable;
        if (vpn && !(fw->private_ifname = strdup(c->wireguard_interface)))
                return -ENOMEM;

        /* Never locks the operator out, whatever the config says. */
        r = add_port(fw, FIREWALL_SSH_PORT, PROTO_TCP, FIREWALL_OPEN, "ssh");
        if (r < 0)
                return r;
        if (vpn && f->wireguard_listen_port > 0 && f->wireguard_listen_port <= 65535)
                r = add_port(fw, (uint16_t) f->wireguard_listen_port, PROTO_UDP, FIREWALL_OPEN, "WireGuard %s",
                             c->wireguard_interface);
        else if (vpn)
                r = strv_extendf(&fw->notes, "firewall: no ListenPort read from %s: WireGuard gets replies to its "
                                 "own handshakes only", c->wireguard_config_file);
        if (r < 0)
                return r;
        for (size_t i = 0; i < p->n_units; i++) {
                Client cl = p->units[i].client;
                if (cl != CLIENT_WIREGUARD && (r = add_client(fw, c, cl)) < 0)
                        return r;
        }
        for (size_t i = 0; i < fc->n_allow_tcp; i++)
                if ((r = add_port(fw, fc->allow_tcp[i], PROTO_TCP, FIREWALL_OPEN, "agent.firewall.allowTCP")) < 0)
                        return r;
        for (size_t i = 0; i < fc->n_allow_udp; i++)
                if ((r = add_port(fw, fc->allow_udp[i], PROTO_UDP, FIREWALL_OPEN, "agent.firewall.allowUDP")) < 0)
                        return r;

        if (fw->enabled)
                r = render_ruleset(fw);
        else
                /* The ports are another firewall's (NixOS's): a table left
                 * from before is removed, made first so that is no error. */
                r = (fw->ruleset = strdup("# Written by hsos-agent: agent.firewall.enable is false, so the agent's "
                                          "table goes.\n"
                                          "table inet " FIREWALL_TABLE "\n"
                                          "delete table inet " FIREWALL_TABLE "\n")) ? 0 : -ENOMEM;
        if (r < 0)
                return r;
        *ret = TAKE_PTR(fw);
        return 0;
}

int firewall_port_describe(const Firewall *fw, const FirewallPort *p, char **ret) {
        const char *scope = p->scope == FIREWALL_OPEN ? "open" : fw->private_ifname ? "only on " : "only on loopback";
        const char *ifname = p->scope == FIREWALL_PRIVATE && fw->private_ifname ? fw->private_ifname : "";

        if (asprintf(ret, "%u/%s %s%s: %s", p->port, firewall_protos_to_string(p->protos), scope, ifname, p->why) < 0)
                return -ENOMEM;
        return 0;
}
