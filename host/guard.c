/*
 * guard.c: COMMAND as preflight's supervised child (see guard.h).
 *
 * One single-threaded poll loop serves four sources: a signalfd (the
 * forwarded signals and SIGCHLD), an inotify descriptor on the kill
 * switch's folder, the pipe of a running guard cycle, and the clock (the
 * once-a-second stat of the switch, the next cycle, the stop grace). A
 * guard cycle runs in a forked process (pf_run there, workers below it),
 * so a cycle that takes seconds never delays a stop.
 */
#define _GNU_SOURCE
#include "guard.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "atomic.h"
#include "proto.h"
#include "buf.h"
#include "clock.h"
#include "killswitch.h"
#include "report_formats.h"
#include "signals.h"

#define STAT_EVERY_MS 1000      /* the switch is looked at least this often */
#define KILL_EVERY_MS 50        /* SIGKILL sweeps after the grace */
#define CYCLE_OUT_MAX (4u << 20) /* a cycle's report, bytes */
#define CYCLE_MSG_MAX 400       /* a check's message as the guard keeps it */
#define CYCLE_SLACK_MS 5000     /* past the cycle's own run timeout */

static const int forwarded[] = {SIGTERM, SIGINT,  SIGHUP,
                                SIGQUIT, SIGUSR1, SIGUSR2};
#define NFORWARDED (sizeof forwarded / sizeof forwarded[0])

/* Job-control stops: ignored by the guard (a stopped guard would leave
 * COMMAND unsupervised, the switch unread); COMMAND gets the caller's
 * dispositions back. */
static const int jobstops[] = {SIGTSTP, SIGTTIN, SIGTTOU};
#define NJOBSTOPS (sizeof jobstops / sizeof jobstops[0])
static struct sigaction jobstop_orig[NJOBSTOPS];

static void jobstops_restore(void)
{
    for (size_t i = 0; i < NJOBSTOPS; i++)
        sigaction(jobstops[i], &jobstop_orig[i], NULL);
}

int pf_guard_tagged(const pf_check *c)
{
    for (size_t k = 0; c->id != NULL && k < c->ntags; k++) {
        if (strcmp(c->tags[k], "guard") == 0)
            return 1;
    }
    return 0;
}

/* 1 when c's id is one of the manifest's (a required check). */
static int listed(const pf_check *c, char *const *manifest, size_t n)
{
    for (size_t j = 0; c->id != NULL && j < n; j++) {
        if (strcmp(c->id, manifest[j]) == 0)
            return 1;
    }
    return 0;
}

size_t pf_guard_required(const pf_check *checks, size_t n,
                         char *const *manifest, size_t nmanifest)
{
    size_t i, count = 0;

    for (i = 0; i < n; i++)
        count += pf_guard_tagged(&checks[i]) &&
                 listed(&checks[i], manifest, nmanifest);
    return count;
}

/* A cycle's own time limit: the start run's run timeout, at most the
 * interval (and never under 1 s). */
static long cycle_limit_ms(const pf_guard_conf *gc)
{
    long cap = gc->interval_ms > 1000 ? gc->interval_ms : 1000;

    return gc->cfg->run_timeout_ms < cap ? gc->cfg->run_timeout_ms : cap;
}

/* ---- the descendants --------------------------------------------------- */

typedef struct proc_pair {
    pid_t pid, ppid;
} proc_pair;

/* The parent of pid from /proc/PID/stat (the field after the command
 * name, which may hold spaces and parentheses), or -1. */
static pid_t parent_of(const char *pid)
{
    char path[64], buf[512], *p;
    ssize_t got;
    int fd;
    long pp;

    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    got = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (got <= 0)
        return -1;
    buf[got] = '\0';
    p = strrchr(buf, ')');
    if (p == NULL || sscanf(p + 1, " %*c %ld", &pp) != 1)
        return -1;
    return (pid_t)pp;
}

/* Append the children of pid (every thread's children file) to *list.
 * Returns 0, or -1 when pid has no readable task folder (it is gone, or
 * /proc has no children files: then the caller scans all of /proc). */
static int children_of(pid_t pid, pid_t **list, size_t *n, size_t *cap)
{
    char path[64], buf[4096];
    struct dirent *de;
    DIR *d;
    int found = 0;

    snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
    if ((d = opendir(path)) == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        char cpath[128], *p, *end;
        ssize_t got;
        int fd;
        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        snprintf(cpath, sizeof cpath, "/proc/%ld/task/%.20s/children",
                 (long)pid, de->d_name);
        if ((fd = open(cpath, O_RDONLY | O_CLOEXEC)) < 0)
            continue;
        found = 1;
        got = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (got <= 0)
            continue;
        buf[got] = '\0';
        for (p = buf;; p = end) {
            long c = strtol(p, &end, 10);
            pid_t *grow;
            if (end == p)
                break;
            if (*n == *cap) {
                *cap = *cap ? *cap * 2 : 64;
                if ((grow = realloc(*list, *cap * sizeof *grow)) == NULL) {
                    closedir(d);
                    return -2;
                }
                *list = grow;
            }
            (*list)[(*n)++] = (pid_t)c;
        }
    }
    closedir(d);
    return found ? 0 : -1;
}

