/* SPDX-License-Identifier: MIT */
/* The users the units run as are created by the sysusers.d file the image
 * ships: each client's user, with the uid the client table gives (the data
 * on the persistent disks is owned by it), and the network helper's. */
#include "harness.h"
#include "hsos/clients.h"
#include "hsos/util.h"

TEST(sysusers_file_matches_the_client_table) {
        FILE *f = fopen("initrd-hooks/hsos-agent.sysusers", "re");
        char line[256], name[64];
        unsigned uid, found = 0;
        bool group = false, helper = false;

        ASSERT_NOT_NULL(f);
        while (fgets(line, sizeof line, f)) {
                if (sscanf(line, "g %63s", name) == 1 && streq(name, "hsos"))
                        group = true;
                if (sscanf(line, "u %63s %u", name, &uid) != 2)
                        continue;
                if (streq(name, "hsos-net")) {
                        /* The network helper's user (agent/daemon/nethelper.c): owns nothing,
                         * and no client's data may be its. */
                        for (Client c = 0; c < _CLIENT_MAX; c++)
                                ASSERT_TRUE(client_info(c)->uid != uid);
                        helper = true;
                        continue;
                }
                Client c = client_from_string(name);
                if (c < 0) {
                        fclose(f);
                        HARNESS_FAIL("user %s is no client", name);
                }
                if (client_info(c)->uid != uid) {
                        fclose(f);
                        HARNESS_FAIL("%s: uid %u in the sysusers file, %u in the client table", name, uid,
                                     (unsigned) client_info(c)->uid);
                }
                found++;
        }
        fclose(f);
        ASSERT_TRUE(group);
        ASSERT_TRUE(helper);
        /* Every client with a user (all but wireguard, which runs as root). */
        ASSERT_EQ(found, _CLIENT_MAX - 1);
}
