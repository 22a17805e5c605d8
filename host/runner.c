/*
 * runner.c: discover check files, then run them in a pool of forked
 * workers and collect one outcome per check.
 *
 * The parent never runs check code. Workers are forked lazily: one per
 * core at first, more (up to --jobs) only while every worker has been on
 * a slow check for over 2 ms. While checks are quick, one more job is
 * queued behind a busy worker so it starts the next check at once. The
 * parent keeps each check's wall-clock deadline (shortened when the
 * worker reports the check's own timeout) and SIGKILLs a worker that
 * passes it. A result counts only when it arrives whole and well formed on
 * that worker's private pipe and names the job it answers; death, exit,
 * silence, garbage or a second result make the check an error. A worker
 * whose check ended in error is replaced; a job that never started on a
 * worker that died is sent once more elsewhere. A worker that cannot be
 * started (fork or pipe failing) leaves its job for the next free slot
 * while other workers run; with none running, the jobs left fail at once
 * with the failing call and errno, never waiting for the run deadline.
 */
#define _GNU_SOURCE
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic.h"
#include "buf.h"
#include "plugin.h"
#include "proto.h"
#include "signals.h"
#include "verdict.h"

/* ---- discovery ---------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append a check; the array grows by doubling (its capacity is 16, then
 * the next power of two above n), so discovering N files costs O(N). */
static int add_check(pf_check **checks, size_t *n, const char *file)
{
    pf_check *grown = *checks;

    if (*n == 0 || (*n >= 16 && (*n & (*n - 1)) == 0)) {
        grown = realloc(*checks, (*n ? 2 * *n : 16) * sizeof *grown);
        if (grown == NULL)
            return -1;
    }
    *checks = grown;
    memset(&grown[*n], 0, sizeof grown[*n]);
    grown[*n].status = PF_STATUS_ERROR;
    if ((grown[*n].file = strdup(file)) == NULL)
        return -1;
    (*n)++;
    return 0;
}

static int ends_with_lua(const char *name)
{
    size_t n = strlen(name);

    return n > 4 && strcmp(name + n - 4, ".lua") == 0 && name[0] != '.';
}

/* Read dir/manifest if it exists and append its ids. The read never
 * blocks: a FIFO (or anything but a regular file) is refused. */
static int read_manifest(const char *dir, char ***ids, size_t *n, char *err,
                         size_t errlen)
{
    char path[4200], msg[600];
    char *text = NULL;
    size_t len;
    int rc;

    snprintf(path, sizeof path, "%s/manifest", dir);
    /* like check files and modules: the manifest that counts is the file
     * reviewed in the folder, not a symlink's target (O_NOFOLLOW) */
    rc = pf_read_regular(path, O_NOFOLLOW, (1u << 20) - 1, &text, &len, msg,
                         sizeof msg);
    if (rc != 0) {
        if (rc == -1 && errno == ENOENT)
            return 0;
        if (rc == -1 && errno == ELOOP)
            snprintf(err, errlen, "%s is a symlink; the manifest must be a "
                                  "regular file", path);
        else if (rc == -2)
            snprintf(err, errlen, "cannot read %s (over 1 MiB)", path);
        else
            snprintf(err, errlen, "%s", msg);
        return -1;
    }
    rc = pf_manifest_parse(text, len, ids, n, msg, sizeof msg);
    free(text);
    if (rc != 0)
        snprintf(err, errlen, "%s: %s", path, msg);
    return rc;
}

