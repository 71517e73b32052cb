/* SPDX-License-Identifier: MIT */
/* The machine as plain facts: memory, load, CPUs, the clock's
 * synchronization (adjtimex), the boot, and space on mounted file systems. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/timex.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hsos/cleanup.h"
#include "hsos/edge/system.h"
#include "hsos/util.h"

static char *read_line(const char *path) {
        char buf[256];
        FILE *f = fopen(path, "re");
        char *s = NULL;

        if (!f)
                return NULL;
        if (fgets(buf, sizeof buf, f)) {
                buf[strcspn(buf, "\n")] = 0;
                s = strdup(buf);
        }
        fclose(f);
        return s;
}

static void read_meminfo(FactSystem *s) {
        FILE *f = fopen("/proc/meminfo", "re");
        char key[64];
        unsigned long long kb;

        if (!f)
                return;
        while (fscanf(f, "%63s %llu kB\n", key, &kb) == 2) {
                if (streq(key, "MemTotal:"))
                        s->mem_total = kb * 1024;
                else if (streq(key, "MemAvailable:"))
                        s->mem_available = kb * 1024;
        }
        fclose(f);
}

int clock_synchronized(void) {
        struct timex tx = {};
        int r = adjtimex(&tx);

        if (r < 0)
                return -1;
        /* TIME_ERROR, or STA_UNSYNC set: no time source keeps it right. */
        return r != TIME_ERROR && !(tx.status & STA_UNSYNC);
}

int system_read(Facts *f) {
        FactSystem *s = &f->system;
        struct utsname u;
        struct statvfs sv;
        _cleanup_free_ char *uptime = NULL, *load = NULL;
        long n;

        free(s->boot_id);
        s->boot_id = read_line("/proc/sys/kernel/random/boot_id");
        free(s->machine_id);
        s->machine_id = read_line("/etc/machine-id");
        if (s->machine_id && !*s->machine_id) {
                free(s->machine_id);
                s->machine_id = NULL;
        }
        free(s->kernel);
        s->kernel = uname(&u) == 0 ? strdup(u.release) : NULL;
        uptime = read_line("/proc/uptime");
        if (uptime)
                s->uptime_sec = strtoull(uptime, NULL, 10);
        load = read_line("/proc/loadavg");
        if (load)
                s->load1 = strtod(load, NULL);
        read_meminfo(s);
        if (statvfs("/", &sv) == 0)
                s->root_used = (uint64_t) (sv.f_blocks - sv.f_bfree) * sv.f_frsize;
        n = sysconf(_SC_NPROCESSORS_ONLN);
        s->cpus = n > 0 ? (unsigned) n : 0;
        s->clock_synchronized = clock_synchronized();
        return 0;
}

int space_read(Facts *f, const char *target) {
        struct statvfs sv;

        if (statvfs(target, &sv) < 0)
                return -errno;
        return facts_add_space(f, target, (uint64_t) sv.f_blocks * sv.f_frsize,
                               (uint64_t) (sv.f_blocks - sv.f_bfree) * sv.f_frsize, (uint64_t) sv.f_bavail * sv.f_frsize);
}

uint64_t now_usec(clockid_t clock) {
        struct timespec ts;

        clock_gettime(clock, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

struct passwd *passwd_lookup(const char *name) {
        _cleanup_fclose_ FILE *f = fopen("/etc/passwd", "re");
        struct passwd *pw;

        if (!f)
                return NULL;
        while ((errno = 0, pw = fgetpwent(f)))
                if (streq(pw->pw_name, name))
                        return pw;
        if (errno == 0)
                errno = ENOENT;
        return NULL;
}

struct group *group_lookup(const char *name) {
        _cleanup_fclose_ FILE *f = fopen("/etc/group", "re");
        struct group *g;

        if (!f)
                return NULL;
        while ((errno = 0, g = fgetgrent(f)))
                if (streq(g->gr_name, name))
                        return g;
        if (errno == 0)
                errno = ENOENT;
        return NULL;
}
