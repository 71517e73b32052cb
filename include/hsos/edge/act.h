/* SPDX-License-Identifier: MIT */
#pragma once

/* Carrying out the plan's disk work: mounting what is pending, creating the
 * directories and the secrets the rules allow. Shared by `hsos-agent mount`
 * (which prints each line) and the daemon (which logs it). No interface of
 * its own: it drives the edges (mounter, prepare, files, anchor) and, for
 * the node itself, the system's programs (useradd, journalctl). */

#include <stdbool.h>

#include "hsos/config.h"
#include "hsos/plan.h"

typedef enum ActKind {
        ACT_MOUNT,
        ACT_DIR,
        ACT_SECRET,
        ACT_NODE,
        _ACT_KIND_MAX,
} ActKind;

/* One line of what happened: "mounted /dev/vdb on /mnt/eth (ext4)" about
 * subject "eth"; failure says whether it went wrong. */
/* How it went, typed: the journal's MESSAGE_ID and priority follow it, never the words. */
typedef enum ActOutcome {
        ACT_OK,                    /* done, or found as it should be */
        ACT_CREATED,               /* a secret made now */
        ACT_FAILED,
        _ACT_OUTCOME_MAX,
} ActOutcome;

typedef void (*ActReport)(void *userdata, ActKind kind, const char *subject, ActOutcome outcome, const char *line);

const char *act_kind_to_string(ActKind k);

/* Mounts one pending mount. 0 when mounted, -errno otherwise (reported). */
int act_mount(const PlanMount *pm, ActReport report, void *userdata);

/* Reads the facts a plan of the mounts needs. */
typedef int (*ActReadFacts)(void *userdata, Facts **ret);

/* The one convergence of the mounts, for `hsos-agent mount` and the daemon
 * alike: facts read, plan made, the first pending mount not tried yet
 * mounted, and again (a parent mounted changes its children's plan), until
 * nothing pending is left to try. Each mount is tried at most once per call
 * (tried[i], in/out, by the config's mount index; mounted[i] set when it is in
 * place by this call). The last facts and plan are returned. */
int act_converge_mounts(const Config *c, ActReadFacts read_facts, void *facts_userdata, bool *tried, bool *mounted,
                        ActReport report, void *userdata, Facts **ret_facts, Plan **ret_plan);

/* The plan's directories: created, data dirs taken over once. */
void act_prepare_dirs(const Plan *p, ActReport report, void *userdata);

/* The node itself, on the RAM root: the hostname, the time zone, the ssh
 * keys of the login user `core` (created if missing, as HomestakerOS names
 * it). Nothing is done where it is already so. What cannot be done (a zone
 * the image lacks) is reported and added to *problems (may be NULL). */
void act_localize(const Config *c, char ***problems, ActReport report, void *userdata);

/* Writes want as pw's ~/.ssh/authorized_keys (pw_dir/.ssh made 0700,
 * pw's). The user owns its home: every step below it is taken through fds
 * opened without following a symlink, and the old file is read only if it
 * is a regular one of bounded size (a FIFO would block). *ret_changed tells
 * whether it was written. -ELOOP when a symlink is in the way, -EPERM when
 * ~/.ssh belongs to another user. */
struct passwd;
int act_install_ssh_keys(const struct passwd *pw, const char *want, bool *ret_changed);

/* sshd's drop-in for this plan (sshd_dropin_render): with the persistent
 * host key when it is present and sshd would accept it (0600, root's);
 * otherwise sshd keeps the key made in RAM for this boot, and *problems says
 * why. Returns 1 when the persistent key is used, 0 when not. */
int act_sshd_dropin(const Plan *p, char ***problems, char **ret);

/* Writes that drop-in to SSHD_DROPIN_PATH. Returns 1 when the file changed
 * (sshd must reload), 0 when not. */
int act_sshd(const Plan *p, char ***problems, ActReport report, void *userdata);

/* agent.journalDir: the journal kept on persistent storage, by bind-mounting
 * it on /var/log/journal and asking journald to flush there. Returns 1 when
 * it was set up now. */
int act_journal(const Config *c, const Facts *f, const Plan *p, char ***problems, ActReport report, void *userdata);

/* The secrets to create; paths created are added to *created (may be NULL).
 * A creation that fails is recorded in failures (may be NULL) as a fact
 * (facts_set_create_error), so that the plan made again from them blocks the
 * secret's units. With quiet, secrets that need nothing done are not
 * reported. Returns how many could not be created. */
unsigned act_prepare_secrets(const Plan *p, const Config *c, bool quiet, char ***created, Facts *failures,
                             ActReport report, void *userdata);
