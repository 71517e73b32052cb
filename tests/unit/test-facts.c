/* SPDX-License-Identifier: MIT */
/* Facts: their JSON form both ways, and the look-ups the plan makes. */

#include "harness.h"

#include "hsos/facts.h"
#include "hsos/util.h"

static const char *full_json =
        "{\n"
        "  \"devices\": [\n"
        "    { \"devname\": \"/dev/vdb1\", \"aliases\": [ \"/dev/disk/by-label/data\", \"/dev/disk/by-uuid/1234-abcd\" ],\n"
        "      \"type\": \"ext4\", \"label\": \"data\", \"uuid\": \"1234-abcd\", \"partuuid\": \"0a0b-01\",\n"
        "      \"partlabel\": \"ethereum\" },\n"
        "    { \"devname\": \"/dev/dm-0\", \"aliases\": [ \"/dev/mapper/vg0-eth\" ], \"type\": \"btrfs\",\n"
        "      \"label\": null, \"uuid\": \"u-2\", \"partuuid\": null, \"partlabel\": null },\n"
        "    { \"devname\": \"/dev/vdc\", \"aliases\": [], \"type\": null, \"label\": null, \"uuid\": null,\n"
        "      \"partuuid\": null, \"partlabel\": null, \"error\": \"two signatures: ext4 and swap\" }\n"
        "  ],\n"
        "  \"mounts\": [\n"
        "    { \"target\": \"/\", \"source\": \"rootfs\", \"fstype\": \"tmpfs\", \"options\": \"rw\" },\n"
        "    { \"target\": \"/mnt\", \"source\": \"/dev/vdb1\", \"fstype\": \"ext4\", \"options\": \"rw,noatime\" },\n"
        "    { \"target\": \"/var/mnt/eth\", \"source\": \"/dev/mapper/vg0-eth\", \"fstype\": \"btrfs\", \"options\": null }\n"
        "  ],\n"
        "  \"addresses\": [\n"
        "    { \"interface\": \"lo\", \"address\": \"127.0.0.1\" },\n"
        "    { \"interface\": \"wg0\", \"address\": \"fd00::5\" }\n"
        "  ],\n"
        "  \"files\": [\n"
        "    { \"path\": \"/mnt/secrets/jwt.hex\", \"state\": \"present\" },\n"
        "    { \"path\": \"/run/agenix/jwt\", \"state\": \"invalid\" },\n"
        "    { \"path\": \"/mnt/secrets/wg0.conf\", \"state\": \"absent\" }\n"
        "  ],\n"
        "  \"executables\": { \"geth\": \"/usr/bin/geth\", \"lighthouse\": null, \"/opt/x y/teku\": \"/opt/x y/teku\" }\n"
        "}\n";

static Facts *parse_ok(const char *json) {
        _cleanup_free_ char *err = NULL;
        Facts *f = NULL;
        int r = facts_from_json(json, strlen(json), &f, &err);

        if (r < 0)
                printf("# facts_from_json: %s\n", strempty(err));
        ASSERT_OK(r);
        ASSERT_NULL(err);
        ASSERT_NOT_NULL(f);
        return f;
}

/* Parsing json fails with -EINVAL and a message holding each needle. */
static void parse_error(const char *json, const char *needle1, const char *needle2) {
        _cleanup_free_ char *err = NULL;
        Facts *f = NULL;

        ASSERT_ERROR(facts_from_json(json, strlen(json), &f, &err), EINVAL);
        ASSERT_NULL(f);
        ASSERT_NOT_NULL(err);
        if (needle1)
                ASSERT_CONTAINS(err, needle1);
        if (needle2)
                ASSERT_CONTAINS(err, needle2);
        ASSERT_FALSE(strchr(err, '\n'));
}

