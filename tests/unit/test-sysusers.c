/* SPDX-License-Identifier: MIT */
/* The users the units run as are created by the sysusers.d file the image
 * ships: each client's user, with the uid the client table gives (the data
 * on the persistent disks is owned by it). */
#include "harness.h"
#include "hsos/clients.h"
#include "hsos/util.h"

TEST(sysusers_file_matches_the_client_table) {
        FILE *f = fopen("initrd-hooks/hsos-agent.sysusers", "re");
        char line[256], name[64];
        unsigned uid, found = 0;
        bool group = false;

        ASSERT_NOT_NULL(f);
        while (fgets(line, sizeof line, f)) {
                if (sscanf(line, "g %63s", name) == 1 && streq(name, "hsos"))
                        group = true;
                if (sscanf(line, "u %63s %u", name, &uid) != 2)
                        continue;
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
        /* Every client with a user (all but wireguard, which runs as root). */
        ASSERT_EQ(found, _CLIENT_MAX - 1);
}
