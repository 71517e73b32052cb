/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hsos/cleanup.h"
#include "hsos/edge/blockdev.h"
#include "hsos/edge/disklibs.h"
#include "hsos/util.h"

static const char *lookup(const BlkidLib *b, blkid_probe pr, const char *name) {
        const char *v = NULL;

        if (b->probe_lookup_value(pr, name, &v, NULL) < 0)
                return NULL;
        return v;
}

/* Reads what the probe on fd finds into f. */
static int probe_read(const BlkidLib *b, blkid_probe pr, int fd, Facts *f, const char *devname) {
        int r;

        if (b->probe_set_device(pr, fd, 0, 0) < 0)
                return -EIO;
        b->probe_enable_superblocks(pr, 1);
        b->probe_set_superblocks_flags(pr, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE);
        b->probe_enable_partitions(pr, 1);
        b->probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);

        r = b->do_safeprobe(pr);
        if (r == -2) {
                /* Two signatures: say so, never guess which one is real. */
                r = facts_add_device(f, devname, NULL, NULL, NULL, NULL, NULL);
                if (r < 0)
                        return r;
                f->devices[f->n_devices - 1].error = strdup("the probe is ambivalent: more than one file system "
                                                            "signature was found (wipefs shows them)");
                return f->devices[f->n_devices - 1].error ? 0 : -ENOMEM;
        }
        if (r < 0)
                return -EIO;
        return facts_add_device(f, devname, r == 0 ? lookup(b, pr, "TYPE") : NULL, r == 0 ? lookup(b, pr, "LABEL") : NULL,
                                r == 0 ? lookup(b, pr, "UUID") : NULL, r == 0 ? lookup(b, pr, "PART_ENTRY_UUID") : NULL,
                                r == 0 ? lookup(b, pr, "PART_ENTRY_NAME") : NULL);
}

/* Probes one device node. Returns 0 (added), or -errno when it could not be opened. */
static int probe_one(const BlkidLib *b, Facts *f, const char *devname) {
        _cleanup_close_ int fd = -EBADF;
        blkid_probe pr;
        int r;

        /* Opened here, so the caller learns the real errno (libblkid's is not reliable). */
        fd = open(devname, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd < 0)
                return -errno;
        pr = b->new_probe();
        if (!pr)
                return -ENOMEM;
        r = probe_read(b, pr, fd, f, devname);
        b->free_probe(pr);
        return r;
}

/* Device-mapper nodes are known by their /dev/mapper names too. */
static int add_dm_alias(Facts *f, const char *sysfs_block, const char *name, const char *devname) {
        _cleanup_free_ char *p = NULL, *alias = NULL;
        char dm[256] = "";
        FILE *fp;

        if (asprintf(&p, "%s/%s/dm/name", sysfs_block, name) < 0)
                return -ENOMEM;
        fp = fopen(p, "re");
        if (!fp)
                return 0;
        if (!fgets(dm, sizeof dm, fp))
                dm[0] = 0;
        fclose(fp);
        dm[strcspn(dm, "\n")] = 0;
        if (!dm[0])
                return 0;
        if (asprintf(&alias, "/dev/mapper/%s", dm) < 0)
                return -ENOMEM;
        return facts_add_device_alias(f, devname, alias);
}

/* udev's /dev/disk/by-* links, where udev runs, name devices as well. */
static int add_udev_aliases(Facts *f, const char *dev_dir) {
        static const char * const dirs[] = { "by-label", "by-uuid", "by-partuuid", "by-partlabel", "by-id", "by-path" };

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                _cleanup_(closedirp) DIR *d = NULL;
                _cleanup_free_ char *dir = NULL;
                struct dirent *de;

                if (asprintf(&dir, "%s/disk/%s", dev_dir, dirs[i]) < 0)
                        return -ENOMEM;
                d = opendir(dir);
                if (!d)
                        continue;
                while ((de = readdir(d))) {
                        _cleanup_free_ char *link = NULL, *target = NULL;
                        if (de->d_name[0] == '.')
                                continue;
                        if (asprintf(&link, "%s/%s", dir, de->d_name) < 0)
                                return -ENOMEM;
                        target = realpath(link, NULL);
                        if (target && facts_add_device_alias(f, target, link) == -ENOMEM)
                                return -ENOMEM;
                }
        }
        return 0;
}

int blockdev_read(const char *sysfs_block, const char *dev_dir, Facts *f) {
        _cleanup_(closedirp) DIR *d = NULL;
        const BlkidLib *b;
        struct dirent *de;
        bool complete = true;
        int r;

        r = blkid_lib(&b);
        if (r < 0)
                return r;
        d = opendir(sysfs_block);
        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                _cleanup_free_ char *devname = NULL, *size_path = NULL;
                unsigned long long size = 0;
                FILE *fp;

                if (de->d_name[0] == '.')
                        continue;
                /* Empty loop devices and absent media have size 0: nothing to probe. */
                if (asprintf(&size_path, "%s/%s/size", sysfs_block, de->d_name) < 0)
                        return -ENOMEM;
                fp = fopen(size_path, "re");
                if (fp) {
                        if (fscanf(fp, "%llu", &size) != 1)
                                size = 0;
                        fclose(fp);
                }
                if (size == 0)
                        continue;
                if (asprintf(&devname, "%s/%s", dev_dir, de->d_name) < 0)
                        return -ENOMEM;
                r = probe_one(b, f, devname);
                if (r == -ENOMEM)
                        return r;
                if (r == -EACCES) {
                        /* Not ours to read (no privileges): what it holds is unknown. */
                        complete = false;
                        continue;
                }
                if (r < 0)
                        continue; /* no node, no medium, or the device cgroup refuses it: unusable */
                r = add_dm_alias(f, sysfs_block, de->d_name, devname);
                if (r < 0)
                        return r;
        }
        r = add_udev_aliases(f, dev_dir);
        if (r < 0)
                return r;
        f->have_devices = complete;
        return 0;
}
