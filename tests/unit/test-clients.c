/* SPDX-License-Identifier: MIT */
/* Each client is described once (agent/core/clients/<name>.c), and what the
 * others read of it is whole: a description for every Client, its node.json
 * path in its role's section, each option that moves a port named in its
 * option table and moving a port it has, and the JSON the Nix module reads
 * (nix/lib/clients.json) saying the same. */
#include <cJSON.h>

#include "harness.h"
#include "hsos/clients.h"
#include "hsos/util.h"

static const char *section(Role r) {
        switch (r) {
        case ROLE_EXECUTION:
                return "execution";
        case ROLE_CONSENSUS:
                return "consensus";
        case ROLE_ADDON:
                return "addons";
        case ROLE_VPN:
                return "vpn";
        case _ROLE_MAX:
        case _ROLE_INVALID:
                break;
        }
        return NULL;
}

TEST(every_client_is_described) {
        for (Client c = 0; c < _CLIENT_MAX; c++) {
                const ClientInfo *info = client_info(c);
                char path[128];

                ASSERT_NOT_NULL(info);
                ASSERT_EQ(client_from_string(info->name), c);
                ASSERT_NOT_NULL(info->title);
                ASSERT_NOT_NULL(info->doc);
                ASSERT_NOT_NULL(info->executable);
                snprintf(path, sizeof path, "%s.%s", section(info->role), info->name);
                ASSERT_STREQ(info->config_path, path);
                /* wireguard's unit is wg-quick's own; every other client's
                 * command line is its description's. */
                ASSERT_EQ(info->args == NULL, c == CLIENT_WIREGUARD);
                ASSERT_EQ(info->options.n_options == 0, c == CLIENT_WIREGUARD);
        }
        ASSERT_NULL(client_info(_CLIENT_MAX));
}

TEST(port_options_are_options_of_ports_the_client_has) {
        for (Client c = 0; c < _CLIENT_MAX; c++) {
                const ClientInfo *info = client_info(c);

                for (size_t i = 0; i < info->n_port_options; i++) {
                        const ClientPortOption *po = &info->port_options[i];
                        const ClientPort *cp = client_port(c, po->kind);

                        if (!client_option_names(c, po->name))
                                HARNESS_FAIL("%s: %s is not in its option table", info->name, po->name);
                        if (!cp)
                                HARNESS_FAIL("%s: %s moves a port it has none of", info->name, po->name);
                        ASSERT_TRUE(cp->bind == BIND_ANY);
                        ASSERT_TRUE(po->protos != 0 && (po->protos & ~cp->protos) == 0);
                }
        }
}

TEST(known_names_of_a_role_are_its_clients_in_order) {
        const char *names[_CLIENT_MAX + 1];

        client_names_of_role(ROLE_EXECUTION, names);
        ASSERT_STREQ(names[0], "geth");
        ASSERT_STREQ(names[4], "reth");
        ASSERT_NULL(names[5]);
        client_names_of_role(ROLE_ADDON, names);
        ASSERT_STREQ(names[0], "mev-boost");
        ASSERT_STREQ(names[1], "ssv-node");
        ASSERT_NULL(names[2]);
        client_names_of_role(ROLE_VPN, names);
        ASSERT_STREQ(names[0], "wireguard");
        ASSERT_NULL(names[1]);
}

TEST(clients_json_says_what_the_descriptions_say) {
        _cleanup_free_ char *text = NULL;
        cJSON *root, *prysm, *p, *o;

        ASSERT_OK(clients_json(&text));
        root = cJSON_Parse(text);
        ASSERT_NOT_NULL(root);
        ASSERT_EQ(cJSON_GetArraySize(root), _CLIENT_MAX);
        prysm = cJSON_GetObjectItemCaseSensitive(root, "prysm");
        ASSERT_STREQ(cJSON_GetObjectItemCaseSensitive(prysm, "role")->valuestring, "consensus");
        ASSERT_STREQ(cJSON_GetObjectItemCaseSensitive(prysm, "endpoint")->valuestring, "http://127.0.0.1:3500");
        p = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(prysm, "ports"), 1);
        ASSERT_STREQ(cJSON_GetObjectItemCaseSensitive(p, "kind")->valuestring, "quic");
        ASSERT_STREQ(cJSON_GetObjectItemCaseSensitive(p, "move")->valuestring, "p2pOffset");
        ASSERT_EQ(cJSON_GetObjectItemCaseSensitive(p, "port")->valueint, 0);
        ASSERT_STREQ(cJSON_GetObjectItemCaseSensitive(p, "bind")->valuestring, "any");
        ASSERT_STREQ(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p, "protos"), 0)->valuestring, "udp");
        ASSERT_TRUE(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(prysm, "syntax"),
                                                                  "singleDash")));
        /* nethermind's port option, by every spelling of its entry. */
        o = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "nethermind"),
                                                                "options"), 0);
        ASSERT_EQ(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(o, "names")), 2);
        ASSERT_STREQ(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(o, "names"), 1)->valuestring,
                     "network-p2pport");
        ASSERT_TRUE(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "ssv-node"),
                                                                  "endpoint")));
        cJSON_Delete(root);
}
