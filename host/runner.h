/*
 * runner.h: discover check files, run them in a pool of worker processes
 * and collect their outcomes. The parent never runs check code.
 */
#ifndef PF_RUNNER_H
#define PF_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "redact.h"
#include "result.h"
#include "sandbox.h"
#include "worker.h"

#define PF_DEFAULT_TIMEOUT_MS 5000
#define PF_DEFAULT_RUN_TIMEOUT_MS 300000
#define PF_DEFAULT_JOBS 32
#define PF_DEFAULT_MEMORY_MB 64
#define PF_DEFAULT_INSTR_BUDGET 2000000000ull
#define PF_KILL_GRACE_MS 50 /* parent's margin past a deadline */
#define PF_PROGRESS_MS 100  /* least time between progress calls */

typedef struct pf_run_config {
    long timeout_ms;     /* per-check maximum (--timeout-ms) */
    long run_timeout_ms; /* the whole run */
    int jobs;            /* pool size limit */
    char **tags;         /* --tag filters, may be empty */
    size_t ntags;
    char **manifest;     /* ids that must run and pass */
    size_t nmanifest;
    pf_sandbox_conf sb;
    const pf_redactor *redactor;
    int handle_signals;  /* SIGINT/SIGTERM end the run (the CLI) */
    /* what a forked worker runs; NULL means pf_worker_main. Tests put a
     * misbehaving worker here to prove the parent fails closed. */
    void (*worker_main)(const pf_worker_config *cfg, const pf_check *checks,
                        size_t n, int job_fd, int result_fd);
    /* optional, called by the parent's loop in pf_run at most every
     * PF_PROGRESS_MS (never from a worker): done of total checks finished,
     * and the check running longest (its id once the worker named it,
     * else its file; NULL when none runs) with its time so far. The id is
     * not masked yet: a printer passes it through the redactor. */
    void (*progress)(void *ud, size_t done, size_t total,
                     const char *slowest, double slowest_ms);
    void *progress_ud;
} pf_run_config;

/* The defaults every caller starts from: the PF_DEFAULT_* limits, paper
 * mode, mocked HTTP from checks/fixtures, no tags, no manifest, no
 * redactor, no library folder, root NULL (the caller sets it). */
void pf_run_config_init(pf_run_config *cfg);

/*
 * Discover checks from paths (files, or folders: their *.lua, sorted, not
 * recursive). Appends to *checks / *n with only file set. Folders also add
 * the ids of their `manifest` file, if any, to *manifest. Returns 0, or -1
 * with a message in err (unreadable folder, bad manifest, nothing there
 * that is a path).
 */
int pf_discover(char *const *paths, size_t npaths, pf_check **checks,
                size_t *n, char ***manifest, size_t *nmanifest, char *err,
                size_t errlen);
void pf_checks_free(pf_check *checks, size_t n);

/*
 * Run every check (kind PF_JOB_RUN) or only load it for its metadata
 * (PF_JOB_META), filling checks[i]. Returns 0, or 1 when the run was
 * interrupted by SIGINT/SIGTERM (unfinished checks are then errors).
 */
int pf_run(const pf_run_config *cfg, pf_check *checks, size_t n, int kind);

/* The worker's config for this run: its part of cfg, and sel, the run's
 * tag selection (initialised from cfg; the caller frees it). */
void pf_worker_config_from_run(const pf_run_config *cfg, pf_selection *sel,
                               pf_worker_config *out);

#endif