/* Send sig to every process of this one's subtree, walking the kernel's
 * children lists (cost: the subtree, not the host). Returns how many were
 * signalled, or -1 when the lists cannot be read. */
static long signal_subtree(int sig)
{
    pid_t *list = NULL;
    size_t n = 0, cap = 0, i;
    long count = 0;

    if (children_of(getpid(), &list, &n, &cap) != 0) {
        free(list);
        return -1;
    }
    for (i = 0; i < n && i < 100000; i++) {
        /* a child that is gone has no task folder: nothing below it */
        if (children_of(list[i], &list, &n, &cap) == -2)
            break;
        if (kill(list[i], sig) == 0)
            count++;
    }
    free(list);
    return count;
}

/*
 * Send sig to every descendant of this process (children, theirs, ...:
 * found by the kernel's children lists, else by the parent links of all
 * of /proc, so a process that left COMMAND's process group or session is
 * found as well). Returns how many were signalled, or -1 when /proc could
 * not be read (then at least the children in want[] are signalled).
 */
static long signal_tree(int sig, const pid_t *want, size_t nwant)
{
    proc_pair *all = NULL, *grow;
    size_t n = 0, cap = 0, i;
    char *mark = NULL;
    long count = 0;
    int changed;
    struct dirent *de;
    DIR *d;

    if ((count = signal_subtree(sig)) >= 0)
        return count;
    count = 0;
    if ((d = opendir("/proc")) == NULL)
        goto fallback;
    while ((de = readdir(d)) != NULL) {
        pid_t pp;
        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        if ((pp = parent_of(de->d_name)) < 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            grow = realloc(all, cap * sizeof *all);
            if (grow == NULL) {
                closedir(d);
                goto fallback;
            }
            all = grow;
        }
        all[n].pid = (pid_t)strtol(de->d_name, NULL, 10);
        all[n++].ppid = pp;
    }
    closedir(d);
    mark = calloc(n ? n : 1, 1);
    if (mark == NULL)
        goto fallback;
    do { /* mark the children of self or of a marked process */
        changed = 0;
        for (i = 0; i < n; i++) {
            size_t j;
            if (mark[i])
                continue;
            if (all[i].ppid == getpid()) {
                mark[i] = changed = 1;
                continue;
            }
            for (j = 0; j < n; j++) {
                if (mark[j] && all[j].pid == all[i].ppid) {
                    mark[i] = changed = 1;
                    break;
                }
            }
        }
    } while (changed);
    for (i = 0; i < n; i++) {
        if (mark[i] && kill(all[i].pid, sig) == 0)
            count++;
    }
    free(mark);
    free(all);
    return count;

fallback:
    free(all);
    for (i = 0; i < nwant; i++) {
        if (want[i] > 0)
            kill(want[i], sig);
    }
    return -1;
}

/* ---- the kill-switch watch --------------------------------------------- */

typedef struct watch {
    const char *path;
    char dir[PATH_MAX];
    int fd;       /* inotify */
    int wd;       /* -1: no watch */
    dev_t dev;
    ino_t ino;
} watch;