static void check_full(const Facts *f) {
        ASSERT_TRUE(f->have_devices);
        ASSERT_EQ(f->n_devices, 3);
        ASSERT_STREQ(f->devices[0].devname, "/dev/vdb1");
        ASSERT_EQ(strv_length(f->devices[0].aliases), 2);
        ASSERT_STREQ(f->devices[0].aliases[1], "/dev/disk/by-uuid/1234-abcd");
        ASSERT_STREQ(f->devices[0].type, "ext4");
        ASSERT_STREQ(f->devices[0].label, "data");
        ASSERT_STREQ(f->devices[0].uuid, "1234-abcd");
        ASSERT_STREQ(f->devices[0].partuuid, "0a0b-01");
        ASSERT_STREQ(f->devices[0].partlabel, "ethereum");
        ASSERT_NULL(f->devices[0].error);
        ASSERT_NULL(f->devices[1].label);
        ASSERT_NULL(f->devices[1].partuuid);
        ASSERT_NULL(f->devices[2].type);
        ASSERT_EQ(strv_length(f->devices[2].aliases), 0);
        ASSERT_STREQ(f->devices[2].error, "two signatures: ext4 and swap");

        ASSERT_EQ(f->n_mounts, 3);
        ASSERT_STREQ(f->mounts[1].target, "/mnt");
        ASSERT_STREQ(f->mounts[1].source, "/dev/vdb1");
        ASSERT_STREQ(f->mounts[1].fstype, "ext4");
        ASSERT_STREQ(f->mounts[1].options, "rw,noatime");
        ASSERT_NULL(f->mounts[2].options);

        ASSERT_EQ(f->n_addresses, 2);
        ASSERT_STREQ(f->addresses[1].ifname, "wg0");
        ASSERT_STREQ(f->addresses[1].address, "fd00::5");

        ASSERT_EQ(f->n_files, 3);
        ASSERT_EQ(f->files[0].state, FILE_PRESENT);
        ASSERT_EQ(f->files[1].state, FILE_INVALID);
        ASSERT_EQ(f->files[2].state, FILE_ABSENT);

        ASSERT_EQ(f->n_executables, 3);
        ASSERT_STREQ(facts_executable(f, "geth"), "/usr/bin/geth");
        ASSERT_NULL(facts_executable(f, "lighthouse"));
        ASSERT_STREQ(facts_executable(f, "/opt/x y/teku"), "/opt/x y/teku");
        ASSERT_NULL(facts_executable(f, "teku"));
}

TEST(from_json_full) {
        _cleanup_(facts_freep) Facts *f = parse_ok(full_json);

        check_full(f);
}

TEST(json_round_trip) {
        _cleanup_(facts_freep) Facts *f = parse_ok(full_json), *g = NULL;
        _cleanup_free_ char *a = NULL, *b = NULL;

        ASSERT_OK(facts_to_json(f, &a));
        g = parse_ok(a);
        check_full(g);
        ASSERT_OK(facts_to_json(g, &b));
        ASSERT_STREQ(a, b);
}

TEST(json_round_trip_built_by_hand) {
        _cleanup_(facts_freep) Facts *f = facts_new(), *g = NULL;
        _cleanup_free_ char *a = NULL, *b = NULL;

        ASSERT_NOT_NULL(f);
        f->have_devices = true;
        ASSERT_OK(facts_add_device(f, "/dev/sda1", "ext4", "label \"q\" \\ é", NULL, NULL, NULL));
        ASSERT_OK(facts_add_device_alias(f, "/dev/sda1", "/dev/disk/by-label/label\\x20q"));
        ASSERT_ERROR(facts_add_device_alias(f, "/dev/nope", "/dev/x"), ENOENT);
        ASSERT_OK(facts_add_mount(f, "/mnt/a b", "/dev/sda1", "ext4", "rw,subvol=@eth"));
        ASSERT_OK(facts_add_address(f, "eth0", "192.168.100.50"));
        /* The disk worker sends its facts to the root process as this JSON:
         * what the status shows must survive it. */
        f->addresses[0].prefixlen = 24;
        f->login_keys = 2;
        f->wireguard_listen_port = 51820;
        ASSERT_OK(facts_add_file(f, "/mnt/secrets/jwt.hex", FILE_INVALID));
        ASSERT_OK(facts_set_create_error(f, "/mnt/lh/jwt.hex", "No space left on device"));
        ASSERT_OK(facts_add_executable(f, "geth", NULL));
        ASSERT_OK(facts_add_executable(f, "besu", "/nix/store/abc-besu/bin/besu"));

        ASSERT_OK(facts_to_json(f, &a));
        g = parse_ok(a);
        ASSERT_TRUE(g->have_devices);
        ASSERT_EQ(g->n_devices, 1);
        ASSERT_STREQ(g->devices[0].label, "label \"q\" \\ é");
        ASSERT_STREQ(g->devices[0].aliases[0], "/dev/disk/by-label/label\\x20q");
        ASSERT_NULL(g->devices[0].uuid);
        ASSERT_STREQ(g->mounts[0].target, "/mnt/a b");
        ASSERT_STREQ(g->mounts[0].options, "rw,subvol=@eth");
        ASSERT_TRUE(facts_has_address(g, "192.168.100.50"));
        ASSERT_EQ(g->addresses[0].prefixlen, 24);
        ASSERT_EQ(g->login_keys, 2);
        ASSERT_EQ(g->wireguard_listen_port, 51820);
        ASSERT_EQ(facts_file_state(g, "/mnt/secrets/jwt.hex"), FILE_INVALID);
        ASSERT_NULL(facts_file_create_error(g, "/mnt/secrets/jwt.hex"));
        ASSERT_EQ(facts_file_state(g, "/mnt/lh/jwt.hex"), FILE_ABSENT);
        ASSERT_STREQ(facts_file_create_error(g, "/mnt/lh/jwt.hex"), "No space left on device");
        ASSERT_CONTAINS(a, "\"createError\": \"No space left on device\"");
        ASSERT_EQ(g->n_executables, 2);
        ASSERT_NULL(facts_executable(g, "geth"));
        ASSERT_STREQ(facts_executable(g, "besu"), "/nix/store/abc-besu/bin/besu");
        ASSERT_OK(facts_to_json(g, &b));
        ASSERT_STREQ(a, b);
}

