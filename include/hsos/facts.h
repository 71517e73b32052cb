/* SPDX-License-Identifier: MIT */
#pragma once

/* Facts: what the system looks like, as plain data. The edges read them from
 * the running system; tests and `plan --facts` build them from JSON. The plan
 * is a pure function of a config and facts. */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct FactDevice {
        char *devname;     /* /dev/vdb1 */
        char **aliases;    /* other names of the same node: /dev/mapper/vg0-data, /dev/disk/by-... */
        char *type;        /* file system type, NULL when none was found */
        char *label;
        char *uuid;
        char *partuuid;
        char *partlabel;
        char *error;       /* a probe that could not decide (two signatures), or NULL */
} FactDevice;

typedef struct FactMount {
        char *target;
        char *source;
        char *fstype;
        char *options;     /* VFS and file system options, comma-separated */
} FactMount;

typedef struct FactAddress {
        char *ifname;
        char *address;     /* as text, without prefix length */
        unsigned prefixlen; /* 0: unknown */
} FactAddress;

typedef enum FileState {
        FILE_ABSENT,
        FILE_PRESENT,      /* exists (and, for a JWT, holds 64 hex characters) */
        FILE_INVALID,      /* exists, but a JWT that is not 64 hex characters */
        FILE_UNSAFE,       /* behind a symlink a less privileged user could have made: not followed */
        _FILE_STATE_MAX,
        _FILE_STATE_INVALID = -EINVAL,
} FileState;

typedef struct FactFile {
        char *path;
        FileState state;
        /* JWTs only: files with the same nonzero id hold the same secret
         * (compared, never recorded); 0 when not compared (absent, invalid,
         * or not readable without privileges). */
        unsigned secret_id;
        /* Absent, and the agent could not create it (a full or read-only
         * disk): why, in the words of the error. NULL otherwise. The plan
         * blocks its units with it; the next creation that works forgets it. */
        char *create_error;
} FactFile;

typedef struct FactExecutable {
        char *name;        /* as asked: "geth" or an absolute path from agent.packages */
        char *path;        /* where it was found, NULL when not found */
} FactExecutable;

/* A unit as systemd reports it (D-Bus: ActiveState, SubState, Result,
 * NRestarts, ExecMainStatus); restarts_recent is what the daemon counted
 * within the last 5 minutes. */
typedef struct FactUnit {
        char *name;
        char *active_state;
        char *sub_state;
        char *result;
        unsigned restarts;
        unsigned restarts_recent;
        int exit_status;
} FactUnit;

/* Space on a mounted file system (statvfs). */
typedef struct FactSpace {
        char *target;
        uint64_t size;
        uint64_t used;
        uint64_t avail;
} FactSpace;

typedef struct FactLink {
        char *ifname;
        char *operstate;   /* "up", "down", "dormant", "unknown", ... */
        bool carrier;
} FactLink;

/* The machine. Unknown numbers are UINT64_MAX, an unknown clock -1. */
typedef struct FactSystem {
        char *boot_id;
        char *machine_id;
        char *kernel;
        uint64_t uptime_sec;
        uint64_t mem_total;
        uint64_t mem_available;
        uint64_t root_used;
        double load1;
        unsigned cpus;
        int clock_synchronized;
        bool default_route;
} FactSystem;

typedef struct Facts {
        bool have_devices; /* false: block devices could not be read (no privileges) */
        FactDevice *devices;
        size_t n_devices;
        FactMount *mounts; /* in mount table order: the last one at a target is on top */
        size_t n_mounts;
        FactAddress *addresses;
        size_t n_addresses;
        FactFile *files;   /* files not listed are absent */
        size_t n_files;
        FactExecutable *executables;
        size_t n_executables;
        bool have_units;   /* false: no systemd to ask (the plan alone speaks) */
        FactUnit *units;
        size_t n_units;
        FactSpace *spaces;
        size_t n_spaces;
        FactLink *links;
        size_t n_links;
        FactSystem system;
        /* The ListenPort of vpn.wireguard.configFile, read by the edge (the
         * rest of the file is never kept); 0: none, or not readable. */
        unsigned wireguard_listen_port;
        /* How many keys sshd would take for the login user, core (in the
         * files of SSHD_AUTHORIZED_KEYS_FILES, hsos/sshd.h): 0 when nobody
         * can log in; -1 unknown (not read, or a file there could not be
         * read and no key was found). For the status; not in the facts
         * file, as the plan does not use it. */
        int login_keys;
} Facts;

