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

int blkid_lib(const BlkidLib **ret) {
#define SYMBOL(f) { "blkid_" #f, offsetof(BlkidLib, f) },
        static const DynlibSymbol symbols[] = { BLKID_FUNCTIONS(SYMBOL) };
#undef SYMBOL
        static BlkidLib lib;
        static bool loaded;

        *ret = &lib;
        return dynlib_open_once(&loaded, HSOS_LIBBLKID, "libblkid1", symbols, ELEMENTSOF(symbols), &lib, error,
                                sizeof error);
}

int mount_lib(const MountLib **ret) {
#define SYMBOL(f) { "mnt_" #f, offsetof(MountLib, f) },
        static const DynlibSymbol symbols[] = { MOUNT_FUNCTIONS(SYMBOL) };
#undef SYMBOL
        static MountLib lib;
        static bool loaded;

        *ret = &lib;
        return dynlib_open_once(&loaded, HSOS_LIBMOUNT, "libmount1", symbols, ELEMENTSOF(symbols), &lib, error,
                                sizeof error);
}
