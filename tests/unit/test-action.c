/* SPDX-License-Identifier: MIT */
/* What the agent does now, as pure decisions: the plan, its facts and what is
 * applied in, the typed actions out (hsos/action.h). */

#include "harness.h"
#include "fixtures.h"
#include "hsos/action.h"
#include "hsos/config.h"
#include "hsos/facts.h"
#include "hsos/plan.h"
#include "hsos/util.h"

/* A booted node with /mnt on a disk, every client's executable found. */
static Facts *node(const Config *c) {
        Facts *f = fixture_booted_node(c);

        ASSERT_OK(facts_add_mount(f, "/mnt", "/dev/vdb", "ext4", "rw"));
        return f;
}

/* The kinds, with each one's subject: "make-dir:/mnt/geth start:geth.service". */
static char *kinds(const ActionList *l) {
        StrBuf b = {};
        char *s = NULL;

        for (size_t i = 0; i < l->n_actions; i++) {
                const Action *a = &l->actions[i];
                sb_appendf(&b, "%s%s:%s", i ? " " : "", action_kind_to_string(a->kind),
                           a->unit ?: a->path ?: a->name ?: "");
        }
        ASSERT_OK(sb_steal(&b, &s));
        printf("#   actions: %s\n", strempty(s));
        return s ?: strdup("");
}

static const char geth_lh[] =
        "{\"localization\": {\"hostname\": \"eth1\", \"timezone\": \"UTC\"},"
        " \"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\", \"jwtSecretFile\": \"/mnt/secrets/jwt.hex\"}},"
        " \"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/lh\", \"jwtSecretFile\": \"/mnt/secrets/jwt.hex\"}}}";

static const char geth_only[] =
        "{\"localization\": {\"hostname\": \"eth1\", \"timezone\": \"UTC\"},"
        " \"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\", \"jwtSecretFile\": \"/mnt/secrets/jwt.hex\"}}}";

/* Everything the plan asks for, as a node that was prepared before has it. */
static void prepared(const Plan *p, const Config *c, Applied *a) {
        *a = (Applied) { .login_user_exists = true, .login_ssh_dir_ok = true };
        for (size_t i = 0; i < p->n_dirs; i++)
                ASSERT_OK(applied_add_dir(a, p->dirs[i].path, true, p->dirs[i].uid, p->dirs[i].gid, p->dirs[i].mode));
        for (size_t i = 0; i < p->n_units; i++) {
                ASSERT_OK(applied_add_unit_file(a, p->units[i].name, p->units[i].content));
                ASSERT_OK(applied_add_unit(a, p->units[i].name, &(UnitSeen) {
                        .known = true, .active_state = "active", .started_content = p->units[i].content,
                        .user_exists = true }));
        }
        for (size_t i = 0; i < p->n_dropins; i++) {
                _cleanup_free_ char *name = NULL;
                ASSERT_TRUE(asprintf(&name, "%s.d/%s", p->dropins[i].unit, p->dropins[i].name) > 0);
                ASSERT_OK(applied_add_unit_file(a, name, p->dropins[i].content));
        }
        a->hostname = strdup(c->hostname);
        ASSERT_TRUE(asprintf(&a->localtime, "/usr/share/zoneinfo/%s", c->timezone) > 0);
        ASSERT_TRUE(action_sshd_dropin(p, 0, NULL, &a->sshd_dropin) >= 0);
}