/* (Re)make the watch on the switch's folder. Returns 0, or -1 with why. */
static int watch_arm(watch *w, char *why, size_t whylen)
{
    struct stat st;

    if (w->wd >= 0) {
        inotify_rm_watch(w->fd, w->wd);
        w->wd = -1;
    }
    if (stat(w->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(why, whylen, "the kill switch's folder %.900s is missing",
                 w->dir);
        return -1;
    }
    /* Only what can make the switch appear (a name created or moved in)
     * or take the folder away. Not IN_MODIFY or IN_CLOSE_WRITE: every
     * write to any file of the folder (a bot's log next to the switch)
     * would wake the guard, about 1.4% of a core at 1000 lines a second;
     * a switch that exists has already stopped COMMAND, so its content
     * changing tells nothing new. */
    w->wd = inotify_add_watch(w->fd, w->dir,
                              IN_CREATE | IN_MOVED_TO | IN_ATTRIB |
                                  IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF |
                                  IN_ONLYDIR);
    if (w->wd < 0) {
        snprintf(why, whylen,
                 "the kill switch cannot be watched (inotify on %.900s: %s)",
                 w->dir, strerror(errno));
        return -1;
    }
    w->dev = st.st_dev;
    w->ino = st.st_ino;
    return 0;
}

/* 1 (with why) when the switch is engaged, its state cannot be known,
 * its folder is gone or was replaced and cannot be watched again; else 0.
 * A replaced folder is watched anew. */
static int watch_look(watch *w, char *why, size_t whylen)
{
    struct stat st;
    char what[1100];

    if (stat(w->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(why, whylen, "the kill switch's folder %.900s is missing",
                 w->dir);
        return 1;
    }
    if (w->wd < 0 || st.st_dev != w->dev || st.st_ino != w->ino) {
        if (watch_arm(w, why, whylen) != 0)
            return 1;
    }
    switch (pf_kill_switch_state(w->path, what, sizeof what)) {
    case 0:
        return 0;
    case 1:
        snprintf(why, whylen, "kill switch engaged: %s", what);
        return 1;
    default:
        snprintf(why, whylen, "kill switch state unknown: %s", what);
        return 1;
    }
}

/* Read every pending event; 1 when one of them says the watch is gone. */
static int watch_drain(watch *w)
{
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    int gone = 0, reads = 0;
    ssize_t got;

    /* at most 16 reads a wake-up: a folder written without a pause must
     * not keep the loop here, away from the switch, signals and COMMAND;
     * what is left wakes the next poll at once */
    while (reads++ < 16 && (got = read(w->fd, buf, sizeof buf)) > 0) {
        char *p = buf;
        while (p < buf + got) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF |
                            IN_Q_OVERFLOW))
                gone = 1;
            p += sizeof *ev + ev->len;
        }
    }
    if (gone && w->wd >= 0) {
        inotify_rm_watch(w->fd, w->wd);
        w->wd = -1;
    }
    return gone;
}

/* ---- guard cycles ------------------------------------------------------ */

/* The cycle's lines for one check: one "M \t SHA256 \t PATH" line per
 * library module its worker compiled, one "D \t KEY \t VALUE" line per
 * numeric detail, then STATUS \t SHA256 \t ID \t
 * MESSAGE, the message masked, cut, with tabs and line breaks as spaces. */
static void cycle_line(pf_buf *b, const pf_check *c, const pf_redactor *r)
{
    char *m = pf_redact_cut(r, c->message ? c->message : "", CYCLE_MSG_MAX);
    char *p;

    for (p = m; p != NULL && *p; p++) {
        if (*p == '\t' || *p == '\n' || *p == '\r')
            *p = ' ';
    }
    for (size_t k = 0; k < c->nmodules; k++) {
        /* a path the line cannot carry is sent as "?": never locked */
        const char *mp = c->modules[k].path;
        int odd = strpbrk(mp, "\t\n\r") != NULL;
        pf_buf_addf(b, "M\t%s\t%s\n", c->modules[k].sha256, odd ? "?" : mp);
    }
    for (size_t k = 0; k < c->ndetails; k++) {
        /* numeric details, for the metrics (KPI values and thresholds) */
        const pf_detail *d = &c->details[k];
        if (d->type == PF_DETAIL_STRING || strpbrk(d->key, "\t\n\r") ||
            strlen(d->key) > 200)
            continue;
        pf_buf_addf(b, "D\t%s\t%s\n", d->key,
                    d->type != PF_DETAIL_BOOLEAN ? d->value
                    : strcmp(d->value, "true") == 0 ? "1"
                                                    : "0");
    }
    pf_buf_addf(b, "%d\t%s\t%s\t%s\n", (int)c->status,
                c->sha256[0] ? c->sha256 : "-", c->id ? c->id : "-",
                m ? m : "(message lost: out of memory)");
    free(m);
}

/* The cycle process: run the guard checks (files of idx[]) with
 * ctx.phase = "guard", write one line per check to fd, exit. */
