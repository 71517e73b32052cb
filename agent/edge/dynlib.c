/* SPDX-License-Identifier: MIT */
/* Libraries opened on first use (include/hsos/edge/dynlib.h). */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>

#include "hsos/edge/dynlib.h"

int dynlib_open(const char *path, const char *package, const DynlibSymbol *symbols, size_t n, void *table,
                void **ret_handle, char *error, size_t size) {
        void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);

        if (!h) {
                if (error)
                        snprintf(error, size, "%s could not be loaded (Debian's package %s)", path, package);
                return -ELIBACC;
        }
        for (size_t i = 0; i < n; i++) {
                void *fn = dlsym(h, symbols[i].name);

                if (!fn) {
                        if (error)
                                snprintf(error, size, "%s lacks %s, which the agent uses", path, symbols[i].name);
                        dlclose(h);
                        return -ELIBBAD;
                }
                *(void **) ((char *) table + symbols[i].offset) = fn;
        }
        if (ret_handle)
                *ret_handle = h;
        return 0;
}

void dynlib_close(void *handle) {
        if (handle)
                dlclose(handle);
}

int dynlib_open_once(bool *loaded, const char *path, const char *package, const DynlibSymbol *symbols, size_t n,
                     void *table, char *error, size_t size) {
        int r;

        if (*loaded)
                return 0;
        r = dynlib_open(path, package, symbols, n, table, NULL, error, size);
        if (r < 0)
                return r;
        *loaded = true;
        return 0;
}