TEST(a_pending_mount_is_mounted_first) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"mounts\": {\"eth\": {\"enable\": true, \"what\": \"/dev/disk/by-label/ethdata\", \"where\": \"/mnt\", \"type\": \"ext4\"}},"
                " \"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\"}}}");
        _cleanup_(facts_freep) Facts *f = facts_new();
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_(action_list_done) ActionList l = {};
        _cleanup_free_ char *k = NULL, *line = NULL;
        bool tried[2] = {};

        f->have_devices = true;
        ASSERT_OK(facts_add_mount(f, "/", "rootfs", "rootfs", "rw"));
        ASSERT_OK(facts_add_device(f, "/dev/vdb", "ext4", "ethdata", "1b2c", NULL, NULL));
        p = fixture_plan(c, f);
        ASSERT_OK(actions_build(p, c, f, NULL, ACTIONS_MOUNTS | ACTIONS_DISK, &l));
        k = kinds(&l);
        /* Nothing on the disk before it is mounted: its dirs wait for it. */
        ASSERT_STREQ(k, "mount:/mnt");
        ASSERT_STREQ(l.actions[0].device, "/dev/vdb");
        ASSERT_STREQ(l.actions[0].fstype, "ext4");
        ASSERT_OK(action_describe(&l.actions[0], &line));
        ASSERT_STREQ(line, "mount eth: /dev/vdb on /mnt (ext4, noatime)");
        ASSERT_TRUE(action_next_mount(p, c, tried) == &p->mounts[0]);
        tried[0] = true;
        ASSERT_NULL(action_next_mount(p, c, tried));
}

TEST(fresh_disks_get_their_dirs_secrets_units_and_starts) {
        _cleanup_(config_freep) Config *c = fixture_config(geth_lh);
        _cleanup_(facts_freep) Facts *f = node(c);
        _cleanup_(plan_freep) Plan *p = fixture_plan(c, f);
        _cleanup_(action_list_done) ActionList l = {};
        _cleanup_free_ char *k = NULL;

        ASSERT_OK(actions_build(p, c, f, NULL, ACTIONS_DISK | ACTIONS_UNIT_FILES | ACTIONS_UNIT_JOBS, &l));
        k = kinds(&l);
        ASSERT_STREQ(k, "make-dir:/mnt/secrets/ssh make-dir:/mnt/geth make-dir:/mnt/secrets make-dir:/mnt/lh "
                        "create-secret:/mnt/secrets/ssh/id_ed25519 create-secret:/mnt/secrets/jwt.hex "
                        "write-unit:geth.service write-unit:lighthouse.service reload: "
                        "start:geth.service start:lighthouse.service");
        /* Made with its owner: a new data dir needs no take-over. */
        ASSERT_EQ(l.actions[1].uid, 801);
        ASSERT_EQ(l.actions[1].mode, 0700);
        ASSERT_STREQ(l.actions[4].content, "root@eth1");
        ASSERT_EQ(l.actions[5].secret, SECRET_JWT);
        ASSERT_STREQ(l.actions[6].content, plan_find_unit(p, "geth.service")->content);
        ASSERT_NULL(l.problems);
}

TEST(a_prepared_node_has_nothing_to_do) {
        _cleanup_(config_freep) Config *c = fixture_config(geth_lh);
        _cleanup_(facts_freep) Facts *f = node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_(action_list_done) ActionList l = {};
        _cleanup_(applied_done) Applied a = {};
        _cleanup_free_ char *k = NULL;

        ASSERT_OK(facts_add_file(f, "/mnt/secrets/jwt.hex", FILE_PRESENT));
        ASSERT_OK(facts_add_file(f, "/mnt/secrets/ssh/id_ed25519", FILE_PRESENT));
        p = fixture_plan(c, f);
        prepared(p, c, &a);
        ASSERT_OK(actions_build(p, c, f, &a, ACTIONS_ALL, &l));
        k = kinds(&l);
        ASSERT_STREQ(k, "");
        ASSERT_NULL(l.problems);
}

TEST(a_changed_unit_file_is_written_reloaded_and_restarted) {
        _cleanup_(config_freep) Config *c = fixture_config(geth_lh);
        _cleanup_(facts_freep) Facts *f = node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_(action_list_done) ActionList l = {};
        _cleanup_(applied_done) Applied a = {};
        _cleanup_free_ char *k = NULL;

        ASSERT_OK(facts_add_file(f, "/mnt/secrets/jwt.hex", FILE_PRESENT));
        ASSERT_OK(facts_add_file(f, "/mnt/secrets/ssh/id_ed25519", FILE_PRESENT));
        p = fixture_plan(c, f);
        prepared(p, c, &a);
        /* geth ran with another file (node.json changed since). */
        free(a.unit_files[0].content);
        a.unit_files[0].content = strdup(ACTION_UNIT_HEADER " (old)\n");
        a.units[0].seen.started_content = "old";
        ASSERT_OK(actions_build(p, c, f, &a, ACTIONS_UNIT_FILES | ACTIONS_UNIT_JOBS, &l));
        k = kinds(&l);
        ASSERT_STREQ(k, "write-unit:geth.service reload: restart:geth.service");
        /* An unchanged unit is never restarted: lighthouse stays as it runs. */
}