static void cycle_main(const pf_guard_conf *gc, const size_t *idx, size_t ng,
                       int fd, const sigset_t *mask)
{
    pf_run_config cfg = *gc->cfg;
    pf_check *cs = calloc(ng ? ng : 1, sizeof *cs);
    pf_buf b;
    size_t i, off = 0;

    setpgid(0, 0); /* its workers with it: killed as a group */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGCHLD, SIG_DFL);
    pf_signals_default();
    sigprocmask(SIG_SETMASK, mask, NULL);
    if (cs == NULL)
        _exit(70);
    for (i = 0; i < ng; i++) {
        if ((cs[i].file = strdup(gc->checks[idx[i]].file)) == NULL)
            _exit(70);
    }
    cfg.tags = NULL;
    cfg.ntags = 0;
    cfg.sb.phase = "guard";
    cfg.handle_signals = 0;
    cfg.progress = NULL;
    cfg.run_timeout_ms = cycle_limit_ms(gc);
    if (cfg.timeout_ms > cfg.run_timeout_ms) /* the limit a timeout names */
        cfg.timeout_ms = cfg.run_timeout_ms;
    pf_run(&cfg, cs, ng, PF_JOB_RUN);
    pf_buf_init(&b);
    for (i = 0; i < ng; i++)
        cycle_line(&b, &cs[i], cfg.redactor);
    if (b.oom)
        _exit(70);
    while (off < b.len) {
        ssize_t w = write(fd, b.data + off, b.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(71);
        off += (size_t)w;
    }
    _exit(0);
}

/* One parsed line into c (file from the start run's check). Returns 0 or
 * -1 when the line is not the cycle's format. */
static int cycle_parse_line(char *line, pf_check *c)
{
    char *f[4], *p = line;
    int i;
    long st;

    for (i = 0; i < 3; i++) {
        char *tab = strchr(p, '\t');
        if (tab == NULL)
            return -1;
        *tab = '\0';
        f[i] = p;
        p = tab + 1;
    }
    f[3] = p;
    st = strtol(f[0], &p, 10);
    if (*p != '\0' || st < 0 || st > PF_STATUS_NOT_SELECTED)
        return -1;
    c->status = (pf_status)st;
    if (strcmp(f[1], "-") != 0 && strlen(f[1]) == 64)
        memcpy(c->sha256, f[1], 65);
    if (strcmp(f[2], "-") != 0 && (c->id = strdup(f[2])) == NULL)
        return -1;
    if ((c->message = strdup(f[3])) == NULL)
        return -1;
    return 0;
}

/* ---- the loop ---------------------------------------------------------- */

typedef struct guard {
    const pf_guard_conf *gc;
    pf_guard_result *res;
    sigset_t old;          /* the mask before the guard */
    int sfd;               /* signalfd */
    watch w;
    pid_t cmd;             /* COMMAND, 0 once reaped */
    int stopping;          /* SIGTERM sent (or COMMAND ended) */
    uint64_t kill_at;      /* when the grace ends (stopping) */
    uint64_t next_stat, next_cycle;
    /* guard checks */
    size_t *idx;           /* their positions in gc->checks */
    pf_guard_check_state *st;
    size_t ng;
    pid_t cyc;             /* a cycle running, 0 none */
    int cyc_fd;
    pf_buf cyc_out;
    int cyc_eof, cyc_status, cyc_reaped;
    uint64_t cyc_start, cyc_deadline;
    double last_cycle_s;
} guard;

static uint64_t ms_from_now(long ms)
{
    return pf_now_ns() + (uint64_t)ms * 1000000u;
}

/* Begin a stop: SIGTERM to every descendant (COMMAND first), SIGKILL to a
 * running cycle, the grace starts. by/reason are kept only by the first
 * stop. */
static void stop_begin(guard *g, pf_stop_by by, const char *reason)
{
    pid_t want[2] = {g->cmd, g->cyc};

    if (g->stopping)
        return;
    g->stopping = 1;
    if (g->cmd != 0 || !g->res->has_status) {
        /* (COMMAND that ended by itself first ended by itself) */
        g->res->by = by;
        snprintf(g->res->reason, sizeof g->res->reason, "%s", reason);
    }
    if (g->cyc > 0)
        kill(-g->cyc, SIGKILL);
    if (g->cmd > 0)
        kill(g->cmd, SIGTERM);
    signal_tree(SIGTERM, want, 2);
    g->kill_at = ms_from_now(g->gc->grace_ms);
}

/* The kill switch says stop (or cannot say): engage it in the guard's
 * words when a guard check asked, then stop. */
static void stop_for_check(guard *g, const pf_guard_check_state *s)
{
    char reason[700], err[600];

    snprintf(reason, sizeof reason, "%s: %s", s->id, s->message);
    if (pf_kill_switch_engage(g->gc->kill_switch, reason, err, sizeof err) <
        0)
        fprintf(stderr, "preflight: guard: cannot write the kill switch "
                        "%s: %s (stopping COMMAND all the same)\n",
                g->gc->kill_switch, err);
    stop_begin(g, PF_STOP_GUARD_CHECK, reason);
}

