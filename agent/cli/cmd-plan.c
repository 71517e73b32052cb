/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsos/cli.h"
#include "hsos/action.h"
#include "hsos/edge/applied.h"
#include "hsos/edge/facts-system.h"
#include "hsos/edge/firewall.h"
#include "hsos/edge/files.h"
#include "hsos/plan.h"
#include "hsos/sshd.h"
#include "hsos/util.h"

static void help(void) {
        printf("Usage: %s plan [--config FILE] [--facts FILE] [--json] [--units-dir DIR] [--save-facts FILE]\n"
               "          [--firewall-out FILE] [--firewall-apply] [--sshd-out FILE]\n"
               "Shows what the node would become: mounts, directories, secrets, and each\n"
               "unit with its state (ready, blocked, waiting) and the reason; then what the\n"
               "agent would do now (with --facts: as on a node where nothing is applied yet).\n"
               "  -c, --config FILE      node.json (default %s)\n"
               "  -f, --facts FILE       replay recorded facts instead of reading this system\n"
               "  -j, --json             print the plan as JSON\n"
               "  -u, --units-dir DIR    also write every enabled unit and drop-in into DIR\n"
               "      --save-facts FILE  write the facts used to FILE (for --facts later)\n"
               "      --firewall-out FILE  write the firewall's nftables ruleset to FILE\n"
               "                         (what the daemon loads; nft -f FILE loads it by hand)\n"
               "      --firewall-apply   load that ruleset now, as the daemon does (libnftables,\n"
               "                         one transaction; root, in this network namespace)\n"
               "      --sshd-out FILE    write sshd's drop-in to FILE (what the daemon writes to\n"
               "                         " SSHD_DROPIN_PATH ")\n",
               program_name, CONFIG_DEFAULT_PATH);
}

static int write_units(const Plan *p, const char *dir) {
        int r;

        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        for (size_t i = 0; i < p->n_units; i++) {
                _cleanup_free_ char *path = NULL;
                if (path_join(dir, p->units[i].name, &path) < 0)
                        return -ENOMEM;
                r = write_file_atomic(path, p->units[i].content);
                if (r < 0) {
                        fprintf(stderr, "%s plan: cannot write %s: %s\n", program_name, path, strerror(-r));
                        return r;
                }
        }
        for (size_t i = 0; i < p->n_dropins; i++) {
                _cleanup_free_ char *d = NULL, *path = NULL;
                if (asprintf(&d, "%s/%s.d", dir, p->dropins[i].unit) < 0 ||
                    path_join(d, p->dropins[i].name, &path) < 0)
                        return -ENOMEM;
                if (mkdir(d, 0755) < 0 && errno != EEXIST) {
                        r = -errno;
                        fprintf(stderr, "%s plan: cannot create %s: %s\n", program_name, d, strerror(-r));
                        return r;
                }
                r = write_file_atomic(path, p->dropins[i].content);
                if (r < 0) {
                        fprintf(stderr, "%s plan: cannot write %s: %s\n", program_name, path, strerror(-r));
                        return r;
                }
        }
        return 0;
}

static int load_facts(const char *path, Facts **ret) {
        _cleanup_free_ char *data = NULL, *err = NULL;
        size_t size;
        int r;

        r = read_file_capped(path, 16 * 1024 * 1024, &data, &size);
        if (r < 0) {
                fprintf(stderr, "%s plan: cannot read facts %s: %s\n", program_name, path, strerror(-r));
                return r;
        }
        r = facts_from_json(data, size, ret, &err);
        if (r < 0) {
                fprintf(stderr, "%s plan: facts %s: %s\n", program_name, path, err ?: strerror(-r));
                return r;
        }
        return 0;
}