TEST(a_unit_removed_from_the_config_is_stopped_removed_and_reloaded) {
        _cleanup_(config_freep) Config *c = fixture_config(geth_only);
        _cleanup_(facts_freep) Facts *f = node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_(action_list_done) ActionList l = {};
        _cleanup_(applied_done) Applied a = {};
        _cleanup_free_ char *k = NULL;

        ASSERT_OK(facts_add_file(f, "/mnt/secrets/jwt.hex", FILE_PRESENT));
        p = fixture_plan(c, f);
        prepared(p, c, &a);
        ASSERT_OK(applied_add_unit_file(&a, "lighthouse.service", ACTION_UNIT_HEADER " from node.json\n"));
        /* Not the agent's: left alone, as are drop-in directories. */
        ASSERT_OK(applied_add_unit_file(&a, "mine.service", "[Service]\nExecStart=/bin/true\n"));
        ASSERT_OK(applied_add_unit_file(&a, "ssh.service.d/50-old.conf", ACTION_UNIT_HEADER "\n"));
        ASSERT_OK(actions_build(p, c, f, &a, ACTIONS_UNIT_FILES | ACTIONS_UNIT_JOBS, &l));
        k = kinds(&l);
        ASSERT_STREQ(k, "stop:lighthouse.service remove-unit:lighthouse.service reload:");
}

TEST(a_client_whose_user_is_missing_gets_it_and_is_held) {
        _cleanup_(config_freep) Config *c = fixture_config(geth_only);
        _cleanup_(facts_freep) Facts *f = node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_(action_list_done) ActionList l = {};
        _cleanup_(applied_done) Applied a = {};
        _cleanup_free_ char *k = NULL, *line = NULL;

        ASSERT_OK(facts_add_file(f, "/mnt/secrets/jwt.hex", FILE_PRESENT));
        ASSERT_OK(facts_add_file(f, "/mnt/secrets/ssh/id_ed25519", FILE_PRESENT));
        p = fixture_plan(c, f);
        prepared(p, c, &a);
        a.units[0].seen.started_content = NULL;
        a.units[0].seen.active_state = "inactive";
        ASSERT_OK(strv_extend(&a.users_missing, "geth"));
        ASSERT_OK(actions_build(p, c, f, &a, ACTIONS_ALL, &l));
        k = kinds(&l);
        ASSERT_STREQ(k, "create-users:geth hold:geth.service");
        ASSERT_OK(action_describe(&l.actions[1], &line));
        ASSERT_STREQ(line, "hold geth.service (its user geth does not exist yet)");
}

TEST(a_secret_that_failed_before_is_not_tried_and_its_units_wait) {
        _cleanup_(config_freep) Config *c = fixture_config(geth_lh);
        _cleanup_(facts_freep) Facts *f = node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_(action_list_done) ActionList l = {};
        _cleanup_free_ char *k = NULL;

        ASSERT_OK(facts_add_file(f, "/mnt/secrets/ssh/id_ed25519", FILE_PRESENT));
        ASSERT_OK(facts_set_create_error(f, "/mnt/secrets/jwt.hex", "No space left on device"));
        p = fixture_plan(c, f);
        ASSERT_OK(actions_build(p, c, f, NULL, ACTIONS_DISK | ACTIONS_UNIT_FILES | ACTIONS_UNIT_JOBS, &l));
        k = kinds(&l);
        /* The files are written (blocked units are planned too), nothing started. */
        ASSERT_STREQ(k, "make-dir:/mnt/geth make-dir:/mnt/lh "
                        "write-unit:geth.service write-unit:lighthouse.service reload:");
}