static void write_metrics(guard *g)
{
    pf_buf b;
    char err[600];

    if (g->gc->metrics == NULL)
        return;
    pf_buf_init(&b);
    if (g->gc->report != NULL)
        pf_metrics_text(&b, g->gc->report);
    pf_metrics_guard_text(&b, g->gc->report, g->st, g->ng, g->res->cycles,
                          g->last_cycle_s, g->cmd == 0);
    if (pf_atomic_write_buf(g->gc->metrics, &b,
                            "out of memory building the metrics", err,
                            sizeof err) != 0)
        fprintf(stderr, "preflight: guard: metrics: %s\n", err);
}

/* After a cycle: a required check that did not pass guard_failures
 * cycles in a row stops COMMAND; the metrics are written; the next cycle
 * is due one interval from now. */
static void judge(guard *g)
{
    size_t i;

    for (i = 0; i < g->ng && !g->stopping; i++) {
        if (g->st[i].required && g->st[i].in_a_row >= g->st[i].limit)
            stop_for_check(g, &g->st[i]);
    }
    write_metrics(g);
    g->next_cycle = ms_from_now(g->gc->interval_ms);
}

/* 1 when this process has no child left (none running, none to reap). */
static int no_children(void)
{
    siginfo_t si;

    memset(&si, 0, sizeof si);
    return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 &&
           errno == ECHILD;
}

static void cycle_start(guard *g)
{
    int p[2];
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) != 0)
        goto failed;
    pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        goto failed;
    }
    if (pid == 0) {
        close(p[0]);
        close(g->sfd);
        close(g->w.fd);
        cycle_main(g->gc, g->idx, g->ng, p[1], &g->old);
    }
    close(p[1]);
    setpgid(pid, pid); /* as the child does: whichever runs first */
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    g->cyc = pid;
    g->cyc_fd = p[0];
    pf_buf_free(&g->cyc_out);
    g->cyc_eof = g->cyc_reaped = 0;
    g->cyc_status = 0;
    g->cyc_start = pf_now_ns();
    g->cyc_deadline = ms_from_now(cycle_limit_ms(g->gc) + CYCLE_SLACK_MS);
    return;
failed:
    /* no cycle could be started: a cycle in which nothing passed */
    g->cyc = 0;
    g->cyc_fd = -1;
    g->res->cycles++;
    for (size_t i = 0; i < g->ng; i++) {
        g->st[i].has_last = 1;
        g->st[i].last = PF_STATUS_ERROR;
        g->st[i].in_a_row++;
        snprintf(g->st[i].message, sizeof g->st[i].message,
                 "the guard cycle could not start: %s", strerror(errno));
    }
    judge(g);
}