int cmd_plan(int argc, char **argv) {
        enum { ARG_SAVE_FACTS = 0x100, ARG_FIREWALL_OUT, ARG_FIREWALL_APPLY, ARG_SSHD_OUT };
        static const struct option options[] = {
                { "config", required_argument, NULL, 'c' },
                { "facts", required_argument, NULL, 'f' },
                { "json", no_argument, NULL, 'j' },
                { "units-dir", required_argument, NULL, 'u' },
                { "save-facts", required_argument, NULL, ARG_SAVE_FACTS },
                { "firewall-out", required_argument, NULL, ARG_FIREWALL_OUT },
                { "firewall-apply", no_argument, NULL, ARG_FIREWALL_APPLY },
                { "sshd-out", required_argument, NULL, ARG_SSHD_OUT },
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(config_freep) Config *c = NULL;
        _cleanup_(facts_freep) Facts *f = NULL;
        _cleanup_(plan_freep) Plan *p = NULL;
        _cleanup_free_ char *out = NULL, *would = NULL;
        _cleanup_(applied_done) Applied applied = {};
        _cleanup_(action_list_done) ActionList actions = {};
        const char *config = CONFIG_DEFAULT_PATH, *facts = NULL, *units_dir = NULL, *save = NULL, *fw_out = NULL,
                   *sshd_out = NULL;
        bool json = false, fw_apply = false;
        int opt, r;

        while ((opt = getopt_long(argc, argv, "c:f:ju:h", options, NULL)) >= 0)
                switch (opt) {
                case 'c':
                        config = optarg;
                        break;
                case 'f':
                        facts = optarg;
                        break;
                case 'j':
                        json = true;
                        break;
                case 'u':
                        units_dir = optarg;
                        break;
                case ARG_SAVE_FACTS:
                        save = optarg;
                        break;
                case ARG_FIREWALL_OUT:
                        fw_out = optarg;
                        break;
                case ARG_FIREWALL_APPLY:
                        fw_apply = true;
                        break;
                case ARG_SSHD_OUT:
                        sshd_out = optarg;
                        break;
                case 'h':
                        help();
                        return 0;
                default:
                        return EXIT_USAGE;
                }
        if (cli_extra_args(argc, argv, "plan"))
                return EXIT_USAGE;

        if (cli_load_config(config, &c) < 0)
                return EXIT_USAGE;

        if (facts)
                r = load_facts(facts, &f);
        else {
                r = facts_from_system(c, &f);
                if (r < 0)
                        fprintf(stderr, "%s plan: cannot read the facts of this system: %s\n", program_name,
                                strerror(-r));
        }
        if (r < 0)
                return 1;

        if (save) {
                _cleanup_free_ char *s = NULL;
                r = facts_to_json(f, &s);
                if (r >= 0)
                        r = write_file_atomic(save, s);
                if (r < 0) {
                        fprintf(stderr, "%s plan: cannot save facts to %s: %s\n", program_name, save, strerror(-r));
                        return 1;
                }
        }

        r = plan_build(c, f, &p);
        if (r < 0) {
                fprintf(stderr, "%s plan: %s\n", program_name, strerror(-r));
                return 1;
        }
        /* What the agent would do now: against this system as it is, or, with
         * recorded facts, as on a node where nothing is applied yet. */
        if (!facts) {
                r = applied_read(p, c, ACTIONS_ALL, ACTION_UNIT_DIR, &applied);
                if (r < 0) {
                        fprintf(stderr, "%s plan: cannot read what is applied: %s\n", program_name, strerror(-r));
                        return 1;
                }
        }
        r = actions_build(p, c, f, facts ? NULL : &applied, ACTIONS_ALL, &actions);
        if (r >= 0 && json)
                r = plan_to_json_with_actions(p, c, actions_to_json(&actions), &out);
        else if (r >= 0) {
                r = plan_to_text(p, c, &out);
                if (r >= 0)
                        r = actions_to_text(&actions, &would);
        }
        if (r < 0) {
                fprintf(stderr, "%s plan: %s\n", program_name, strerror(-r));
                return 1;
        }
        fputs(out, stdout);
        if (would)
                fputs(would, stdout);
        if (json)
                fputc('\n', stdout);

        if (units_dir && write_units(p, units_dir) < 0)
                return 1;
        if (fw_out) {
                r = write_file_atomic(fw_out, p->firewall->ruleset);
                if (r < 0) {
                        fprintf(stderr, "%s plan: cannot write %s: %s\n", program_name, fw_out, strerror(-r));
                        return 1;
                }
        }
        if (sshd_out) {
                _cleanup_free_ char *dropin = NULL;
                _cleanup_strv_free_ char **problems = NULL;
                const PlanSecret *key = NULL;
                for (size_t i = 0; i < p->n_secrets; i++)
                        if (p->secrets[i].kind == SECRET_SSH_HOST_KEY)
                                key = &p->secrets[i];
                r = action_sshd_dropin(p, key && key->state == SECRET_PRESENT ? host_key_check(key->path) : 0,
                                       &problems, &dropin);
                if (r >= 0)
                        r = write_file_atomic(sshd_out, dropin);
                if (r < 0) {
                        fprintf(stderr, "%s plan: cannot write %s: %s\n", program_name, sshd_out, strerror(-r));
                        return 1;
                }
                STRV_FOREACH(s, problems)
                        fprintf(stderr, "%s plan: %s\n", program_name, *s);
        }
        if (fw_apply) {
                FirewallState st = {};
                r = firewall_apply(&st, p->firewall->ruleset, p->firewall->n_rules);
                if (r < 0)
                        fprintf(stderr, "%s plan: the firewall was not loaded (the ruleset before stays): %s\n",
                                program_name, st.last_error ?: strerror(-r));
                firewall_state_done(&st);
                if (r < 0)
                        return 1;
        }
        return 0;
}
