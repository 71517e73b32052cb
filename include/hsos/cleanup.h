/* SPDX-License-Identifier: MIT */
#pragma once

/* Scope-bound cleanup, in the manner of systemd's macros (which libsystemd does
 * not ship). cJSON is used everywhere; the helpers for an edge library are
 * defined only when its header was included before this one (edge files
 * include their library first), so the pure core never sees an edge library. */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cJSON.h>

#define _cleanup_(f) __attribute__((__cleanup__(f)))

#define TAKE_PTR(p)                          \
        ({                                   \
                __typeof__(p) _ptr_ = (p);   \
                (p) = NULL;                  \
                _ptr_;                       \
        })

#define TAKE_FD(fd)                          \
        ({                                   \
                int _fd_ = (fd);             \
                (fd) = -EBADF;               \
                _fd_;                        \
        })

#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func)                 \
        static inline void func##p(type *p) {                   \
                if (*p)                                         \
                        func(*p);                               \
        }

static inline void freep(void *p) {
        free(*(void **) p);
}

static inline void closep(int *fd) {
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}

static inline int safe_close_fd(int fd) {
        if (fd >= 0)
                close(fd);
        return -EBADF;
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

DEFINE_TRIVIAL_CLEANUP_FUNC(cJSON *, cJSON_Delete);
DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir);
DEFINE_TRIVIAL_CLEANUP_FUNC(FILE *, fclose);
#define _cleanup_fclose_ _cleanup_(fclosep)

#ifdef _BLKID_BLKID_H
DEFINE_TRIVIAL_CLEANUP_FUNC(blkid_probe, blkid_free_probe);
DEFINE_TRIVIAL_CLEANUP_FUNC(blkid_cache, blkid_put_cache);
#endif

#ifdef _LIBMOUNT_MOUNT_H
DEFINE_TRIVIAL_CLEANUP_FUNC(struct libmnt_context *, mnt_free_context);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct libmnt_table *, mnt_unref_table);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct libmnt_iter *, mnt_free_iter);
#endif

#ifdef _LIBMNL_H_
static inline void mnl_socket_closep(struct mnl_socket **p) {
        if (*p)
                (void) mnl_socket_close(*p);
}
#endif

#ifdef CURLINC_CURL_H
DEFINE_TRIVIAL_CLEANUP_FUNC(CURL *, curl_easy_cleanup);
#endif
