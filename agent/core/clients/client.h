/* SPDX-License-Identifier: MIT */
#pragma once

/* What a client's description (agent/core/clients/<name>.c) is made with:
 * the words of its command line, written through the unit renderer's Cmd
 * (agent/core/render.c), which leaves out an option extraOptions set too and
 * notes it; and the descriptions themselves, one per client, which
 * agent/core/clients.c lists by Client. */

#include <stddef.h>

#include "hsos/clients.h"
#include "hsos/config.h"
#include "hsos/util.h"

#define CLIENT_OPTIONS(t) .options = (t), .n_options = ELEMENTSOF(t)
#define CLIENT_PORT_OPTIONS(t) .port_options = (t), .n_port_options = ELEMENTSOF(t)

/* A word of the command line: quoted as needed, no specifier expanded. */
void cmd_arg(Cmd *c, const char *word);
void cmd_argf(Cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A fixed word of our own that uses a specifier on purpose (%d: the
 * credentials directory, %t: the runtime directory). Never config content. */
void cmd_arg_specifier(Cmd *c, const char *word);
/* A word naming the JWT credential: prefix, then %d/<the credential>. */
void cmd_arg_jwt(Cmd *c, const char *prefix);
/* The client's port of that kind after node.json. A kind its table lacks is
 * our mistake, never a port 0 on the command line: the unit fails to render. */
unsigned cmd_port(Cmd *c, const Config *cfg, Client client, PortKind kind);
/* The command line cannot be written (-ENOMEM). */
void cmd_fail(Cmd *c, int error);

/* host:port, with brackets around an IPv6 host. */
void format_host_port(char *buf, size_t n, const char *host, unsigned port);

extern const ClientInfo client_geth, client_nethermind, client_besu, client_erigon, client_reth,
        client_lighthouse, client_prysm, client_teku, client_nimbus, client_lodestar,
        client_mev_boost, client_ssv_node, client_wireguard;