TEST(json_empty_and_no_devices) {
        _cleanup_(facts_freep) Facts *f = parse_ok("{}"), *g = NULL;
        _cleanup_free_ char *a = NULL;

        ASSERT_FALSE(f->have_devices);
        ASSERT_EQ(f->n_devices + f->n_mounts + f->n_addresses + f->n_files + f->n_executables, 0);
        ASSERT_OK(facts_to_json(f, &a));
        /* Devices that could not be read stay unknown, not "none". */
        ASSERT_NOT_CONTAINS(a, "devices");
        g = parse_ok(a);
        ASSERT_FALSE(g->have_devices);

        _cleanup_(facts_freep) Facts *h = parse_ok("{ \"devices\": [] }");
        ASSERT_TRUE(h->have_devices);
        _cleanup_free_ char *b = NULL;
        ASSERT_OK(facts_to_json(h, &b));
        ASSERT_CONTAINS(b, "\"devices\": []");

        _cleanup_(facts_freep) Facts *n = parse_ok("{ \"devices\": null, \"mounts\": null, \"executables\": null }");
        ASSERT_FALSE(n->have_devices);
}

/* ---- look-ups ---- */

TEST(mount_holding_is_the_visible_mount) {
        _cleanup_(facts_freep) Facts *f = facts_new();

        ASSERT_NOT_NULL(f);
        ASSERT_OK(facts_add_mount(f, "/", "rootfs", "tmpfs", NULL));
        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/vdb1", "ext4", NULL));
        ASSERT_OK(facts_add_mount(f, "/mnt/data", "/dev/vdc1", "ext4", NULL));
        ASSERT_OK(facts_add_mount(f, "/mnt/database", "/dev/vdd1", "xfs", NULL));

        ASSERT_TRUE(facts_mount_holding(f, "/mnt/data/geth") == &f->mounts[2]);
        ASSERT_TRUE(facts_mount_holding(f, "/mnt/data") == &f->mounts[2]);
        ASSERT_TRUE(facts_mount_holding(f, "/mnt/database/x") == &f->mounts[3]);
        ASSERT_TRUE(facts_mount_holding(f, "/mnt/datab") == &f->mounts[1]);
        ASSERT_TRUE(facts_mount_holding(f, "/mnt") == &f->mounts[1]);
        ASSERT_TRUE(facts_mount_holding(f, "/srv/x") == &f->mounts[0]);
        ASSERT_TRUE(facts_mount_holding(f, "/") == &f->mounts[0]);
}