/* Lists a folder's *.lua entries, sorted bytewise. */
static int discover_dir(const char *dir, pf_check **checks, size_t *n,
                        char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL, **grown;
    size_t nn = 0, i;
    int rc = -1;

    if (d == NULL) {
        snprintf(err, errlen, "cannot open folder %s: %s", dir,
                 strerror(errno));
        return -1;
    }
    while ((errno = 0, e = readdir(d)) != NULL) {
        if (!ends_with_lua(e->d_name))
            continue;
        grown = realloc(names, (nn + 1) * sizeof *grown);
        if (grown == NULL)
            goto out;
        names = grown;
        if ((names[nn] = strdup(e->d_name)) == NULL)
            goto out;
        nn++;
    }
    if (errno != 0) {
        snprintf(err, errlen, "cannot list folder %s: %s", dir,
                 strerror(errno));
        goto out;
    }
    if (nn > 1)
        qsort(names, nn, sizeof *names, cmp_str);
    for (i = 0; i < nn; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s%s%s", dir,
                 dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
        if (add_check(checks, n, path) != 0)
            goto out;
    }
    rc = 0;
out:
    if (rc != 0 && err[0] == '\0')
        snprintf(err, errlen, "out of memory listing %s", dir);
    for (i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

int pf_discover(char *const *paths, size_t npaths, pf_check **checks,
                size_t *n, char ***manifest, size_t *nmanifest, char *err,
                size_t errlen)
{
    size_t i;

    err[0] = '\0';
    for (i = 0; i < npaths; i++) {
        struct stat st;
        if (stat(paths[i], &st) != 0) {
            snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
            return -1;
        }
        if (S_ISDIR(st.st_mode)) {
            if (discover_dir(paths[i], checks, n, err, errlen) != 0 ||
                read_manifest(paths[i], manifest, nmanifest, err, errlen) != 0)
                return -1;
        } else if (add_check(checks, n, paths[i]) != 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    return 0;
}

void pf_checks_free(pf_check *checks, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        pf_check_clear(&checks[i]);
        free(checks[i].file);
    }
    free(checks);
}

/* ---- the pool ----------------------------------------------------------- */

typedef struct worker {
    pid_t pid;
    int job_fd;      /* parent writes jobs */
    int res_fd;      /* parent reads frames */
    int busy;
    size_t check;    /* index of the running check */
    uint64_t start_ns;
    uint64_t deadline_ns;
    pf_buf in;       /* bytes received for the running check */
    char id[PF_MAX_ID + 1]; /* the running check's id, once START came */
    uint32_t budget_ms;     /* its time limit, once START came */
    int queued;             /* a second job already sent behind it */
    size_t qcheck;          /* that job's check */
    int quick;              /* its last check took under 1 ms */
    int started;            /* its START frame came */
} worker;

/* the signals that end a run are caught process-wide (signals.c): the
 * loop polls pf_signals_fd() and stops once pf_signals_caught() says so */
static int interrupted_run(const pf_run_config *cfg)
{
    return cfg->handle_signals && pf_signals_caught() != 0;
}

/* Why the last worker could not be started: the call that failed
 * ("pipe" or "fork") and its errno, for the checks that then cannot run. */
static const char *spawn_call = "fork";
static int spawn_errno;

/* Fork one worker. Returns 0, or -1 with spawn_call and spawn_errno set. */
static int spawn(const pf_run_config *cfg, const pf_worker_config *wc,
                 const pf_check *checks, size_t n, worker *w)
{
    int jp[2], rp[2];
    pid_t pid;

    if (pipe2(jp, O_CLOEXEC) != 0) {
        spawn_call = "pipe";
        spawn_errno = errno;
        return -1;
    }
    if (pipe2(rp, O_CLOEXEC) != 0) {
        spawn_call = "pipe";
        spawn_errno = errno;
        close(jp[0]);
        close(jp[1]);
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        spawn_call = "fork";
        spawn_errno = errno;
        close(jp[0]);
        close(jp[1]);
        close(rp[0]);
        close(rp[1]);
        return -1;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        /* copies above 4 (the slots they go to): any RLIMIT_NOFILE that
         * let the parent make the pipes has room for them (a floor of
         * 100 needed a limit over 101 and failed as a bare "status 5") */
        int j = fcntl(jp[0], F_DUPFD, 5), r = fcntl(rp[1], F_DUPFD, 5);
        if (devnull < 0 || j < 0 || r < 0 || dup2(devnull, 0) < 0 ||
            dup2(devnull, 1) < 0 || dup2(devnull, 2) < 0 || dup2(j, 3) < 0 ||
            dup2(r, 4) < 0)
            _exit(5);
        close_range(5, ~0u, 0); /* siblings' pipes, the signal pipe, ... */
        pf_signals_default();   /* the parent's handlers are not ours */
        if (cfg->worker_main != NULL) {
            cfg->worker_main(wc, checks, n, 3, 4);
            _exit(0);
        }
        pf_worker_main(wc, checks, n, 3, 4);
    }
    close(jp[0]);
    close(rp[1]);
    memset(w, 0, sizeof *w);
    w->pid = pid;
    w->job_fd = jp[1];
    w->res_fd = rp[0];
    pf_buf_init(&w->in);
    return 0;
}

/* SIGKILL and reap a worker; returns its wait status. */
static int reap(worker *w)
{
    int st = 0;

    if (w->pid > 0) {
        kill(w->pid, SIGKILL);
        while (waitpid(w->pid, &st, 0) < 0 && errno == EINTR)
            ;
    }
    if (w->job_fd >= 0)
        close(w->job_fd);
    if (w->res_fd >= 0)
        close(w->res_fd);
    pf_buf_free(&w->in);
    w->pid = 0;
    w->job_fd = w->res_fd = -1;
    w->busy = 0;
    return st;
}

static double ms_between(uint64_t a, uint64_t b)
{
    return b > a ? (double)(b - a) / 1e6 : 0.0;
}

/* Describe how a worker ended without a valid result. */
static void set_death(pf_check *c, int st)
{
    if (WIFSIGNALED(st))
        pf_check_set_error(c, PF_REASON_CRASH,
                           "crash: worker killed by signal %d (%s) before "
                           "sending a result", WTERMSIG(st),
                           strsignal(WTERMSIG(st)));
    else if (WIFEXITED(st) && WEXITSTATUS(st) == 5) {
        struct rlimit rl;
        long lim = getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
                           rl.rlim_cur != RLIM_INFINITY
                       ? (long)rl.rlim_cur
                       : -1;
        pf_check_set_error(c, PF_REASON_CRASH,
                           "crash: could not start the worker: setting up "
                           "its standard streams and pipes failed (too many "
                           "open files? RLIMIT_NOFILE is %ld)", lim);
    } else if (WIFEXITED(st))
        pf_check_set_error(c, PF_REASON_CRASH,
                           "crash: worker exited with status %d before "
                           "sending a result", WEXITSTATUS(st));
    else
        pf_check_set_error(c, PF_REASON_CRASH,
                           "crash: worker ended before sending a result");
}

/*
 * Handle bytes available on a busy worker. Returns 1 when the check is
 * finished (result or error recorded), 0 when more is expected.
 */
static int on_frames(const pf_run_config *cfg, worker *w, pf_check *c);

static int on_readable(const pf_run_config *cfg, worker *w, pf_check *c)
{
    char chunk[65536];
    ssize_t r = read(w->res_fd, chunk, sizeof chunk);

    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (r <= 0) {
        if (w->id[0] && c->id == NULL)
            c->id = strdup(w->id);
        set_death(c, reap(w));
        return 1;
    }
    /* room for a whole result of the running job and of the queued one */
    if (w->in.len + (size_t)r >
        2 * (PF_PROTO_MAX_PAYLOAD + 2 * PF_PROTO_HEADER + 4 + PF_MAX_ID)) {
        reap(w);
        pf_check_set_error(c, PF_REASON_CONTRACT,
                           "contract: worker sent more than the result size "
                           "limit");
        return 1;
    }
    pf_buf_add(&w->in, chunk, (size_t)r);
    return on_frames(cfg, w, c);
}

/*
 * Decode the frames buffered from a worker for its running check c.
 * Returns 1 when c is finished (result or error), 0 when more is needed.
 * Bytes after the result stay buffered only when a job is queued behind
 * it (they are that job's); otherwise they are a second result: an error.
 * A result must name the job it answers.
 */
static int on_frames(const pf_run_config *cfg, worker *w, pf_check *c)
{
    int type;
    const unsigned char *payload;
    size_t plen;
    long flen;

    while (w->in.len > 0) {
        flen = pf_proto_frame((unsigned char *)w->in.data, w->in.len, &type,
                              &payload, &plen);
        if (flen == 0)
            return 0;
        if (flen < 0 || w->in.oom) {
            reap(w);
            pf_check_set_error(c, PF_REASON_CONTRACT,
                               "contract: worker sent malformed data");
            return 1;
        }
        if (type == PF_FRAME_START) {
            uint32_t ms;
            if (pf_proto_decode_start(payload, plen, &ms, w->id) == 0 &&
                ms > 0 && ms <= (uint32_t)cfg->timeout_ms) {
                uint64_t d = w->start_ns +
                             ((uint64_t)ms + PF_KILL_GRACE_MS) * 1000000u;
                w->budget_ms = ms;
                w->started = 1;
                if (d < w->deadline_ns)
                    w->deadline_ns = d;
            }
            memmove(w->in.data, w->in.data + flen, w->in.len - (size_t)flen);
            w->in.len -= (size_t)flen;
            continue;
        }
        {
            char err[160];
            if ((size_t)flen != w->in.len && !w->queued) {
                reap(w);
                pf_check_set_error(c, PF_REASON_CONTRACT,
                                   "contract: worker sent more than one "
                                   "result");
                return 1;
            }
            pf_check_clear(c); /* keeps c->file */
            if (pf_proto_decode_result(payload, plen, c, err, sizeof err)
                != 0) {
                reap(w);
                pf_check_set_error(c, PF_REASON_CONTRACT,
                                   "contract: malformed result from worker "
                                   "(%s)", err);
                return 1;
            }
            if (!c->has_job_index || c->job_index != (uint32_t)w->check) {
                reap(w);
                pf_check_clear(c);
                pf_check_set_error(c, PF_REASON_CONTRACT,
                                   "contract: worker sent a result for "
                                   "another job");
                return 1;
            }
            memmove(w->in.data, w->in.data + flen, w->in.len - (size_t)flen);
            w->in.len -= (size_t)flen;
            return 1;
        }
    }
    return 0;
}

/* Final pass in the parent, run once for every check at the end of
 * pf_run: mask secrets in every string that came from a check. A typed
 * detail that masking changed becomes a string (a masked number is no
 * number). If masking runs out of memory the check becomes
 * an error and keeps no text of its own: an unmasked string is never kept. */
static void redact_check(const pf_redactor *r, pf_check *c)
{
    size_t i;
    int bad = 0;

    if (r == NULL)
        return;
    bad |= pf_redact_inplace(r, &c->id) != 0;
    bad |= pf_redact_inplace(r, &c->title) != 0;
    bad |= pf_redact_inplace(r, &c->message) != 0;
    for (i = 0; i < c->ntags; i++)
        bad |= pf_redact_inplace(r, &c->tags[i]) != 0;
    for (i = 0; i < c->nlog; i++)
        bad |= pf_redact_inplace(r, &c->log[i]) != 0;
    for (i = 0; i < c->ndetails; i++) {
        pf_detail *d = &c->details[i];
        /* a typed value that masking changed becomes a string; a
         * string stays one, so it needs no copy to compare */
        char *before = d->type == PF_DETAIL_STRING || d->value == NULL
                           ? NULL
                           : strdup(d->value);
        bad |= pf_redact_inplace(r, &d->key) != 0;
        bad |= pf_redact_inplace(r, &d->value) != 0;
        if (before == NULL || d->value == NULL || strcmp(before, d->value))
            d->type = PF_DETAIL_STRING;
        free(before);
    }
    if (bad) {
        pf_check_clear(c);
        pf_check_set_error(c, PF_REASON_CRASH,
                           "crash: out of memory while masking secrets");
    }
}

/* Call cfg->progress with the count done and the busy worker that has
 * run longest. */
static void report_progress(const pf_run_config *cfg, const worker *ws,
                            size_t nw, const pf_check *checks, size_t done,
                            size_t n, uint64_t now)
{
    const worker *slow = NULL;
    size_t i;

    for (i = 0; i < nw; i++) {
        if (ws[i].busy && (slow == NULL || ws[i].start_ns < slow->start_ns))
            slow = &ws[i];
    }
    if (slow == NULL)
        cfg->progress(cfg->progress_ud, done, n, NULL, 0.0);
    else
        cfg->progress(cfg->progress_ud, done, n,
                      slow->id[0] ? slow->id : checks[slow->check].file,
                      ms_between(slow->start_ns, now));
}

/* Mark w as running check `check` from start_ns, with the run's maximum
 * per-check time until the worker's START says otherwise. */
static void start_running(const pf_run_config *cfg, worker *w, size_t check,
                          uint64_t start_ns, uint64_t run_deadline)
{
    w->busy = 1;
    w->check = check;
    w->started = 0;
    w->id[0] = '\0';
    w->budget_ms = (uint32_t)cfg->timeout_ms;
    w->start_ns = start_ns;
    w->deadline_ns =
        start_ns + (uint64_t)(cfg->timeout_ms + PF_KILL_GRACE_MS) * 1000000u;
    if (w->deadline_ns > run_deadline)
        w->deadline_ns = run_deadline;
}

/* Send job `index` to w, forking w first if it is not running. Returns 0,
 * or -1 when w could not be started or did not take the job (the caller
 * decides what happens to w). */
static int send_job(const pf_run_config *cfg, const pf_worker_config *wc,
                    const pf_check *checks, size_t n, worker *w,
                    size_t index, int kind,
                    uint64_t start_ns)
{
    unsigned char jb[16];
    pf_job job;

    if (w->pid == 0 && spawn(cfg, wc, checks, n, w) != 0)
        return -1;
    job.index = (uint32_t)index;
    job.kind = (uint32_t)kind;
    job.start_ns = start_ns; /* 0: queued, the worker starts its clock */
    pf_job_pack(&job, jb);
    return write(w->job_fd, jb, sizeof jb) == (ssize_t)sizeof jb ? 0 : -1;
}

/*
 * One run's pool of workers and the state its steps share: the run's
 * config and the workers' one, the checks, the workers, and the jobs not
 * yet sent (re-queued ones first, last in first out, then the next in
 * order). pf_run turns its loop over the steps below: grow, dispatch,
 * queue_behind, wait_frames, collect, expire, then drain once at the end.
 */
typedef struct pool {
    const pf_run_config *cfg;
    pf_selection sel;
    pf_worker_config wc;
    pf_check *checks;
    size_t n;
    int kind;
    worker *ws;
    size_t nw, maxw;
    struct pollfd *pfd; /* what wait_frames polls: busy workers, signals */
    size_t *who;        /* the worker of each pfd entry ((size_t)-1: none) */
    size_t np;
    size_t *retry, nretry;  /* jobs to send again */
    unsigned char *retried; /* a job re-sent once already */
    size_t next;            /* the next job never sent */
    size_t done;
    long ncpu;
    uint64_t run_deadline, last_progress;
    int spawn_failed, pipeline;
} pool;

/* Jobs not yet sent. */
static size_t pending(const pool *p)
{
    return p->nretry + (p->n - p->next);
}

/* The job to send next, without taking it. */
static size_t peek_job(const pool *p)
{
    return p->nretry ? p->retry[p->nretry - 1] : p->next;
}

/* Take the job to send next. */
static size_t take_job(pool *p)
{
    return p->nretry ? p->retry[--p->nretry] : p->next++;
}

/* Put back the jobs queued behind workers that are gone (all of them when
 * all is set): they never started. */
static void requeue(pool *p, int all)
{
    size_t i;

    for (i = 0; i < p->nw; i++) {
        if (p->ws[i].queued && (all || p->ws[i].pid == 0)) {
            p->retry[p->nretry++] = p->ws[i].qcheck;
            p->ws[i].queued = 0;
        }
    }
}

/* Fail every job not yet sent: no worker could be started for it (the
 * cause is spawn_call and spawn_errno). They count as done. */
static void fail_unstarted(pool *p)
{
    while (pending(p) > 0) {
        pf_check_clear(&p->checks[peek_job(p)]);
        pf_check_set_error(&p->checks[take_job(p)], PF_REASON_CRASH,
                           "crash: could not start worker: %s: %s",
                           spawn_call, strerror(spawn_errno));
        p->done++;
    }
}

/*
 * The parent decides tag selection: a worker's "not-selected" stands only
 * where the run's selection leaves the check out, and a check it leaves
 * out must not have run. Anything else makes the check a contract error
 * (so no worker can hide a check by calling it not-selected).
 */
static void check_selection(const pf_selection *sel, pf_check *c)
{
    int selected;
    char *id;

    if (c->status == PF_STATUS_ERROR)
        return;
    selected = pf_selected(sel, c->id, c->tags, c->ntags);
    if (selected == (c->status != PF_STATUS_NOT_SELECTED))
        return;
    id = c->id;
    c->id = NULL;
    pf_check_clear(c); /* keeps c->file */
    c->id = id;
    pf_check_set_error(c, PF_REASON_CONTRACT,
                       selected ? "contract: worker left out a check the run "
                                  "selected"
                                : "contract: worker ran a check the run left "
                                  "out");
}

void pf_worker_config_from_run(const pf_run_config *cfg, pf_selection *sel,
                               pf_worker_config *out)
{
    pf_selection_init(sel, cfg->tags, cfg->ntags, cfg->manifest,
                      cfg->nmanifest);
    memset(out, 0, sizeof *out);
    out->timeout_ms = cfg->timeout_ms;
    out->sb = cfg->sb;
    out->redactor = cfg->redactor;
    out->select = sel;
}

/* Set up p for a run of n checks. Returns 0, or -1 when out of memory
 * (pool_free still applies). */
static int pool_init(pool *p, const pf_run_config *cfg, pf_check *checks,
                     size_t n, int kind)
{
    size_t i;

    memset(p, 0, sizeof *p);
    p->cfg = cfg;
    p->checks = checks;
    p->n = n;
    p->kind = kind;
    p->ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    p->run_deadline = pf_now_ns() + (uint64_t)cfg->run_timeout_ms * 1000000u;
    p->last_progress = pf_now_ns();
    p->pipeline = 1;
    pf_worker_config_from_run(cfg, &p->sel, &p->wc);
    p->maxw = (size_t)(cfg->jobs > 0 ? cfg->jobs : 1);
    if (p->maxw > n)
        p->maxw = n;
    p->ws = calloc(p->maxw, sizeof *p->ws);
    p->pfd = calloc(p->maxw + 1, sizeof *p->pfd);
    p->who = calloc(p->maxw + 1, sizeof *p->who);
    p->retry = calloc(n, sizeof *p->retry);
    p->retried = calloc(n, 1);
    if (p->ws == NULL || p->pfd == NULL || p->who == NULL ||
        p->retry == NULL || p->retried == NULL)
        return -1;
    for (i = 0; i < p->maxw; i++)
        p->ws[i].job_fd = p->ws[i].res_fd = -1;
    return 0;
}

static void pool_free(pool *p)
{
    free(p->ws);
    free(p->pfd);
    free(p->who);
    free(p->retry);
    free(p->retried);
    pf_selection_free(&p->sel);
}

/*
 * Grow the pool when jobs wait and every worker is busy: one worker per
 * core to start; more only while every worker has been on its check for
 * over 2 ms (waiting on the network, say), so quick checks never pay for
 * forks they do not need. Returns -1 when no worker at all could be
 * started (the jobs left then failed), else 0.
 */
static int grow(pool *p, uint64_t now)
{
    size_t i, busy = 0, want;
    int all_slow = 1;

    for (i = 0; i < p->nw; i++)
        busy += p->ws[i].busy;
    if (pending(p) == 0 || busy != p->nw || p->nw >= p->maxw ||
        p->spawn_failed)
        return 0;
    want = p->nw == 0 ? (size_t)(p->ncpu > 1 ? p->ncpu : 2) : 0;
    for (i = 0; i < p->nw; i++)
        all_slow &= now - p->ws[i].start_ns > 2000000u;
    if (p->nw > 0 && all_slow) {
        want = pending(p);   /* network-bound checks: fan out */
        p->pipeline = 0;     /* and never queue behind a slow check */
        pf_plugin_preload(); /* inherited by the new workers */
    }
    for (i = 0; i < want && p->nw < p->maxw; i++) {
        if (spawn(p->cfg, &p->wc, p->checks, p->n, &p->ws[p->nw]) != 0) {
            p->spawn_failed = p->nw == 0;
            break;
        }
        p->nw++;
    }
    if (p->spawn_failed) {
        fail_unstarted(p);
        return -1;
    }
    return 0;
}

/*
 * Send the next jobs to idle workers (a worker that died while idle is
 * replaced at once and keeps the job, or nothing may be left to wake the
 * loop). Returns 1 when a worker could not be (re)started and none is
 * running: nothing would wake the loop before the run deadline, so the
 * jobs left failed now, with the cause. Else 0 (while others run, their
 * ends free slots and the job is tried again then).
 */
static int dispatch(pool *p)
{
    size_t i, busy = 0;
    int start_failed = 0;

    for (i = 0; i < p->nw && pending(p) > 0; i++) {
        worker *w = &p->ws[i];
        size_t j;
        uint64_t start;
        if (w->busy)
            continue;
        j = peek_job(p);
        start = pf_now_ns();
        if (send_job(p->cfg, &p->wc, p->checks, p->n, w, j, p->kind,
                     start) != 0) {
            reap(w);
            if (send_job(p->cfg, &p->wc, p->checks, p->n, w, j, p->kind,
                         start) != 0) {
                if (w->pid != 0) { /* started but took no job */
                    spawn_call = "write";
                    spawn_errno = errno;
                }
                reap(w);
                start_failed = 1;
                continue;
            }
        }
        (void)take_job(p);
        start_running(p->cfg, w, j, start, p->run_deadline);
    }
    if (!start_failed || pending(p) == 0)
        return 0;
    for (i = 0; i < p->nw; i++)
        busy += p->ws[i].busy;
    if (busy > 0)
        return 0;
    fail_unstarted(p);
    return 1;
}

/* Quick checks: queue one more job behind each busy worker whose last
 * check was quick, so it starts the next one without waiting for the
 * parent (a worker's first check is never queued behind; re-sent jobs are
 * never queued: they go to an idle worker). */
static void queue_behind(pool *p)
{
    size_t i;

    for (i = 0; p->pipeline && i < p->nw && p->next < p->n; i++) {
        worker *w = &p->ws[i];
        if (!w->busy || w->queued || w->pid == 0 || !w->quick)
            continue;
        if (send_job(p->cfg, &p->wc, p->checks, p->n, w, p->next, p->kind,
                     0) != 0)
            continue; /* the running check's end will tell */
        w->queued = 1;
        w->qcheck = p->next++;
    }
}

/* Wait for frames, deaths, deadlines or a signal. Returns -1 when poll
 * failed (not EINTR), else 0 with p->pfd / p->np to read. */
static int wait_frames(pool *p)
{
    const pf_run_config *cfg = p->cfg;
    uint64_t wake = p->run_deadline, now;
    size_t i, idle = 0;
    int timeout_ms, any_wait = 0;

    p->np = 0;
    for (i = 0; i < p->nw; i++) {
        if (!p->ws[i].busy) {
            idle++;
            continue;
        }
        p->pfd[p->np].fd = p->ws[i].res_fd;
        p->pfd[p->np].events = POLLIN;
        p->who[p->np++] = i;
        if (p->ws[i].deadline_ns < wake)
            wake = p->ws[i].deadline_ns;
    }
    if (cfg->handle_signals && pf_signals_fd() >= 0) {
        p->pfd[p->np].fd = pf_signals_fd();
        p->pfd[p->np].events = POLLIN;
        p->who[p->np++] = (size_t)-1;
    }
    if (pending(p) > 0 && idle == 0 && p->nw < p->maxw)
        any_wait = 1; /* come back soon to grow the pool */
    now = pf_now_ns();
    timeout_ms = wake > now ? (int)((wake - now + 999999u) / 1000000u) : 0;
    if (any_wait && timeout_ms > 2)
        timeout_ms = 2;
    if (cfg->progress != NULL && timeout_ms > PF_PROGRESS_MS)
        timeout_ms = PF_PROGRESS_MS; /* wake to refresh the progress */
    if (poll(p->pfd, p->np, timeout_ms) < 0 && errno != EINTR)
        return -1;
    return 0;
}

/*
 * Read what the polled workers sent and finish their checks. A worker that
 * died before it said it began its job (right after its previous one,
 * say, with this job queued behind it) has the job run once more
 * elsewhere; a second death counts against the check. A worker whose
 * check ended in error is never reused; one with a job queued behind goes
 * on with it (its frames may already be here).
 */
static void collect(pool *p)
{
    size_t k;

    for (k = 0; k < p->np; k++) {
        worker *w;
        if (p->who[k] == (size_t)-1 ||
            !(p->pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        w = &p->ws[p->who[k]];
        if (!w->busy)
            continue;
        for (int fin = on_readable(p->cfg, w, &p->checks[w->check]); fin;) {
            pf_check *c = &p->checks[w->check];
            uint64_t end = pf_now_ns();
            if (w->pid == 0 && !w->started &&
                c->reason == PF_REASON_CRASH && !p->retried[w->check]) {
                pf_check_clear(c);
                p->retried[w->check] = 1;
                p->retry[p->nretry++] = w->check;
                w->busy = 0;
                break;
            }
            if (p->kind == PF_JOB_RUN)
                check_selection(&p->sel, c);
            c->duration_ms = ms_between(w->start_ns, end);
            if (c->duration_ms > 2.0)
                p->pipeline = 0; /* slow checks: no queueing from now on */
            w->quick = c->duration_ms < 1.0;
            w->busy = 0;
            p->done++;
            if (c->status == PF_STATUS_ERROR && w->pid > 0)
                reap(w); /* never reuse a worker after an error */
            fin = 0;
            if (w->pid > 0 && w->queued) {
                w->queued = 0;
                start_running(p->cfg, w, w->qcheck, end, p->run_deadline);
                if (w->in.len > 0)
                    fin = on_frames(p->cfg, w, &p->checks[w->check]);
            }
        }
    }
}

/* Kill the workers past their check's deadline: the check is a timeout. */
static void expire(pool *p, uint64_t now)
{
    size_t i;

    for (i = 0; i < p->nw; i++) {
        worker *w = &p->ws[i];
        pf_check *c;
        if (!w->busy || now < w->deadline_ns)
            continue;
        c = &p->checks[w->check];
        pf_check_clear(c);
        if (w->id[0])
            c->id = strdup(w->id);
        pf_check_set_error(c, PF_REASON_TIMEOUT,
                           "timeout: exceeded its %u ms limit; worker "
                           "killed", (unsigned)w->budget_ms);
        reap(w);
        c->duration_ms = ms_between(w->start_ns, now);
        p->done++;
    }
}

/* Call the progress callback at most every PF_PROGRESS_MS. */
static void progress(pool *p, uint64_t now)
{
    if (p->cfg->progress != NULL &&
        now - p->last_progress >= (uint64_t)PF_PROGRESS_MS * 1000000u) {
        p->last_progress = now;
        report_progress(p->cfg, p->ws, p->nw, p->checks, p->done, p->n, now);
    }
}

/*
 * End the run: a check still running or never started when the loop
 * stopped (interrupted, run deadline passed, or poll failed) is a timeout
 * that says why, and every worker is reaped. Returns 1 when a signal
 * interrupted the run, else 0.
 */
static int drain(pool *p)
{
    const pf_run_config *cfg = p->cfg;
    int rc = 0;
    size_t i;

    requeue(p, 1);
    if (p->done < p->n) {
        uint64_t now = pf_now_ns();
        char sigwhy[64];
        const char *why = "run deadline passed";
        if (interrupted_run(cfg)) {
            snprintf(sigwhy, sizeof sigwhy, "interrupted by %s",
                     pf_signal_name(pf_signals_caught()));
            why = sigwhy;
        }
        for (i = 0; i < p->nw; i++) {
            if (p->ws[i].busy) {
                pf_check *c = &p->checks[p->ws[i].check];
                reap(&p->ws[i]);
                pf_check_clear(c);
                pf_check_set_error(c, PF_REASON_TIMEOUT, "timeout: %s", why);
                c->duration_ms = ms_between(p->ws[i].start_ns, now);
                p->done++;
            }
        }
        while (pending(p) > 0)
            pf_check_set_error(&p->checks[take_job(p)], PF_REASON_TIMEOUT,
                               "timeout: not started, %s", why);
        if (interrupted_run(cfg))
            rc = 1;
    }
    for (i = 0; i < p->nw; i++) {
        if (p->ws[i].pid > 0)
            reap(&p->ws[i]);
    }
    return rc;
}

int pf_run(const pf_run_config *cfg, pf_check *checks, size_t n, int kind)
{
    pool p;
    struct sigaction old_pipe, ign;
    int rc = 0;
    size_t i;

    if (n == 0)
        return 0;
    if (pool_init(&p, cfg, checks, n, kind) != 0) {
        for (i = 0; i < n; i++)
            pf_check_set_error(&checks[i], PF_REASON_CRASH,
                               "crash: out of memory in the runner");
        goto cleanup;
    }
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old_pipe);
    if (cfg->handle_signals)
        pf_signals_install(); /* the CLI installed them already */

    while (p.done < n) {
        uint64_t now = pf_now_ns();

        requeue(&p, 0);
        if (interrupted_run(cfg) || now >= p.run_deadline)
            break;
        if (grow(&p, now) != 0)
            break;
        if (dispatch(&p))
            continue; /* all done: nothing to wait for */
        queue_behind(&p);
        if (wait_frames(&p) != 0)
            break;
        collect(&p);
        now = pf_now_ns();
        expire(&p, now);
        progress(&p, now);
    }
    rc = drain(&p);
    sigaction(SIGPIPE, &old_pipe, NULL);
cleanup:
    /* one place masks every outcome, whatever ended it: a result, a kill
     * at the deadline, a crash, an interrupted run (the id a killed
     * worker named in its START frame is the check's own text too) */
    for (i = 0; i < n; i++)
        redact_check(cfg->redactor, &checks[i]);
    pool_free(&p);
    return rc;
}

void pf_run_config_init(pf_run_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->timeout_ms = PF_DEFAULT_TIMEOUT_MS;
    cfg->run_timeout_ms = PF_DEFAULT_RUN_TIMEOUT_MS;
    cfg->jobs = PF_DEFAULT_JOBS;
    cfg->sb.mode = "paper";
    cfg->sb.http_mode = "mock";
    cfg->sb.fixtures_dir = "checks/fixtures";
    cfg->sb.memory_bytes = (size_t)PF_DEFAULT_MEMORY_MB << 20;
    cfg->sb.instr_budget = PF_DEFAULT_INSTR_BUDGET;
}