TEST(a_data_dir_left_to_root_is_taken_over_keeping_what_is_not_its) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\", \"jwtSecretFile\": \"/mnt/geth/jwt.hex\"}},"
                " \"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/geth/lh\", \"jwtSecretFile\": \"/mnt/geth/jwt.hex\"}}}");
        _cleanup_(facts_freep) Facts *f = node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_(action_list_done) ActionList l = {};
        _cleanup_(applied_done) Applied a = {};
        _cleanup_free_ char *k = NULL;

        ASSERT_OK(facts_add_file(f, "/mnt/geth/jwt.hex", FILE_PRESENT));
        p = fixture_plan(c, f);
        ASSERT_OK(applied_add_dir(&a, "/mnt/geth", true, 0, 0, 0755));     /* HomestakerOS left it root's */
        ASSERT_OK(applied_add_dir(&a, "/mnt/geth/lh", true, 811, 811, 0700)); /* its client's already */
        ASSERT_OK(actions_build(p, c, f, &a, ACTIONS_DISK, &l));
        k = kinds(&l);
        ASSERT_CONTAINS(k, "take-over:/mnt/geth");
        ASSERT_FALSE(strstr(k, "take-over:/mnt/geth/lh"));
        for (size_t i = 0; i < l.n_actions; i++)
                if (l.actions[i].kind == ACTION_TAKE_OVER) {
                        ASSERT_EQ(l.actions[i].uid, 801);
                        ASSERT_TRUE(strv_contains(l.actions[i].keep, "/mnt/geth/lh"));
                        ASSERT_TRUE(strv_contains(l.actions[i].keep, "/mnt/geth/jwt.hex"));
                }
}

TEST(the_node_is_named_zoned_keyed_and_sshd_told) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"localization\": {\"hostname\": \"eth1\", \"timezone\": \"Europe/Helsinki\"},"
                " \"ssh\": {\"authorizedKeys\": [\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq1 a@b\"]},"
                " \"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\"}}}");
        _cleanup_(facts_freep) Facts *f = node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_(action_list_done) ActionList l = {}, again = {};
        _cleanup_(applied_done) Applied a = {};
        _cleanup_free_ char *k = NULL, *k2 = NULL;

        ASSERT_OK(facts_add_file(f, "/mnt/secrets/ssh/id_ed25519", FILE_PRESENT));
        p = fixture_plan(c, f);
        prepared(p, c, &a);
        a.hostname = mfree(a.hostname);
        a.localtime = mfree(a.localtime);
        a.login_user_exists = false;
        /* The key is there but others may read it: sshd keeps a RAM key. */
        a.host_key_error = -EPERM;
        ASSERT_OK(actions_build(p, c, f, &a, ACTIONS_NODE, &l));
        k = kinds(&l);
        ASSERT_STREQ(k, "hostname:eth1 timezone:/usr/share/zoneinfo/Europe/Helsinki ssh-keys:core "
                        "sshd-dropin:/etc/ssh/sshd_config.d/50-hsos-agent.conf");
        ASSERT_TRUE(l.actions[2].flag); /* the login user is created first */
        ASSERT_STREQ(l.actions[2].content, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq1 a@b\n");
        ASSERT_FALSE(l.actions[3].flag);
        ASSERT_EQ(strv_length(l.problems), 1);
        ASSERT_CONTAINS(l.problems[0], "sshd wants it owned by root with mode 0600");

        /* Once done, nothing more. */
        a.hostname = strdup("eth1");
        a.localtime = strdup("/usr/share/zoneinfo/Europe/Helsinki");
        a.login_user_exists = true;
        a.login_keys = strdup(l.actions[2].content);
        free(a.sshd_dropin);
        a.sshd_dropin = strdup(l.actions[3].content);
        ASSERT_OK(actions_build(p, c, f, &a, ACTIONS_NODE, &again));
        k2 = kinds(&again);
        ASSERT_STREQ(k2, "");
}

