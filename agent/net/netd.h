/* SPDX-License-Identifier: MIT */
#pragma once

/* The network helper's loop (hsos-agent-net child): talks to root on fd. */
int netd_run(int fd);

/* The helper's seccomp filter (a deny-list: mounts, namespaces, ptrace,
 * modules, bpf, set*id, chown...), installed for good in this process; fleet
 * serve, a long-running listener, installs it too. */
int netd_install_seccomp(void);