Facts *facts_free(Facts *f);
static inline void facts_freep(Facts **f) {
        facts_free(*f);
}
Facts *facts_new(void);

/* Appending; each copies its arguments. */
int facts_add_device(Facts *f, const char *devname, const char *type, const char *label, const char *uuid,
                     const char *partuuid, const char *partlabel);
int facts_add_device_alias(Facts *f, const char *devname, const char *alias);
int facts_add_mount(Facts *f, const char *target, const char *source, const char *fstype, const char *options);
int facts_add_address(Facts *f, const char *ifname, const char *address);
int facts_add_file(Facts *f, const char *path, FileState state);
int facts_add_file_id(Facts *f, const char *path, FileState state, unsigned secret_id);
int facts_add_executable(Facts *f, const char *name, const char *path);
/* Creating the secret at path failed with error: the file is absent. */
int facts_set_create_error(Facts *f, const char *path, const char *error);

int facts_add_unit(Facts *f, const char *name, const char *active_state, const char *sub_state, const char *result,
                   unsigned restarts, unsigned restarts_recent, int exit_status);
int facts_add_space(Facts *f, const char *target, uint64_t size, uint64_t used, uint64_t avail);
/* Forgets the units or the spaces, to read them again. */
void facts_clear_units(Facts *f);
void facts_clear_spaces(Facts *f);
int facts_add_link(Facts *f, const char *ifname, const char *operstate, bool carrier);

const FactDevice *facts_find_device(const Facts *f, const char *name);
const FactUnit *facts_find_unit(const Facts *f, const char *name);
const FactSpace *facts_find_space(const Facts *f, const char *target);
/* The mount the path resolves through: the last one in table order whose
 * target holds it (a later mount at /mnt hides an earlier /mnt/data). */
const FactMount *facts_mount_holding(const Facts *f, const char *path);
/* The topmost mount exactly at target, or NULL. */
const FactMount *facts_mount_at(const Facts *f, const char *target);
bool facts_has_address(const Facts *f, const char *address);
/* Finds the device a mount's `what` names: a device path or one of its
 * aliases, a tag (LABEL=, UUID=, PARTUUID=, PARTLABEL=), or a /dev/disk/by-*
 * path, which is resolved as the tag it names where udev made no link.
 * *ret is NULL when there is none. Several devices with the tag: -ENOTUNIQ
 * and a reason (never a guess). */
int facts_resolve_device(const Facts *f, const char *what, const FactDevice **ret, char **ret_reason);
FileState facts_file_state(const Facts *f, const char *path);
unsigned facts_file_secret_id(const Facts *f, const char *path);
/* Why creating it failed, or NULL. */
const char *facts_file_create_error(const Facts *f, const char *path);
/* NULL when not found or not asked about. */
const char *facts_executable(const Facts *f, const char *name);

/* The ListenPort of a wg-quick configuration's [Interface] section: 0 and
 * *ret the port, -ENOENT without one, -EINVAL for one that is no port. Says
 * nothing of the rest of the file (a private key). */
int wireguard_listen_port(const char *data, size_t size, unsigned *ret);

/* JSON form (the --facts file; see docs/facts.md). Errors name the JSON path. */
int facts_from_json(const char *data, size_t size, Facts **ret, char **ret_error);
int facts_to_json(const Facts *f, char **ret);

const char *file_state_to_string(FileState s);
FileState file_state_from_string(const char *s);

/* What the plan needs to know about a config: each file it checks (with
 * whether it is a JWT, whose content is checked) and each executable. */
typedef struct Config Config;
int facts_wanted_files(const Config *c, char ***ret_paths, char ***ret_jwt_paths);
int facts_wanted_executables(const Config *c, char ***ret);