/* A cycle ended (reaped, output read): judge it. */
static void cycle_end(guard *g)
{
    pf_check *cs = calloc(g->ng ? g->ng : 1, sizeof *cs);
    pf_buf *dets = calloc(g->ng ? g->ng : 1, sizeof *dets);
    const char *why = NULL;
    char *line, *save = NULL;
    size_t i = 0;
    int64_t now = pf_utc_now_ms();

    if (g->cyc_status != 0)
        why = WIFSIGNALED(g->cyc_status) && WTERMSIG(g->cyc_status) == SIGKILL
                  ? "the guard cycle did not finish in time"
                  : "the guard cycle process failed";
    if (cs == NULL || dets == NULL)
        why = "out of memory";
    pf_buf_addc(&g->cyc_out, '\0');
    if (why == NULL && g->cyc_out.oom)
        why = "the guard cycle's report was too large";
    for (line = why ? NULL : strtok_r(g->cyc_out.data, "\n", &save);
         line != NULL && i < g->ng; line = strtok_r(NULL, "\n", &save)) {
        cs[i].file = g->gc->checks[g->idx[i]].file;
        if (strncmp(line, "M\t", 2) == 0) { /* a module of check i */
            char *tab = strchr(line + 2, '\t');
            if (tab == NULL || tab - (line + 2) != 64)
                break;
            *tab = '\0';
            if (pf_check_add_module(&cs[i], tab + 1, strlen(tab + 1),
                                    line + 2) != 0)
                break;
            continue;
        }
        if (strncmp(line, "D\t", 2) == 0) { /* a numeric detail */
            char *v = strchr(line + 2, '\t'), *e;
            if (v == NULL)
                break;
            strtod(v + 1, &e);
            if (*e != '\0' || e == v + 1)
                break;
            pf_buf_adds(&dets[i], line + 2);
            pf_buf_addc(&dets[i], '\n');
            continue;
        }
        if (cycle_parse_line(line, &cs[i]) != 0)
            break;
        i++;
    }
    if (why == NULL && i != g->ng)
        why = "the guard cycle's report was incomplete";
    g->last_cycle_s = (double)(pf_now_ns() - g->cyc_start) / 1e9;
    g->res->cycles++;
    for (i = 0; i < g->ng; i++) {
        pf_guard_check_state *s = &g->st[i];
        pf_status stt = why ? PF_STATUS_ERROR : cs[i].status;
        pf_buf_free(&s->details);
        if (!why && dets != NULL && !dets[i].oom) {
            s->details = dets[i]; /* taken over */
            pf_buf_init(&dets[i]);
        }
        s->has_last = 1;
        s->last = stt;
        if (stt == PF_STATUS_PASS) {
            s->in_a_row = 0;
            s->last_pass_ms = now;
        } else {
            s->in_a_row++;
        }
        snprintf(s->message, sizeof s->message, "%s",
                 why ? why
                     : (stt == PF_STATUS_PASS ? cs[i].message
                        : cs[i].message && *cs[i].message
                            ? cs[i].message
                            : pf_status_name(stt)));
        if (!why && stt != PF_STATUS_PASS && cs[i].status == PF_STATUS_SKIP) {
            char m[sizeof s->message];
            snprintf(m, sizeof m, "skipped (missing data): %.480s", s->message);
            snprintf(s->message, sizeof s->message, "%s", m);
        }
    }
    if (!g->stopping && !why && g->gc->pack_changed != NULL) {
        char pwhy[700];
        if (g->gc->pack_changed(g->gc->pack_ud, cs, g->ng, pwhy,
                                sizeof pwhy) != 0) {
            char r[800];
            snprintf(r, sizeof r, "the pack changed: %s", pwhy);
            if (pf_kill_switch_engage(g->gc->kill_switch, r, pwhy,
                                      sizeof pwhy) < 0)
                fprintf(stderr, "preflight: guard: cannot write the kill "
                                "switch %s: %s (stopping COMMAND all the "
                                "same)\n",
                        g->gc->kill_switch, pwhy);
            stop_begin(g, PF_STOP_PACK, r);
        }
    }
    for (i = 0; cs != NULL && i < g->ng; i++)
        pf_check_clear(&cs[i]); /* keeps file, the start run's */
    for (i = 0; dets != NULL && i < g->ng; i++)
        pf_buf_free(&dets[i]);
    free(cs);
    free(dets);
    if (g->cyc_fd >= 0)
        close(g->cyc_fd);
    g->cyc = 0;
    g->cyc_fd = -1;
    judge(g);
}

/* Reap every child that has ended. */
static void reap(guard *g)
{
    int status;
    pid_t pid;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == g->cmd) {
            g->cmd = 0;
            g->res->status = status;
            g->res->has_status = 1;
            g->res->stopped_ms = pf_utc_now_ms();
        } else if (pid == g->cyc) {
            g->cyc_reaped = 1;
            g->cyc_status = status;
        }
    }
}

static void on_signals(guard *g)
{
    struct signalfd_siginfo si;

    while (read(g->sfd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGCHLD)
            continue;
        if (g->cmd > 0 && kill(g->cmd, (int)si.ssi_signo) == 0)
            g->res->forwarded++;
    }
    reap(g);
}

static void on_cycle_out(guard *g)
{
    char buf[8192];
    ssize_t got;

    while ((got = read(g->cyc_fd, buf, sizeof buf)) > 0) {
        if (g->cyc_out.len + (size_t)got > CYCLE_OUT_MAX)
            g->cyc_out.oom = 1;
        else
            pf_buf_add(&g->cyc_out, buf, (size_t)got);
    }
    if (got == 0)
        g->cyc_eof = 1;
}

/* Fork COMMAND: its own process group, the caller's mask, default
 * signal dispositions, PR_SET_PDEATHSIG checked with getppid(). Returns
 * its pid, or -1 with why (exec failures come back through a pipe). */
