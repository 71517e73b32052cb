/* SPDX-License-Identifier: MIT */
/* libblkid and libmount, opened on first use (include/hsos/edge/disklibs.h).
 * Linked, they and libselinux and libpcre2 behind libmount held some 460 KiB
 * of the root daemon's RSS that only its worker uses (tests/bench/memory.sh). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "hsos/edge/disklibs.h"
#include "hsos/edge/dynlib.h"
#include "hsos/util.h"

/* Where the libraries lie: a packager whose loader does not search the
 * system's directories (Nix) passes the full paths. */
#ifndef HSOS_LIBBLKID
#define HSOS_LIBBLKID "libblkid.so.1"
#endif
#ifndef HSOS_LIBMOUNT
#define HSOS_LIBMOUNT "libmount.so.1"
#endif

static char error[256];

const char *disklibs_error(void) {
        return error;
}

/* Opens the library once: *loaded remembers it. */
static int open_lib(const char *path, const char *package, const DynlibSymbol *symbols, size_t n, void *lib,
                    bool *loaded) {
        int r;

        if (*loaded)
                return 0;
        r = dynlib_open(path, package, symbols, n, lib, NULL, error, sizeof error);
        if (r < 0)
                return r;
        *loaded = true;
        return 0;
}

int blkid_lib(const BlkidLib **ret) {
#define SYMBOL(f) { "blkid_" #f, offsetof(BlkidLib, f) },
        static const DynlibSymbol symbols[] = { BLKID_FUNCTIONS(SYMBOL) };
#undef SYMBOL
        static BlkidLib lib;
        static bool loaded;

        *ret = &lib;
        return open_lib(HSOS_LIBBLKID, "libblkid1", symbols, ELEMENTSOF(symbols), &lib, &loaded);
}

int mount_lib(const MountLib **ret) {
#define SYMBOL(f) { "mnt_" #f, offsetof(MountLib, f) },
        static const DynlibSymbol symbols[] = { MOUNT_FUNCTIONS(SYMBOL) };
#undef SYMBOL
        static MountLib lib;
        static bool loaded;

        *ret = &lib;
        return open_lib(HSOS_LIBMOUNT, "libmount1", symbols, ELEMENTSOF(symbols), &lib, &loaded);
}
