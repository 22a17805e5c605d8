/*
 * worker.h: the worker's side of a run. A worker is a process forked by
 * the runner (runner.c); it serves jobs from a pipe, runs each check in a
 * fresh sandbox and writes START and result frames (proto.h). It knows
 * only its own config, narrower than the run's: no pool size, no progress,
 * no raw tags or manifest (the parent's tag selection, verdict.h, tells it
 * which checks to leave out; the parent checks every "not-selected").
 */
#ifndef PF_WORKER_H
#define PF_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "redact.h"
#include "result.h"
#include "sandbox.h"
#include "verdict.h"

#define PF_MAX_CHECK_FILE (1L << 20)

typedef struct pf_worker_config {
    long timeout_ms;             /* per-check maximum */
    pf_sandbox_conf sb;          /* the sandbox every check runs in */
    const pf_redactor *redactor; /* masks the check's text before a cut */
    const pf_selection *select;  /* the run's --tag selection; NULL: all */
} pf_worker_config;

/* The worker's side: serve jobs from job_fd until EOF, then _exit. */
void pf_worker_main(const pf_worker_config *cfg, const pf_check *checks,
                    size_t n, int job_fd, int result_fd)
    __attribute__((noreturn));

/* Run one check in this process (what a worker does for one job) and
 * fill out; exposed for tests. start_fd gets the START frame, or -1. */
void pf_worker_one(const pf_worker_config *cfg, const char *file, int kind,
                   uint64_t start_ns, int start_fd, pf_check *out);

#endif