static pid_t start_child(guard *g, char *why, size_t whylen)
{
    pid_t parent = getpid(), pid;
    int p[2], e = 0;
    ssize_t got;

    if (pipe2(p, O_CLOEXEC) != 0) {
        snprintf(why, whylen, "cannot start %s: %s", g->gc->argv[0],
                 strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        snprintf(why, whylen, "cannot start %s: %s", g->gc->argv[0],
                 strerror(errno));
        close(p[0]);
        close(p[1]);
        return -1;
    }
    if (pid == 0) {
        close(p[0]);
        close(g->sfd);
        close(g->w.fd);
        setpgid(0, 0);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
            _exit(127); /* preflight is already gone */
        signal(SIGCHLD, SIG_DFL);
        pf_signals_default();
        jobstops_restore();
        sigprocmask(SIG_SETMASK, &g->old, NULL);
        execvp(g->gc->argv[0], g->gc->argv);
        e = errno;
        if (write(p[1], &e, sizeof e) < 0) {
            /* nothing more to say */
        }
        _exit(127);
    }
    close(p[1]);
    do {
        got = read(p[0], &e, sizeof e);
    } while (got < 0 && errno == EINTR);
    close(p[0]);
    if (got == (ssize_t)sizeof e) {
        int status;
        waitpid(pid, &status, 0);
        snprintf(why, whylen, "cannot start %s: %s", g->gc->argv[0],
                 strerror(e));
        return -1;
    }
    return pid;
}

static int setup(guard *g, char *why, size_t whylen)
{
    sigset_t set;
    size_t i;
    char *slash;

    sigemptyset(&set);
    for (i = 0; i < NFORWARDED; i++)
        sigaddset(&set, forwarded[i]);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGALRM); /* caught by signals.c: not lost, forwarded */
    sigprocmask(SIG_BLOCK, &set, &g->old);
    signal(SIGCHLD, SIG_DFL); /* never SIG_IGN: children must be waited */
    for (i = 0; i < NJOBSTOPS; i++) {
        struct sigaction ign;
        memset(&ign, 0, sizeof ign);
        ign.sa_handler = SIG_IGN;
        sigemptyset(&ign.sa_mask);
        sigaction(jobstops[i], &ign, &jobstop_orig[i]);
    }
    g->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    g->w.fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    g->w.wd = -1;
    g->w.path = g->gc->kill_switch;
    if (g->sfd < 0) {
        snprintf(why, whylen, "guard: signalfd: %s", strerror(errno));
        return -1;
    }
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        snprintf(why, whylen, "guard: cannot become a child subreaper: %s",
                 strerror(errno));
        return -1;
    }
    snprintf(g->w.dir, sizeof g->w.dir, "%s", g->gc->kill_switch);
    slash = strrchr(g->w.dir, '/');
    if (slash == NULL)
        snprintf(g->w.dir, sizeof g->w.dir, ".");
    else if (slash == g->w.dir)
        slash[1] = '\0';
    else
        *slash = '\0';
    g->idx = calloc(g->gc->n ? g->gc->n : 1, sizeof *g->idx);
    g->st = calloc(g->gc->n ? g->gc->n : 1, sizeof *g->st);
    if (g->idx == NULL || g->st == NULL) {
        snprintf(why, whylen, "guard: out of memory");
        return -1;
    }
    for (i = 0; i < g->gc->n; i++) {
        const pf_check *c = &g->gc->checks[i];
        if (!pf_guard_tagged(c))
            continue;
        g->idx[g->ng] = i;
        g->st[g->ng].id = c->id;
        g->st[g->ng].limit = c->guard_failures > 0 ? c->guard_failures : 1;
        g->st[g->ng].required = listed(c, g->gc->manifest, g->gc->nmanifest);
        g->ng++;
    }
    pf_buf_init(&g->cyc_out);
    g->cyc_fd = -1;
    return 0;
}

/* The exit code of 8.7 for how COMMAND ended. */
static int exit_code_of(const pf_guard_result *res)
{
    if (res->by != PF_STOP_EXITED)
        return 3;
    if (!res->has_status)
        return 2;
    if (WIFEXITED(res->status))
        return WEXITSTATUS(res->status);
    if (WIFSIGNALED(res->status))
        return 128 + WTERMSIG(res->status);
    return 2;
}

