/* SPDX-License-Identifier: MIT */
#pragma once

/* A library opened with dlopen() where linking it would map it (and what it
 * links) into a process that rarely or never needs it: the root daemon (the
 * firewall's libnftables, the disk's libblkid and libmount) and the network
 * helper (libmicrohttpd, libseccomp). Its functions land in a struct of
 * function pointers, each named by a DynlibSymbol. */

#include <stdbool.h>
#include <stddef.h>

typedef struct DynlibSymbol {
        const char *name;  /* the library's name of the function */
        size_t offset;     /* of its pointer in the struct */
} DynlibSymbol;

/* Opens path (RTLD_NOW | RTLD_LOCAL) and fills the struct at table with the
 * n symbols. 0 and *ret_handle (for dynlib_close; NULL: kept open), or
 * -ELIBACC when it cannot be loaded, -ELIBBAD when a function is missing;
 * then error (size bytes, may be NULL) says which in plain words, naming
 * package, Debian's package of the library. */
int dynlib_open(const char *path, const char *package, const DynlibSymbol *symbols, size_t n, void *table,
                void **ret_handle, char *error, size_t size);
/* Unmaps it (the struct's pointers are then stale). */
void dynlib_close(void *handle);
/* dynlib_open for a library kept open for the process's life, opened on
 * first use: *loaded remembers a success, so later calls return 0 at once
 * (a failure is tried again). */
int dynlib_open_once(bool *loaded, const char *path, const char *package, const DynlibSymbol *symbols, size_t n,
                     void *table, char *error, size_t size);