TEST(mount_holding_topmost_of_stacked) {
        _cleanup_(facts_freep) Facts *f = facts_new();

        ASSERT_NOT_NULL(f);
        ASSERT_OK(facts_add_mount(f, "/", "rootfs", "rootfs", NULL));
        ASSERT_OK(facts_add_mount(f, "/mnt", "tmpfs", "tmpfs", NULL));
        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/vdb1", "ext4", NULL));
        ASSERT_OK(facts_add_mount(f, "/mnt/x", "/dev/vdc1", "ext4", NULL));
        ASSERT_OK(facts_add_mount(f, "/mnt/x", "tmpfs", "tmpfs", NULL));
        ASSERT_OK(facts_add_mount(f, "/mnt/x", "/dev/vdd1", "btrfs", NULL));

        ASSERT_TRUE(facts_mount_holding(f, "/mnt/geth") == &f->mounts[2]);
        ASSERT_STREQ(facts_mount_holding(f, "/mnt/geth")->fstype, "ext4");
        ASSERT_TRUE(facts_mount_holding(f, "/mnt/x/y") == &f->mounts[5]);
        ASSERT_STREQ(facts_mount_holding(f, "/mnt/x/y")->source, "/dev/vdd1");
        ASSERT_TRUE(facts_mount_at(f, "/mnt") == &f->mounts[2]);
        ASSERT_TRUE(facts_mount_at(f, "/mnt/x") == &f->mounts[5]);
        ASSERT_NULL(facts_mount_at(f, "/mnt/y"));
}

TEST(a_later_mount_hides_an_earlier_one_below_it) {
        _cleanup_(facts_freep) Facts *f = facts_new();

        ASSERT_NOT_NULL(f);
        ASSERT_OK(facts_add_mount(f, "/", "rootfs", "rootfs", NULL));
        ASSERT_OK(facts_add_mount(f, "/mnt/data", "/dev/vdc1", "ext4", NULL));
        /* Mounted on top afterwards: /mnt/data now resolves inside the tmpfs. */
        ASSERT_OK(facts_add_mount(f, "/mnt", "tmpfs", "tmpfs", NULL));

        ASSERT_STREQ(facts_mount_holding(f, "/mnt/data/geth")->fstype, "tmpfs");
}

TEST(mount_holding_none) {
        _cleanup_(facts_freep) Facts *f = facts_new();

        ASSERT_NOT_NULL(f);
        ASSERT_NULL(facts_mount_holding(f, "/mnt"));
        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/vdb1", "ext4", NULL));
        ASSERT_NULL(facts_mount_holding(f, "/srv"));
        ASSERT_NULL(facts_mount_holding(f, "/mntx"));
}

TEST(find_device_by_name_and_alias) {
        _cleanup_(facts_freep) Facts *f = parse_ok(full_json);
        const FactDevice *d;

        d = facts_find_device(f, "/dev/vdb1");
        ASSERT_NOT_NULL(d);
        ASSERT_STREQ(d->label, "data");
        ASSERT_TRUE(facts_find_device(f, "/dev/disk/by-label/data") == d);
        ASSERT_TRUE(facts_find_device(f, "/dev/disk/by-uuid/1234-abcd") == d);
        d = facts_find_device(f, "/dev/mapper/vg0-eth");
        ASSERT_NOT_NULL(d);
        ASSERT_STREQ(d->devname, "/dev/dm-0");
        ASSERT_STREQ(d->type, "btrfs");
        ASSERT_NULL(facts_find_device(f, "/dev/vdb"));
        ASSERT_NULL(facts_find_device(f, "/dev/disk/by-label/nope"));
        ASSERT_NULL(facts_find_device(f, "data"));
}

TEST(other_lookups) {
        _cleanup_(facts_freep) Facts *f = parse_ok(full_json);

        ASSERT_TRUE(facts_has_address(f, "fd00::5"));
        ASSERT_TRUE(facts_has_address(f, "127.0.0.1"));
        ASSERT_FALSE(facts_has_address(f, "192.168.100.50"));
        ASSERT_EQ(facts_file_state(f, "/mnt/secrets/jwt.hex"), FILE_PRESENT);
        ASSERT_EQ(facts_file_state(f, "/run/agenix/jwt"), FILE_INVALID);
        ASSERT_EQ(facts_file_state(f, "/mnt/secrets/wg0.conf"), FILE_ABSENT);
        /* Files not listed are absent. */
        ASSERT_EQ(facts_file_state(f, "/nowhere"), FILE_ABSENT);
}