TEST(a_journal_dir_on_ram_is_a_problem_not_an_action) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"agent\": {\"journalDir\": \"/run/journal-keep\"}, \"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\"}}}");
        _cleanup_(config_freep) Config *d = fixture_config(
                "{\"agent\": {\"journalDir\": \"/mnt/journal\"}, \"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\"}}}");
        _cleanup_(facts_freep) Facts *f = node(c);
        _cleanup_(plan_freep) Plan *p = fixture_plan(c, f), *q = fixture_plan(d, f);
        _cleanup_(action_list_done) ActionList l = {}, m = {};

        ASSERT_OK(actions_build(p, c, f, NULL, ACTIONS_NODE, &l));
        for (size_t i = 0; i < l.n_actions; i++)
                ASSERT_TRUE(l.actions[i].kind != ACTION_JOURNAL);
        ASSERT_EQ(strv_length(l.problems), 1);
        ASSERT_CONTAINS(l.problems[0], "the journal stays in RAM: agent.journalDir");

        ASSERT_OK(actions_build(q, d, f, NULL, ACTIONS_NODE, &m));
        ASSERT_EQ(m.actions[m.n_actions - 1].kind, ACTION_JOURNAL);
        ASSERT_STREQ(m.actions[m.n_actions - 1].path, "/mnt/journal");
}

TEST(plan_shows_what_it_would_do) {
        _cleanup_(config_freep) Config *c = fixture_config(geth_only);
        _cleanup_(facts_freep) Facts *f = node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_(action_list_done) ActionList l = {}, none = {};
        _cleanup_(applied_done) Applied a = {};
        _cleanup_free_ char *text = NULL, *empty = NULL, *json = NULL;

        ASSERT_OK(facts_add_file(f, "/mnt/secrets/jwt.hex", FILE_PRESENT));
        ASSERT_OK(facts_add_file(f, "/mnt/secrets/ssh/id_ed25519", FILE_PRESENT));
        p = fixture_plan(c, f);
        prepared(p, c, &a);
        a.units[0].seen.active_state = "failed";
        a.units[0].seen.started_content = NULL;
        ASSERT_OK(actions_build(p, c, f, &a, ACTIONS_ALL, &l));
        ASSERT_OK(actions_to_text(&l, &text));
        ASSERT_STREQ(text, "\nWould do:\n  start geth.service\n");
        ASSERT_OK(plan_to_json_with_actions(p, c, actions_to_json(&l), &json));
        ASSERT_CONTAINS(json, "\"actions\":\t[{\n\t\t\t\"kind\":\t\"start\",\n\t\t\t\"unit\":\t\"geth.service\"");
        ASSERT_OK(actions_to_text(&none, &empty));
        ASSERT_STREQ(empty, "\nWould do:\n  nothing\n");
}

/* sshd's facts: which of its units systemd has running. */
static Facts *sshd_facts(const char *ssh, const char *sshd) {
        Facts *f = facts_new();

        ASSERT_NOT_NULL(f);
        f->have_units = true;
        if (ssh)
                ASSERT_OK(facts_add_unit(f, "ssh.service", ssh, "running", "success", 0, 0, 0));
        if (sshd)
                ASSERT_OK(facts_add_unit(f, "sshd.service", sshd, "running", "success", 0, 0, 0));
        return f;
}

