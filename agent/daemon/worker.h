/* SPDX-License-Identifier: MIT */
#pragma once

/* Work that may take long or block (mounting, the take-over of a data dir of
 * a million files, ssh-keygen, useradd, systemd-sysusers, journalctl) runs in
 * a forked child of the daemon, so the event loop keeps answering the status
 * socket and the watchdog meanwhile. The child reports each line of what it
 * did, and its notes, over a pipe as small typed records; the parent hears
 * them as they come and once more when the child has exited. */

#include <stdbool.h>
#include <stdint.h>

#include <systemd/sd-event.h>

#include "hsos/edge/act.h"

typedef struct Worker Worker;

typedef enum WorkerNote {
        WORKER_PROBLEM,          /* something that could not be done (status "problems") */
        WORKER_SECRET_CREATED,   /* a secret's path */
        WORKER_FACTS,            /* the disk's facts after the work (facts_to_json) */
        WORKER_NODE_CHANGES,     /* NodeChange bits (hsos/action.h), in decimal: sshd may reload */
        WORKER_DIR_PRESENT,      /* a directory on the way to a secret that exists */
        _WORKER_NOTE_MAX,
} WorkerNote;

/* How long work may take. A take-over of millions of files may take
 * minutes; a mount hung on a dying disk never ends. Past slow_usec the
 * parent hears slow() (the status says so); past max_usec the child is
 * killed (SIGKILL: a take-over cut short is done again from the start,
 * nothing half-made stays) and done() hears -SIGKILL. 0: no limit. The
 * daemon's are WORKER_SLOW_USEC and WORKER_MAX_USEC; a test passes its own. */
typedef struct WorkerLimits {
        uint64_t slow_usec;
        uint64_t max_usec;
} WorkerLimits;

#define WORKER_SLOW_USEC (5ULL * 60 * 1000000)
#define WORKER_MAX_USEC (60ULL * 60 * 1000000)

typedef struct WorkerCallbacks {
        void (*report)(void *userdata, ActKind kind, const char *subject, ActOutcome outcome, const char *line);
        void (*note)(void *userdata, WorkerNote note, const char *text, const char *detail);
        /* It has run for limits.slow_usec and goes on (may be NULL). */
        void (*slow)(void *userdata);
        /* The child exited (status as waitid's si_status; killed: -signal);
         * stopped: it was killed for running past limits.max_usec. */
        void (*done)(void *userdata, int status, bool stopped);
} WorkerCallbacks;

/* Forks a child running work(w, userdata), which must only compute, touch
 * the system and report (never the parent's bus, sockets or event loop);
 * the child exits when work returns. SIGCHLD must be blocked. */
int worker_start(sd_event *e, void (*work)(Worker *w, void *userdata), const WorkerCallbacks *cb,
                 const WorkerLimits *limits, void *userdata, Worker **ret);
/* CLOCK_MONOTONIC when it was started. */
uint64_t worker_started_usec(const Worker *w);
/* Whether it has run past limits.slow_usec (slow() was called). */
bool worker_is_slow(const Worker *w);
/* Kills the child (SIGKILL); its end is heard as usual (done, -SIGKILL). */
void worker_kill(Worker *w);
/* Kills a running child (SIGKILL) and frees; no callback is called. */
Worker *worker_free(Worker *w);

/* In the child: an ActReport that sends its line to the parent (userdata is
 * the Worker). */
void worker_report(void *userdata, ActKind kind, const char *subject, ActOutcome outcome, const char *line);
void worker_note(Worker *w, WorkerNote note, const char *text, const char *detail);
