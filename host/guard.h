/*
 * guard.h: the guard (DESIGN.md 8.8). Live `exec` (and paper `exec
 * --guard`) does not replace itself with COMMAND: COMMAND becomes a child
 * of preflight, which stays to supervise it:
 *
 *   - preflight is a child subreaper: every descendant COMMAND leaves
 *     behind (a daemon that called setsid) is re-parented to it, reaped by
 *     it, and stopped with COMMAND;
 *   - SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 are forwarded
 *     to COMMAND; COMMAND dies when preflight dies (PR_SET_PDEATHSIG);
 *   - the kill-switch file is watched (inotify on its folder, and a stat
 *     at least once a second); an engaged switch, a switch whose state
 *     cannot be known, a missing folder or a watch that cannot be made
 *     stops COMMAND: SIGTERM to it and every descendant, SIGKILL after the
 *     stop grace;
 *   - every guard interval the checks tagged `guard` run in sandboxed
 *     workers (in a forked cycle process, so that the watch and the
 *     signals are served while they run) with ctx.phase = "guard"; a
 *     required one that does not pass guard_failures cycles in a row
 *     engages the kill switch with reason "ID: message" and stops COMMAND;
 *   - --metrics is written after every cycle.
 *
 * The caller writes the stop document and the guard-stop audit line from
 * the result.
 */
#ifndef PF_GUARD_H
#define PF_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include "evidence.h"
#include "redact.h"
#include "result.h"
#include "runner.h"

typedef enum pf_stop_by {
    PF_STOP_NOT_STARTED = 0, /* COMMAND never ran (see reason) */
    PF_STOP_EXITED,          /* COMMAND ended by itself or by a signal */
    PF_STOP_KILL_SWITCH,     /* the switch was engaged (or unknowable) */
    PF_STOP_GUARD_CHECK,     /* a required guard check kept failing */
    PF_STOP_PACK             /* the pack no longer matches its lock */
} pf_stop_by;

/* live: called after each cycle with the cycle's checks; returns 1 and a
 * reason when the pack no longer matches its lock (files on disk, or the
 * bytes a worker compiled), else 0. */
typedef int (*pf_guard_pack_fn)(void *ud, const pf_check *checks, size_t n,
                                char *why, size_t whylen);

typedef struct pf_guard_conf {
    char *const *argv;         /* COMMAND and its arguments */
    const char *kill_switch;   /* the file watched (the policy's) */
    long interval_ms;          /* between the end of a cycle and the next */
    long grace_ms;             /* SIGTERM to SIGKILL */
    const pf_run_config *cfg;  /* the start run's configuration */
    const pf_check *checks;    /* the start run's checks (tags, ids) */
    size_t n;
    char *const *manifest;     /* required ids */
    size_t nmanifest;
    const char *metrics;       /* written after each cycle, or NULL */
    const pf_report *report;   /* the start run: the metrics' first part */
    pf_guard_pack_fn pack_changed; /* may be NULL */
    void *pack_ud;
} pf_guard_conf;

typedef struct pf_guard_result {
    pf_stop_by by;
    char reason[1200];   /* why the guard stopped COMMAND, or why it did
                          * not start; "" when COMMAND just ended */
    int status;          /* COMMAND's wait status, when has_status */
    int has_status;
    int escalated;       /* SIGKILL was needed after the grace */
    int exit_code;       /* preflight's (8.7): COMMAND's status (128+N for
                          * a signal), 3 after a guard stop, 2 when COMMAND
                          * could not be started */
    unsigned long cycles;     /* guard cycles finished */
    unsigned long forwarded;  /* signals forwarded to COMMAND */
    int64_t stopped_ms;       /* UTC ms when COMMAND was gone */
} pf_guard_result;

/* 1 when c has an id and the tag `guard` (it runs in guard cycles). */
int pf_guard_tagged(const pf_check *c);

/* The ids of the required checks tagged `guard` among checks: how many. */
size_t pf_guard_required(const pf_check *checks, size_t n,
                         char *const *manifest, size_t nmanifest);

/*
 * Start COMMAND as a child and supervise it until it and every descendant
 * are gone. Signals: the caller's handlers (signals.c) are set aside for
 * the guard's time and restored before it returns. Returns 0 with res
 * filled (COMMAND ran, or res->by == PF_STOP_NOT_STARTED with a reason).
 */
int pf_guard_run(const pf_guard_conf *gc, pf_guard_result *res);

/* A guard check's state across cycles (the metrics show it). */
typedef struct pf_guard_check_state {
    const char *id;
    int required;
    int limit;            /* guard_failures (1-5) */
    int in_a_row;         /* non-passes in a row */
    pf_status last;       /* status of the last cycle */
    int has_last;
    int64_t last_pass_ms; /* 0: never passed in a guard cycle */
    char message[512];    /* the last cycle's message, masked */
    pf_buf details;       /* the last cycle's numeric details, a line
                           * "KEY\tVALUE" each (booleans as 1 or 0) */
} pf_guard_check_state;

/* The guard's metrics series after a cycle (metrics.c), appended to b,
 * with r's --metrics-label labels on each. */
void pf_metrics_guard_text(pf_buf *b, const pf_report *r,
                           const pf_guard_check_state *st, size_t n,
                           unsigned long cycles, double last_cycle_s,
                           int stopped);

#endif
