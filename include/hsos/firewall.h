/* SPDX-License-Identifier: MIT */
#pragma once

/* The node's inbound policy, derived from the config and the plan as
 * HomestakerOS's module derives it for NixOS's firewall: loopback, replies,
 * ICMP and ICMPv6 (neighbour discovery), DHCP replies, ssh always, each
 * planned client's P2P ports to the world, the WireGuard ListenPort, each
 * client's APIs only from loopback and the WireGuard interface, the
 * operator's agent.firewall.allowTCP/allowUDP; everything else dropped.
 * Rendered as nftables text for one table of the agent's own, `inet hsos`,
 * which the edge loads in one transaction (hsos/edge/firewall.h). Pure. */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hsos/config.h"
#include "hsos/facts.h"

#define FIREWALL_TABLE "hsos"
#define FIREWALL_SSH_PORT 22

typedef struct Plan Plan;

typedef enum FirewallScope {
        FIREWALL_OPEN,      /* from anywhere */
        FIREWALL_PRIVATE,   /* only from loopback and the WireGuard interface */
        _FIREWALL_SCOPE_MAX,
        _FIREWALL_SCOPE_INVALID = -EINVAL,
} FirewallScope;

typedef struct FirewallPort {
        uint16_t port;
        unsigned protos;    /* PROTO_TCP | PROTO_UDP */
        FirewallScope scope;
        char *why;          /* "ssh", "geth P2P", "lighthouse beacon API", "agent.firewall.allowTCP" */
} FirewallPort;

typedef struct Firewall {
        bool enabled;       /* agent.firewall.enable: false leaves the ports to another firewall */
        char *private_ifname; /* the WireGuard interface, NULL without one */
        FirewallPort *ports; /* in the order of the plan: ssh, the VPN, the units, the operator's */
        size_t n_ports;
        char *ruleset;      /* the nftables text: the table flushed and filled, or
                             * (not enabled) removed */
        unsigned n_rules;   /* rules in the ruleset's chains */
        char **notes;       /* what the firewall could not know (a WireGuard port unread) */
} Firewall;

int firewall_build(const Config *c, const Plan *p, const Facts *f, Firewall **ret);
Firewall *firewall_free(Firewall *fw);
static inline void firewall_freep(Firewall **fw) {
        firewall_free(*fw);
}

/* "tcp", "udp" or "tcp+udp". */
const char *firewall_protos_to_string(unsigned protos);
const char *firewall_scope_to_string(FirewallScope s);

/* One line per port in plain words: "30303/tcp+udp open: geth P2P",
 * "5052/tcp only on wg0: lighthouse beacon API". */
int firewall_port_describe(const Firewall *fw, const FirewallPort *p, char **ret);
