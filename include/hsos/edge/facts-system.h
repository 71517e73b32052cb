/* SPDX-License-Identifier: MIT */
#pragma once

/* The facts of this machine, gathered from the edges (no interface of its
 * own): the mount table, the block devices, the addresses, the files and
 * executables a config names. */

#include "hsos/config.h"
#include "hsos/facts.h"

/* The facts about storage: the mount table (its failure is an error) and
 * the block devices (as far as they can be read: f->have_devices). */
int facts_read_storage(Facts *f);

/* All the facts a config's plan needs, as far as they can be read. */
int facts_from_system(const Config *c, Facts **ret);