int pf_guard_run(const pf_guard_conf *gc, pf_guard_result *res)
{
    guard g;
    char why[1200];

    memset(&g, 0, sizeof g);
    memset(res, 0, sizeof *res);
    g.gc = gc;
    g.res = res;
    g.sfd = -1;
    g.w.fd = -1;
    res->by = PF_STOP_NOT_STARTED;
    res->exit_code = 2;
    if (setup(&g, why, sizeof why) != 0)
        goto not_started;
    /* the watch first, then one look: no moment is left unwatched */
    if (g.w.fd < 0) {
        snprintf(why, sizeof why,
                 "the kill switch cannot be watched (inotify: %s)",
                 strerror(errno));
        res->exit_code = 3;
        goto not_started;
    }
    if (watch_arm(&g.w, why, sizeof why) != 0 ||
        watch_look(&g.w, why, sizeof why) != 0) {
        res->exit_code = 3;
        goto not_started;
    }
    {
        /* a signal caught before the guard blocked them (signals.c) or
         * pending since: a stop was asked for, nothing starts */
        sigset_t pend;
        int sig = pf_signals_caught();
        sigpending(&pend);
        for (size_t i = 0; sig == 0 && i < NFORWARDED; i++)
            sig = sigismember(&pend, forwarded[i]) ? forwarded[i] : 0;
        if (sig != 0) {
            snprintf(why, sizeof why, "interrupted by %s",
                     pf_signal_name(sig));
            goto not_started;
        }
    }
    if ((g.cmd = start_child(&g, why, sizeof why)) < 0) {
        g.cmd = 0;
        goto not_started;
    }
    res->by = PF_STOP_EXITED;
    g.next_stat = ms_from_now(STAT_EVERY_MS);
    g.next_cycle = ms_from_now(gc->interval_ms);

    for (;;) {
        struct pollfd pf[3];
        uint64_t now, wake;
        int timeout, nfd = 0, r;

        reap(&g);
        if (g.cmd == 0 && !g.stopping) {
            /* COMMAND ended: stop what it left behind, then finish */
            pid_t none[1] = {0};
            g.stopping = 1;
            if (g.cyc > 0)
                kill(-g.cyc, SIGKILL);
            signal_tree(SIGTERM, none, 0);
            g.kill_at = ms_from_now(gc->grace_ms);
        }
        if (g.stopping && g.cmd == 0 && no_children())
            break; /* nothing left */
        if (g.cyc > 0 && g.cyc_reaped) {
            /* all it wrote is in the pipe (it wrote before it exited) */
            on_cycle_out(&g);
            if (g.stopping) {
                if (g.cyc_fd >= 0)
                    close(g.cyc_fd);
                g.cyc = 0;
                g.cyc_fd = -1;
            } else {
                cycle_end(&g);
            }
        }
        now = pf_now_ns();
        if (!g.stopping) {
            if (now >= g.next_stat) {
                if (watch_look(&g.w, why, sizeof why))
                    stop_begin(&g, PF_STOP_KILL_SWITCH, why);
                g.next_stat = ms_from_now(STAT_EVERY_MS);
            }
            if (!g.stopping && g.cyc == 0 && g.ng > 0 && now >= g.next_cycle)
                cycle_start(&g);
            if (g.cyc > 0 && now >= g.cyc_deadline) {
                kill(-g.cyc, SIGKILL); /* hung: counts as a failed cycle */
                g.cyc_deadline = UINT64_MAX;
            }
        } else if (now >= g.kill_at) {
            pid_t want[2] = {g.cmd, g.cyc};
            if (signal_tree(SIGKILL, want, 2) > 0)
                res->escalated = 1;
            g.kill_at = ms_from_now(KILL_EVERY_MS);
        }
        now = pf_now_ns();
        wake = g.stopping ? g.kill_at : g.next_stat;
        if (!g.stopping && g.ng > 0 && g.cyc == 0 && g.next_cycle < wake)
            wake = g.next_cycle;
        if (!g.stopping && g.cyc > 0 && g.cyc_deadline < wake)
            wake = g.cyc_deadline;
        timeout = wake > now ? (int)((wake - now + 999999u) / 1000000u) : 0;
        pf[nfd].fd = g.sfd;
        pf[nfd++].events = POLLIN;
        pf[nfd].fd = g.w.fd;
        pf[nfd++].events = POLLIN;
        if (g.cyc > 0 && g.cyc_fd >= 0 && !g.cyc_eof) {
            pf[nfd].fd = g.cyc_fd;
            pf[nfd++].events = POLLIN;
        }
        r = poll(pf, (nfds_t)nfd, timeout);
        if (r < 0 && errno != EINTR)
            poll(NULL, 0, 10); /* never leave COMMAND unsupervised */
        if (r <= 0)
            continue;
        if (pf[0].revents)
            on_signals(&g);
        if (pf[1].revents) {
            watch_drain(&g.w);
            if (!g.stopping && watch_look(&g.w, why, sizeof why))
                stop_begin(&g, PF_STOP_KILL_SWITCH, why);
        }
        if (nfd > 2 && pf[2].revents)
            on_cycle_out(&g);
    }
    reap(&g);
    res->exit_code = exit_code_of(res);
    if (res->stopped_ms == 0)
        res->stopped_ms = pf_utc_now_ms();
    write_metrics(&g);
    goto done;

not_started:
    res->by = PF_STOP_NOT_STARTED;
    snprintf(res->reason, sizeof res->reason, "%s", why);
done:
    if (g.cyc_fd >= 0)
        close(g.cyc_fd);
    if (g.sfd >= 0)
        close(g.sfd);
    if (g.w.fd >= 0)
        close(g.w.fd);
    pf_buf_free(&g.cyc_out);
    for (size_t i = 0; g.st != NULL && i < g.ng; i++)
        pf_buf_free(&g.st[i].details);
    free(g.idx);
    free(g.st);
    /* the forwarded signals stay blocked: the caller writes the stop
     * document and exits; a signal now must not cut that short */
    return 0;
}
