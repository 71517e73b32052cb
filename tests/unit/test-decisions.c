/* SPDX-License-Identifier: MIT */
/* Decisions of the core that the mutation test (tests/mutants/) found no
 * test guarding: each test here kills the mutant named above it. */

#include "harness.h"
#include "hsos/config.h"
#include "hsos/util.h"

/* Parses s; returns the errors (printed, so a failing test shows them). */
static char **parse_errors(const char *s, Config **ret) {
        char **errors = NULL;

        (void) config_parse(s, strlen(s), ret, &errors);
        STRV_FOREACH(e, errors)
                printf("#   error: %s\n", *e);
        return errors;
}

/* Mutant port-clash-protocols: a TCP and a UDP listener on one port do not
 * clash. reth with lighthouse on their defaults, a common pair: reth's
 * metrics on TCP 9001 (loopback), lighthouse's QUIC on UDP 9001 (all
 * addresses). Refusing it would keep such a node from booting. */
TEST(tcp_and_udp_on_one_port_do_not_clash) {
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_strv_free_ char **errors = parse_errors(
                "{\"execution\": {\"reth\": {\"enable\": true}}, \"consensus\": {\"lighthouse\": {\"enable\": true}}}", &c);

        ASSERT_EQ(strv_length(errors), 0);
        ASSERT_NOT_NULL(c);
        /* The premise: both on 9001, one TCP, the other UDP. */
        ASSERT_EQ(config_client_port(c, CLIENT_RETH, PORT_METRICS), 9001);
        ASSERT_EQ(config_client_port(c, CLIENT_LIGHTHOUSE, PORT_QUIC), 9001);
}

/* The same without relying on defaults: lighthouse's P2P on 6059 puts its
 * QUIC (UDP) on 6060, geth's metrics port (TCP): accepted. Its P2P on 6060
 * (TCP and UDP) is refused, so the protocol is what makes the difference. */
TEST(a_port_clashes_only_on_a_shared_protocol) {
        _cleanup_(config_freep) Config *ok = NULL, *bad = NULL;
        _cleanup_strv_free_ char **errors = parse_errors(
                "{\"execution\": {\"geth\": {\"enable\": true}},"
                " \"consensus\": {\"lighthouse\": {\"enable\": true, \"port\": 6059}}}", &ok);
        _cleanup_strv_free_ char **refused = parse_errors(
                "{\"execution\": {\"geth\": {\"enable\": true}},"
                " \"consensus\": {\"lighthouse\": {\"enable\": true, \"port\": 6060}}}", &bad);

        ASSERT_EQ(strv_length(errors), 0);
        ASSERT_EQ(strv_length(refused), 1);
        ASSERT_CONTAINS(refused[0], "consensus.lighthouse.port: lighthouse would listen on port 6060 on all addresses (P2P), "
                                    "which geth already uses for 127.0.0.1:6060 (metrics)");
}
