/* SPDX-License-Identifier: MIT */
#pragma once

/* The network helper's loop (hsos-agent-net child): talks to root on fd. */
int netd_run(int fd);
