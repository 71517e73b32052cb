/* SPDX-License-Identifier: MIT */
/* libblkid and libmount, opened on first use (include/hsos/edge/disklibs.h).
 * Linked, they and libselinux and libpcre2 behind libmount held some 460 KiB
 * of the root daemon's RSS that only its worker uses (tests/bench/memory.sh). */
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "hsos/edge/disklibs.h"
#include "hsos/util.h"

/* Where the libraries lie: a packager whose loader does not search the
 * system's directories (Nix) passes the full paths. */
#ifndef HSOS_LIBBLKID
#define HSOS_LIBBLKID "libblkid.so.1"
#endif
#ifndef HSOS_LIBMOUNT
#define HSOS_LIBMOUNT "libmount.so.1"
#endif

typedef struct Symbol {
        const char *name;
        size_t offset; /* of its pointer in the struct */
} Symbol;

static char error[256];

const char *disklibs_error(void) {
        return error;
}

/* Opens path and fills the struct at lib from its symbols, once: *loaded
 * remembers it. 0, or -ELIBACC (no such library), -ELIBBAD (a function
 * missing). */
static int open_lib(const char *path, const char *package, const Symbol *symbols, size_t n, void *lib, bool *loaded) {
        void *h;

        if (*loaded)
                return 0;
        h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!h) {
                snprintf(error, sizeof error, "%s could not be loaded (Debian's package %s)", path, package);
                return -ELIBACC;
        }
        for (size_t i = 0; i < n; i++) {
                void *fn = dlsym(h, symbols[i].name);

                if (!fn) {
                        snprintf(error, sizeof error, "%s lacks %s, which the agent uses", path, symbols[i].name);
                        dlclose(h);
                        return -ELIBBAD;
                }
                *(void **) ((char *) lib + symbols[i].offset) = fn;
        }
        *loaded = true;
        return 0;
}

int blkid_lib(const BlkidLib **ret) {
#define SYMBOL(f) { "blkid_" #f, offsetof(BlkidLib, f) },
        static const Symbol symbols[] = { BLKID_FUNCTIONS(SYMBOL) };
#undef SYMBOL
        static BlkidLib lib;
        static bool loaded;

        *ret = &lib;
        return open_lib(HSOS_LIBBLKID, "libblkid1", symbols, ELEMENTSOF(symbols), &lib, &loaded);
}

int mount_lib(const MountLib **ret) {
#define SYMBOL(f) { "mnt_" #f, offsetof(MountLib, f) },
        static const Symbol symbols[] = { MOUNT_FUNCTIONS(SYMBOL) };
#undef SYMBOL
        static MountLib lib;
        static bool loaded;

        *ret = &lib;
        return open_lib(HSOS_LIBMOUNT, "libmount1", symbols, ELEMENTSOF(symbols), &lib, &loaded);
}
