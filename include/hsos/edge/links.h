/* SPDX-License-Identifier: MIT */
#pragma once

/* Network links, addresses and routes, dumped over rtnetlink with libmnl. */

#include "hsos/facts.h"

/* Addresses on interfaces. */
int links_read_addresses(Facts *f);
/* Links (operstate, carrier) and whether a default route exists. */
int links_read(Facts *f);
