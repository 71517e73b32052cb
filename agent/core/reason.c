/* SPDX-License-Identifier: MIT */
/* Why a mount or a unit is not ready, in words: each kind of reason and the
 * sentence rendered from its data (what `plan`, the status and the journal
 * show). Code that must tell one reason from another looks at the kind. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "hsos/plan.h"
#include "hsos/util.h"

static const char * const reason_kind_table[_REASON_KIND_MAX] = {
        [REASON_NONE] = "none",
        [REASON_PARENT_MOUNT] = "parent-mount",
        [REASON_NO_DEVICE] = "no-device",
        [REASON_DEVICES_UNREADABLE] = "devices-unreadable",
        [REASON_DEVICE_AMBIGUOUS] = "device-ambiguous",
        [REASON_DEVICE_PROBE] = "device-probe",
        [REASON_NO_FILE_SYSTEM] = "no-file-system",
        [REASON_WRONG_FSTYPE] = "wrong-fstype",
        [REASON_OCCUPIED] = "occupied",
        [REASON_WRONG_SUBVOLUME] = "wrong-subvolume",
        [REASON_STORAGE_MOUNT_PENDING] = "storage-mount-pending",
        [REASON_STORAGE_MOUNT_ABSENT] = "storage-mount-absent",
        [REASON_STORAGE_UNMOUNTED] = "storage-unmounted",
        [REASON_STORAGE_RAM_ROOT] = "storage-ram-root",
        [REASON_STORAGE_VOLATILE] = "storage-volatile",
        [REASON_EXECUTABLE_NOT_FOUND] = "executable-not-found",
        [REASON_SECRET] = "secret",
        [REASON_ADDRESS] = "address",
        [REASON_NEEDS_VPN] = "needs-vpn",
};

const char *reason_kind_to_string(ReasonKind k) {
        return k >= 0 && k < _REASON_KIND_MAX ? reason_kind_table[k] : NULL;
}

void plan_reason_done(PlanReason *r) {
        free(r->path);
        free(r->where);
        free(r->name);
        free(r->device);
        free(r->fstype);
        free(r->detail);
        *r = (PlanReason) { .kind = REASON_NONE };
}

/* A secret's problem, as its unit tells it: the JWT named as such, the
 * wireguard file's reason alone (it names the file), ssv-node's by kind. */
static int render_secret(const PlanReason *r, char **ret) {
        switch (r->secret) {
        case SECRET_JWT:
                return asprintf(ret, "JWT secret: %s", strempty(r->detail));
        case SECRET_WIREGUARD:
        case SECRET_SSH_HOST_KEY:
                return asprintf(ret, "%s", strempty(r->detail));
        case SECRET_SSV_OPERATOR_KEY:
        case SECRET_SSV_PASSWORD:
                return asprintf(ret, "%s: %s", secret_kind_to_string(r->secret), strempty(r->detail));
        case _SECRET_KIND_MAX:
        case _SECRET_KIND_INVALID:
                break;
        }
        return asprintf(ret, "%s", strempty(r->detail));
}

int plan_reason_render(const PlanReason *r, char **ret) {
        char *s = NULL;
        int n = -1;

        switch (r->kind) {
        case REASON_NONE:
                *ret = NULL;
                return 0;
        case REASON_PARENT_MOUNT:
                n = asprintf(&s, "waiting for mount %s (%s) to be in place first", strempty(r->name),
                             strempty(r->where));
                break;
        case REASON_NO_DEVICE:
                n = asprintf(&s, "no device %s yet", strempty(r->name));
                break;
        case REASON_DEVICES_UNREADABLE:
                n = asprintf(&s, "no device %s known (block devices could not be read)", strempty(r->name));
                break;
        case REASON_DEVICE_AMBIGUOUS:
                n = asprintf(&s, "%s", strempty(r->detail));
                break;
        case REASON_DEVICE_PROBE:
                n = asprintf(&s, "%s: %s", strempty(r->device), strempty(r->detail));
                break;
        case REASON_NO_FILE_SYSTEM:
                n = asprintf(&s, "no file system found on %s", strempty(r->device));
                break;
        case REASON_WRONG_FSTYPE:
                n = asprintf(&s, "wrong file system type: %s holds %s, the config says %s", strempty(r->device),
                             strempty(r->fstype), strempty(r->detail));
                break;
        case REASON_OCCUPIED:
                n = asprintf(&s, "something else is mounted at %s (%s, %s); it is left alone", strempty(r->where),
                             strempty(r->device), strempty(r->fstype));
                break;
        case REASON_WRONG_SUBVOLUME:
                n = asprintf(&s, "%s is mounted at %s with another subvolume than \"%s\" asks for",
                             strempty(r->device), strempty(r->where), strempty(r->detail));
                break;
        case REASON_STORAGE_MOUNT_PENDING:
                n = asprintf(&s, "%s is on mount %s (%s), which is not mounted yet", strempty(r->path),
                             strempty(r->name), strempty(r->where));
                break;
        case REASON_STORAGE_MOUNT_ABSENT:
                n = asprintf(&s, "%s is on mount %s (%s), which is not in place: %s", strempty(r->path),
                             strempty(r->name), strempty(r->where), strempty(r->detail));
                break;
        case REASON_STORAGE_UNMOUNTED:
                n = asprintf(&s, "%s is on no mounted file system the mount table shows", strempty(r->path));
                break;
        case REASON_STORAGE_RAM_ROOT:
                n = asprintf(&s, "%s is on the RAM root (%s), not on persistent storage", strempty(r->path),
                             strempty(r->fstype));
                break;
        case REASON_STORAGE_VOLATILE:
                n = asprintf(&s, "%s is on %s (%s), not on persistent storage", strempty(r->path),
                             strempty(r->fstype), strempty(r->where));
                break;
        case REASON_EXECUTABLE_NOT_FOUND: {
                const ClientInfo *info = r->client >= 0 && r->client < _CLIENT_MAX ? client_info(r->client) : NULL;
                const char *client = info ? info->name : "";

                if (r->packaged)
                        n = asprintf(&s, "executable %s (agent.packages.%s) was not found", strempty(r->name), client);
                else
                        n = asprintf(&s, "executable %s was not found on PATH (agent.packages.%s can name it)",
                                     strempty(r->name), client);
                break;
        }
        case REASON_SECRET:
                n = render_secret(r, &s);
                break;
        case REASON_ADDRESS:
                n = asprintf(&s, "waiting for address %s to appear on an interface", strempty(r->name));
                break;
        case REASON_NEEDS_VPN:
                n = asprintf(&s, "needs %s, which is %s", strempty(r->name), strempty(unit_state_to_string(r->unit_state)));
                break;
        case _REASON_KIND_MAX:
        case _REASON_KIND_INVALID:
                return -EINVAL;
        }
        if (n < 0)
                return -ENOMEM;
        *ret = s;
        return 0;
}
