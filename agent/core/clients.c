/* SPDX-License-Identifier: MIT */
#include "hsos/clients.h"
#include "hsos/util.h"

#include "clients/client.h"

/* Each client is described once, in agent/core/clients/<name>.c; this is
 * the list of those descriptions, by Client.
 *
 * wx_memory: the JIT runtimes (teku and besu on the JVM, nethermind on .NET,
 * lodestar on Node.js) need writable and executable memory; prysm and nimbus
 * fail to load under MemoryDenyWriteExecute= in practice (nix-community's
 * ethereum.nix turns it off for both).
 *
 * Ports: the spec's table of ports (docs/configuration.md), which follows
 * HomestakerOS's module, plus what each client opens by its own documentation
 * with the flags the renderer passes (metrics, QUIC, private APIs). The
 * renderer asks for each port by its kind and passes it explicitly; asking a
 * client for a kind it has no entry of fails the unit's rendering, so the
 * table and the units cannot drift apart. A client has one entry of a kind. */
static const ClientInfo * const client_table[_CLIENT_MAX] = {
        [CLIENT_GETH] = &client_geth,
        [CLIENT_NETHERMIND] = &client_nethermind,
        [CLIENT_BESU] = &client_besu,
        [CLIENT_ERIGON] = &client_erigon,
        [CLIENT_RETH] = &client_reth,
        [CLIENT_LIGHTHOUSE] = &client_lighthouse,
        [CLIENT_PRYSM] = &client_prysm,
        [CLIENT_TEKU] = &client_teku,
        [CLIENT_NIMBUS] = &client_nimbus,
        [CLIENT_LODESTAR] = &client_lodestar,
        [CLIENT_MEV_BOOST] = &client_mev_boost,
        [CLIENT_SSV_NODE] = &client_ssv_node,
        [CLIENT_WIREGUARD] = &client_wireguard,
};

const ClientInfo *client_info(Client c) {
        if (c < 0 || c >= _CLIENT_MAX)
                return NULL;
        return client_table[c];
}

const char *client_to_string(Client c) {
        const ClientInfo *i = client_info(c);

        return i ? i->name : NULL;
}

Client client_from_string(const char *s) {
        for (Client c = 0; c < _CLIENT_MAX; c++)
                if (streq(client_table[c]->name, s))
                        return c;
        return _CLIENT_INVALID;
}

void client_names_of_role(Role role, const char *ret[static _CLIENT_MAX + 1]) {
        size_t n = 0;

        for (Client c = 0; c < _CLIENT_MAX; c++)
                if (client_table[c]->role == role)
                        ret[n++] = client_table[c]->name;
        ret[n] = NULL;
}

const char *role_to_string(Role r) {
        static const char * const table[_ROLE_MAX] = {
                [ROLE_EXECUTION] = "execution",
                [ROLE_CONSENSUS] = "consensus",
                [ROLE_ADDON] = "addon",
                [ROLE_VPN] = "vpn",
        };

        if (r < 0 || r >= _ROLE_MAX)
                return NULL;
        return table[r];
}

static const char * const network_table[_NETWORK_MAX] = {
        [NETWORK_MAINNET] = "mainnet",
        [NETWORK_HOODI] = "hoodi",
        [NETWORK_HOLESKY] = "holesky",
        [NETWORK_SEPOLIA] = "sepolia",
};

const char *network_to_string(Network n) {
        if (n < 0 || n >= _NETWORK_MAX)
                return NULL;
        return network_table[n];
}

Network network_from_string(const char *s) {
        for (Network n = 0; n < _NETWORK_MAX; n++)
                if (streq(network_table[n], s))
                        return n;
        return _NETWORK_INVALID;
}

uint64_t network_chain_id(Network n) {
        switch (n) {
        case NETWORK_MAINNET:
                return 1;
        case NETWORK_HOODI:
                return 560048;
        case NETWORK_HOLESKY:
                return 17000;
        case NETWORK_SEPOLIA:
                return 11155111;
        case _NETWORK_MAX:
        case _NETWORK_INVALID:
                break;
        }
        return 0;
}

const ClientPort *client_port(Client c, PortKind kind) {
        const ClientInfo *info = client_info(c);

        for (size_t i = 0; info && i < info->n_ports; i++)
                if (info->ports[i].kind == kind)
                        return &info->ports[i];
        return NULL;
}

uint16_t client_default_p2p_port(Client c) {
        const ClientPort *p = client_port(c, PORT_P2P);

        return p ? p->port : 0;
}

const char * const *client_option_names(Client client, const char *name) {
        const ClientOptions *o = &client_info(client)->options;

        for (size_t i = 0; i < o->n_options; i++)
                if (streq(o->options[i].names[0], name))
                        return o->options[i].names;
        return NULL;
}