TEST(a_changed_sshd_dropin_reloads_the_unit_that_runs_sshd) {
        _cleanup_(facts_freep) Facts *debian = sshd_facts("active", "inactive"), *nixos = sshd_facts(NULL, "active"),
                                     *alias = sshd_facts("active", "active"), *stopped = sshd_facts("inactive", "inactive"),
                                     *nounits = facts_new();
        _cleanup_(action_done) Action a = {}, b = {}, c = {};
        Action none = {};

        ASSERT_EQ(action_sshd_reload(debian, NODE_CHANGED_SSHD_DROPIN, &a), 1);
        ASSERT_EQ(a.kind, ACTION_RELOAD_UNIT);
        ASSERT_STREQ(a.unit, "ssh.service");
        ASSERT_EQ(action_sshd_reload(nixos, NODE_CHANGED_SSHD_DROPIN | NODE_CHANGED_SSH_KEYS, &b), 1);
        ASSERT_STREQ(b.unit, "sshd.service");
        /* Debian's sshd.service is ssh.service's alias: the one name. */
        ASSERT_EQ(action_sshd_reload(alias, NODE_CHANGED_SSHD_DROPIN, &c), 1);
        ASSERT_STREQ(c.unit, "ssh.service");

        /* Unchanged drop-in: none, whatever else changed. */
        ASSERT_EQ(action_sshd_reload(debian, 0, &none), 0);
        ASSERT_EQ(action_sshd_reload(debian, NODE_CHANGED_SSH_KEYS | NODE_CHANGED_HOST_KEY, &none), 0);
        /* sshd not running reads the drop-in when it starts; no systemd, nothing to ask. */
        ASSERT_EQ(action_sshd_reload(stopped, NODE_CHANGED_SSHD_DROPIN, &none), 0);
        ASSERT_EQ(action_sshd_reload(nounits, NODE_CHANGED_SSHD_DROPIN, &none), 0);
        ASSERT_EQ(action_sshd_reload(NULL, NODE_CHANGED_SSHD_DROPIN, &none), 0);
        ASSERT_NULL(none.unit);
}

TEST(a_missing_secret_is_watched_for_in_its_nearest_existing_directory) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\", \"jwtSecretFile\": \"/run/secrets/x/jwt.hex\"}},"
                " \"consensus\": {\"lighthouse\": {\"enable\": true, \"dataDir\": \"/mnt/lh\", \"jwtSecretFile\": \"/run/secrets/x/jwt.hex\"}},"
                " \"ssh\": {\"privateKeyFile\": \"/mnt/secrets/ssh/id_ed25519\"}}");
        _cleanup_(facts_freep) Facts *f = node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_strv_free_ char **run = NULL, **secrets = NULL, **x = NULL, **none = NULL;
        char *only_run[] = { (char *) "/run", NULL };
        char *to_secrets[] = { (char *) "/run/secrets", (char *) "/run", NULL };
        char *to_x[] = { (char *) "/run/secrets/x", (char *) "/run/secrets", (char *) "/run", NULL };

        p = fixture_plan(c, f);
        /* The JWT (one file, two clients) waits; the ssh host key is created on /mnt, not watched for. */
        ASSERT_OK(action_watch_dirs(p, only_run, &run));
        ASSERT_EQ(strv_length(run), 1);
        ASSERT_STREQ(run[0], "/run");
        ASSERT_OK(action_watch_dirs(p, to_secrets, &secrets));
        ASSERT_EQ(strv_length(secrets), 1);
        ASSERT_STREQ(secrets[0], "/run/secrets");
        ASSERT_OK(action_watch_dirs(p, to_x, &x));
        ASSERT_EQ(strv_length(x), 1);
        ASSERT_STREQ(x[0], "/run/secrets/x");
        /* Nothing there at all: the root is. */
        ASSERT_OK(action_watch_dirs(p, NULL, &none));
        ASSERT_EQ(strv_length(none), 1);
        ASSERT_STREQ(none[0], "/");
}

TEST(a_present_secret_is_not_watched_for) {
        _cleanup_(config_freep) Config *c = fixture_config(
                "{\"execution\": {\"geth\": {\"enable\": true, \"dataDir\": \"/mnt/geth\", \"jwtSecretFile\": \"/run/secrets/x/jwt.hex\"}}}");
        _cleanup_(facts_freep) Facts *f = node(c);
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_strv_free_ char **dirs = NULL;
        char *present[] = { (char *) "/run/secrets/x", (char *) "/run", NULL };

        ASSERT_OK(facts_add_file(f, "/run/secrets/x/jwt.hex", FILE_PRESENT));
        ASSERT_OK(facts_add_file(f, "/mnt/secrets/ssh/id_ed25519", FILE_PRESENT));
        p = fixture_plan(c, f);
        ASSERT_OK(action_watch_dirs(p, present, &dirs));
        ASSERT_EQ(strv_length(dirs), 0);
}