TEST(file_state_strings) {
        ASSERT_STREQ(file_state_to_string(FILE_ABSENT), "absent");
        ASSERT_STREQ(file_state_to_string(FILE_PRESENT), "present");
        ASSERT_STREQ(file_state_to_string(FILE_INVALID), "invalid");
        ASSERT_NULL(file_state_to_string(_FILE_STATE_MAX));
        ASSERT_EQ(file_state_from_string("present"), FILE_PRESENT);
        ASSERT_EQ(file_state_from_string("absent"), FILE_ABSENT);
        ASSERT_EQ(file_state_from_string("invalid"), FILE_INVALID);
        ASSERT_EQ(file_state_from_string("maybe"), _FILE_STATE_INVALID);
        ASSERT_EQ(file_state_from_string(""), _FILE_STATE_INVALID);
}

/* ---- errors ---- */

TEST(error_wrong_types) {
        parse_error("{ \"mounts\": {} }", "mounts", "must be a list");
        parse_error("{ \"devices\": \"sda\" }", "devices", "must be a list");
        parse_error("{ \"mounts\": [ 5 ] }", "mounts[0]", "must be an object");
        parse_error("{ \"mounts\": [ { \"target\": 5, \"fstype\": \"ext4\" } ] }", "mounts[0].target", "must be a string");
        parse_error("{ \"mounts\": [ { \"target\": \"/mnt\", \"fstype\": true } ] }", "mounts[0].fstype", "must be a string");
        parse_error("{ \"mounts\": [ { \"target\": \"/mnt\" } ] }", "mounts[0].fstype", "required");
        parse_error("{ \"files\": [ { \"path\": \"/x\", \"state\": 1 } ] }", "files[0].state", "must be a string");
        parse_error("{ \"addresses\": [ { \"interface\": \"lo\" } ] }", "addresses[0].address", "required");
        parse_error("{ \"devices\": [ { \"devname\": \"/dev/a\", \"aliases\": \"x\" } ] }", "devices[0]", "aliases");
        parse_error("{ \"devices\": [ { \"devname\": \"/dev/a\", \"aliases\": [ 1 ] } ] }", "devices[0]", "aliases");
        parse_error("{ \"executables\": [] }", "executables", "must be an object");
        parse_error("{ \"executables\": { \"geth\": 1 } }", "executables", "path or null");
}

TEST(error_second_item_named) {
        parse_error("{ \"mounts\": [ { \"target\": \"/\", \"fstype\": \"tmpfs\" }, { \"target\": \"/mnt\", \"fstype\": 3 } ] }",
                    "mounts[1].fstype", "must be a string");
}

TEST(error_unknown_top_level_key) {
        parse_error("{ \"mounts\": [], \"disks\": [] }", "disks", "unknown key");
        parse_error("{ \"Mounts\": [] }", "Mounts", "unknown key");
}

TEST(error_relative_mount_target) {
        parse_error("{ \"mounts\": [ { \"target\": \"mnt/data\", \"fstype\": \"ext4\" } ] }", "mounts[0]", "absolute");
        parse_error("{ \"mounts\": [ { \"target\": \"\", \"fstype\": \"ext4\" } ] }", "mounts[0]", "absolute");
}

TEST(error_bad_file_state) {
        parse_error("{ \"files\": [ { \"path\": \"/mnt/secrets/jwt.hex\", \"state\": \"maybe\" } ] }", "files[0]", "state");
        parse_error("{ \"files\": [ { \"path\": \"/x\", \"state\": \"PRESENT\" } ] }", "files[0]", "\"present\"");
        parse_error("{ \"files\": [ { \"path\": \"/x\" } ] }", "files[0].state", "required");
        parse_error("{ \"files\": [ { \"path\": \"/x\", \"state\": \"present\", \"createError\": \"EROFS\" } ] }",
                    "files[0]", "createError belongs to an absent file");
        parse_error("{ \"files\": [ { \"path\": \"/x\", \"state\": \"absent\", \"createError\": 28 } ] }",
                    "files[0].createError", "must be a string");
}

TEST(error_not_an_object_or_not_json) {
        parse_error("[]", "must be a JSON object", NULL);
        parse_error("\"facts\"", "must be a JSON object", NULL);
        parse_error("{ \"mounts\": [ }", NULL, NULL);
        parse_error("", NULL, NULL);
        parse_error("{} {}", NULL, NULL);
}
