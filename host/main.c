/*
 * main.c: the command line of preflight (run, list, arm, exec, kill, lock,
 * version, help). Parses options, builds the run configuration and calls
 * the runner, the verdict, the arming gate and the writers (text, JSON,
 * JUnit, TAP on stdout; evidence and metrics to files); decides nothing
 * itself beyond wiring them together.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "approval.h"
#include "arming.h"
#include "atomic.h"
#include "audit.h"
#include "cli.h"
#include "evidence.h"
#include "guard.h"
#include "killswitch.h"
#include "lock.h"
#include "outcome.h"
#include "pack.h"
#include "plugin.h"
#include "proto.h"
#include "redact.h"
#include "report_formats.h"
#include "report_text.h"
#include "runner.h"
#include "sha256.h"
#include "sign.h"
#include "signals.h"
#include "trust.h"
#include "verdict.h"
#include "version.h"

#ifndef PF_INSTALL_LIBDIR
#define PF_INSTALL_LIBDIR "/usr/local/share/preflight/lib"
#endif

extern char **environ;

enum {
    CMD_RUN, CMD_LIST, CMD_ARM, CMD_EXEC, CMD_KILL, CMD_LOCK, CMD_KEYGEN,
    CMD_APPROVE, CMD_AUDIT, CMD_VERIFY
};
_Static_assert((int)CMD_RUN == (int)PF_CMD_RUN &&
                   (int)CMD_AUDIT == (int)PF_CMD_AUDIT &&
                   (int)CMD_VERIFY == (int)PF_CMD_VERIFY,
               "main.c's commands are cli.h's, in the same order");

#define PF_REPORTS_MAX 16 /* --report options */

typedef struct opts {
    int cmd;
    const char *cmdname;
    char **paths;
    size_t npaths;
    const char *format;
    const char *color; /* --color auto|always|never (NULL: auto) */
    const char *evidence;
    const char *metrics;
    int quiet, verbose;
    int check; /* lock --check */
    int guard; /* exec --guard (paper; live exec always guards) */
    const char *fixtures;
    const char *http;
    const char *phase; /* run --phase start|guard (testing guard checks) */
    const char *root;
    const char *lib;
    const char *kill_switch;
    const char *audit;     /* --audit FILE (paper) */
    const char *approvals; /* --approvals FILE (live arm, exec) */
    const char *out, *name; /* keygen */
    const char *key, *cap, *host; /* approve */
    long ttl_s;
    long last;       /* audit show --last N */
    const char *sign_key; /* --sign-key FILE (run, arm, exec) */
    const char *pubkey, *require; /* verify */
    long max_age_s;
    int audit_show;  /* audit show (else verify) */
    int audit_rotate; /* audit rotate */
    const char *reason;
    const char *ceiling;
    char **tags;
    size_t ntags;
    char **secrets;
    size_t nsecrets;
    char **reports; /* --report FORMAT:FILE */
    size_t nreports;
    char **metric_labels; /* --metrics-label NAME=VALUE */
    size_t nmetric_labels;
    long jobs, timeout_ms, run_timeout_ms, memory_mb;
    char **command; /* exec: COMMAND [ARG...] */
} opts;

/* fmt has at most one %s, for arg (the user's text: shown terminal-safe,
 * as every text sink shows text it did not write). */
static int usage_error(const char *fmt, const char *arg)
{
    pf_term_error(fmt, arg);
    fputs("Try 'preflight help'.\n", stderr);
    return PF_EXIT_ERROR;
}

/* usage_error with "Did you mean 'like'?" when like is not NULL (a name
 * from the option table: printable as it is). */
static int usage_hint(const char *fmt, const char *arg, const char *like)
{
    pf_term_error(fmt, arg);
    if (like != NULL)
        fprintf(stderr, "Did you mean '%s'?\n", like);
    fputs("Try 'preflight help'.\n", stderr);
    return PF_EXIT_ERROR;
}

/* Parse a positive integer option value into *out. */
static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int push(char ***list, size_t *n, char *s)
{
    char **g = realloc(*list, (*n + 1) * sizeof *g);

    if (g == NULL)
        return -1;
    g[(*n)++] = s;
    *list = g;
    return 0;
}

/* The table's row of option a (its first nl bytes: the name before any
 * '=') for o's command, into *row. Returns 0, or -1 after a usage error
 * naming the options the command takes, or the one meant. */
static int option_row(const opts *o, const char *a, size_t nl,
                      const pf_cli_opt **row)
{
    char fmt[1200], list[1000];
    int known;

    *row = pf_cli_option(a, nl, o->cmd, &known);
    if (*row != NULL)
        return 0;
    if (!known) {
        usage_hint("unknown option '%s'", a,
                   pf_cli_suggest_option(a, nl, o->cmd));
        return -1;
    }
    pf_cli_options_text(o->cmd, list, sizeof list);
    if (strlen(list) < 80)
        snprintf(fmt, sizeof fmt, "%s takes only %s, not '%%s'", o->cmdname,
                 list);
    else
        snprintf(fmt, sizeof fmt, "%s takes no option '%%s' (see 'preflight "
                 "help %s')", o->cmdname, o->cmdname);
    usage_hint(fmt, a, pf_cli_suggest_option(a, nl, o->cmd));
    return -1;
}

/* Parse argv after the command word. Returns -1 after printing a usage
 * error. */
static int parse_opts(int argc, char **argv, opts *o)
{
    int i;

    for (i = 0; i < argc; i++) {
        char *a = argv[i], *val = NULL;
        const char *name = a;
        const pf_cli_opt *row;
        size_t nl;

        if (strcmp(a, "--") == 0) {
            if (o->cmd != CMD_EXEC) {
                usage_error("'--' is only for exec", NULL);
                return -1;
            }
            o->command = argv + i + 1;
            if (i + 1 >= argc) {
                usage_error("exec needs a COMMAND after '--'", NULL);
                return -1;
            }
            return 0;
        }
        if (a[0] != '-' || a[1] == '\0') {
            if (o->cmd == CMD_KILL && o->npaths == 1) {
                usage_error("kill takes one PATH ('%s' is a second)", a);
                return -1;
            }
            if (o->cmd == CMD_KEYGEN) {
                usage_error("keygen takes no PATH ('%s')", a);
                return -1;
            }
            if ((o->cmd == CMD_LOCK || o->cmd == CMD_APPROVE ||
                 (o->cmd == CMD_AUDIT &&
                  (o->audit_show || o->audit_rotate)) ||
                 o->cmd == CMD_VERIFY) &&
                o->npaths == 1) {
                usage_error("one PATH only ('%s' is a second)", a);
                return -1;
            }
            if (push(&o->paths, &o->npaths, a) != 0)
                return -1;
            continue;
        }
        nl = strcspn(a, "=");
        if (option_row(o, a, nl, &row) != 0)
            return -1;
        if (row->arg == NULL) { /* a flag */
            if (a[nl] == '=') {
                usage_error("'%s' takes no value", a);
                return -1;
            }
            if (strcmp(row->name, "--help") == 0) {
                pf_cli_help(stdout, o->cmd);
                exit(fflush(stdout) == 0 ? 0 : PF_EXIT_ERROR);
            } else if (strcmp(row->name, "--version") == 0) {
                printf("%s %s\n", PF_NAME, PF_VERSION);
                exit(fflush(stdout) == 0 ? 0 : PF_EXIT_ERROR);
            } else if (strcmp(row->name, "--check") == 0) {
                o->check = 1;
            } else if (strcmp(row->name, "--guard") == 0) {
                o->guard = 1;
            } else {
                *(row->name[2] == 'q' ? &o->quiet : &o->verbose) = 1;
            }
            continue;
        }
        if (a[nl] == '=')
            val = a + nl + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else {
            usage_error("option '%s' needs a value", a);
            return -1;
        }
        if (!pf_cli_choice_ok(row, val)) {
            char fmt[200], choices[120];
            pf_cli_choices_text(row, choices, sizeof choices);
            if (row->sep)
                snprintf(fmt, sizeof fmt, "%s must be %s, FORMAT being %s "
                         "(got '%%s')", row->name, row->arg, choices);
            else
                snprintf(fmt, sizeof fmt, "%s must be %s (got '%%s')",
                         row->name, choices);
            usage_error(fmt, val);
            return -1;
        }
#define IS(opt) (strlen(opt) == nl && strncmp(name, opt, nl) == 0)
        if (IS("--format")) {
            o->format = val;
        } else if (IS("--color")) {
            o->color = val;
        } else if (IS("--evidence")) {
            o->evidence = val;
        } else if (IS("--metrics")) {
            o->metrics = val;
        } else if (IS("--fixtures")) {
            o->fixtures = val;
        } else if (IS("--http")) {
            o->http = val;
        } else if (IS("--phase")) {
            o->phase = val; /* run only, start or guard: the table's */
        } else if (IS("--root")) {
            o->root = val;
        } else if (IS("--lib")) {
            o->lib = val;
        } else if (IS("--kill-switch")) {
            o->kill_switch = val;
        } else if (IS("--audit")) {
            o->audit = val;
        } else if (IS("--approvals")) {
            o->approvals = val;
        } else if (IS("--out")) {
            o->out = val;
        } else if (IS("--name")) {
            o->name = val;
        } else if (IS("--key")) {
            o->key = val;
        } else if (IS("--cap")) {
            o->cap = val;
        } else if (IS("--host")) {
            o->host = val;
        } else if (IS("--sign-key")) {
            o->sign_key = val;
        } else if (IS("--pubkey")) {
            o->pubkey = val;
        } else if (IS("--require")) {
            o->require = val;
        } else if (IS("--max-age-s")) {
            if (parse_long(val, 1, 86400 * 366, &o->max_age_s) != 0) {
                usage_error("--max-age-s must be 1..31622400 (got '%s')", val);
                return -1;
            }
        } else if (IS("--last")) {
            if (parse_long(val, 1, 1000000, &o->last) != 0) {
                usage_error("--last must be 1..1000000 (got '%s')", val);
                return -1;
            }
        } else if (IS("--ttl-s")) {
            if (parse_long(val, 1, PF_APPROVAL_MAX_TTL_S, &o->ttl_s) != 0) {
                usage_error("--ttl-s must be 1..600 (got '%s')", val);
                return -1;
            }
        } else if (IS("--reason")) {
            o->reason = val;
        } else if (IS("--notional-ceiling-usd")) {
            o->ceiling = val;
        } else if (IS("--tag")) {
            if (!pf_tag_valid(val)) {
                usage_error("--tag '%s' is not a valid tag ([a-z0-9_-]+)", val);
                return -1;
            }
            if (push(&o->tags, &o->ntags, val) != 0)
                return -1;
        } else if (IS("--report")) {
            if (o->nreports == PF_REPORTS_MAX) {
                usage_error("at most 16 --report options ('%s' is one more)",
                            val);
                return -1;
            }
            if (push(&o->reports, &o->nreports, val) != 0)
                return -1;
        } else if (IS("--metrics-label")) {
            char why[200];
            size_t k, n = strcspn(val, "=");
            if (pf_metrics_label_check(val, why, sizeof why) != 0) {
                char fmt[300];
                snprintf(fmt, sizeof fmt, "--metrics-label '%%s': %s", why);
                usage_error(fmt, val);
                return -1;
            }
            for (k = 0; k < o->nmetric_labels; k++)
                if (strncmp(o->metric_labels[k], val, n + 1) == 0) {
                    usage_error("--metrics-label '%s': that name is given "
                                "twice", val);
                    return -1;
                }
            if (push(&o->metric_labels, &o->nmetric_labels, val) != 0)
                return -1;
        } else if (IS("--secret")) {
            if (push(&o->secrets, &o->nsecrets, val) != 0)
                return -1;
        } else if (IS("--jobs")) {
            if (parse_long(val, 1, 1024, &o->jobs) != 0) {
                usage_error("--jobs must be 1..1024 (got '%s')", val);
                return -1;
            }
        } else if (IS("--timeout-ms")) {
            if (parse_long(val, 1, 3600000, &o->timeout_ms) != 0) {
                usage_error("--timeout-ms must be 1..3600000 (got '%s')", val);
                return -1;
            }
        } else if (IS("--run-timeout-ms")) {
            if (parse_long(val, 1, 86400000, &o->run_timeout_ms) != 0) {
                usage_error("--run-timeout-ms must be 1..86400000 (got '%s')",
                            val);
                return -1;
            }
        } else if (IS("--memory-mb")) {
            if (parse_long(val, 1, 4096, &o->memory_mb) != 0) {
                usage_error("--memory-mb must be 1..4096 (got '%s')", val);
                return -1;
            }
        } else { /* a row without a branch: a defect, never ignored */
            usage_error("option '%s' is not implemented", a);
            return -1;
        }
#undef IS
    }
    if (o->cmd == CMD_EXEC && o->command == NULL) {
        usage_error("exec needs '-- COMMAND [ARG...]'", NULL);
        return -1;
    }
    if (o->quiet && o->verbose) {
        usage_error("--quiet and --verbose exclude each other", NULL);
        return -1;
    }
    return 0;
}

/* Everything a command needs besides the options. */
typedef struct session {
    char root[PATH_MAX];
    char lib[PATH_MAX];
    char fixtures[PATH_MAX + 16];
    pf_redactor redactor;
    pf_run_config cfg;
    pf_check *checks;
    size_t n;
    char **manifest;
    size_t nmanifest;
    int manifest_missing; /* a folder without a manifest file */
    char hostname[256];
} session;

/* Resolve paths and build the run configuration. Returns 0, or an exit
 * code with a one-line message in err (errlen >= 600). */
static int prepare(const opts *o, session *s, const char *mode,
                   const char *http, char *err, size_t errlen)
{
    struct stat st;
    char dir[PATH_MAX];
    static char *default_paths[] = {"checks"};
    char *const *paths = o->npaths ? o->paths : default_paths;
    size_t npaths = o->npaths ? o->npaths : 1;

    /* the project root decides, not the working directory (pack.h) */
    if (pf_project_root(paths[0], o->root, s->root, dir, err, errlen) != 0)
        return PF_EXIT_ERROR;
    if (o->lib != NULL) {
        if (realpath(o->lib, s->lib) == NULL || stat(s->lib, &st) != 0 ||
            !S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "--lib %s is not a folder", o->lib);
            return PF_EXIT_ERROR;
        }
    } else {
        char cand[PATH_MAX + 8];
        snprintf(cand, sizeof cand, "%s/lib", s->root);
        /* the installed copy is never what a live start runs (8.2) */
        if (realpath(cand, s->lib) == NULL &&
            (strcmp(mode, "live") == 0 ||
             realpath(PF_INSTALL_LIBDIR, s->lib) == NULL))
            s->lib[0] = '\0';
    }
    if (o->fixtures != NULL)
        snprintf(s->fixtures, sizeof s->fixtures, "%s", o->fixtures);
    else
        snprintf(s->fixtures, sizeof s->fixtures, "%s/fixtures", dir);
    pf_redactor_init(&s->redactor);
    if (pf_redactor_from_env(&s->redactor, environ, o->secrets,
                             o->nsecrets) != 0) {
        snprintf(err, errlen, "out of memory");
        return PF_EXIT_ERROR;
    }
    for (size_t i = 0; i < npaths; i++) {
        char m[PATH_MAX + 16];
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            snprintf(m, sizeof m, "%s/manifest", paths[i]);
            if (access(m, F_OK) != 0)
                s->manifest_missing = 1;
        }
    }
    if (pf_discover(paths, npaths, &s->checks, &s->n, &s->manifest,
                    &s->nmanifest, err, errlen) != 0)
        return PF_EXIT_ERROR;
    pf_run_config_init(&s->cfg);
    s->cfg.timeout_ms = o->timeout_ms;
    s->cfg.run_timeout_ms = o->run_timeout_ms;
    s->cfg.jobs = (int)o->jobs;
    s->cfg.tags = o->tags;
    s->cfg.ntags = o->ntags;
    s->cfg.manifest = s->manifest;
    s->cfg.nmanifest = s->nmanifest;
    s->cfg.sb.root = s->root;
    s->cfg.sb.lib_dir = s->lib[0] ? s->lib : NULL;
    s->cfg.sb.mode = mode;
    s->cfg.sb.http_mode = http;
    s->cfg.sb.phase = o->phase != NULL ? o->phase : "start";
    s->cfg.sb.fixtures_dir = s->fixtures;
    s->cfg.sb.memory_bytes = (size_t)o->memory_mb << 20;
    s->cfg.redactor = &s->redactor;
    s->cfg.handle_signals = 1;
    return 0;
}

static void session_free(session *s)
{
    size_t i;

    pf_checks_free(s->checks, s->n);
    for (i = 0; i < s->nmanifest; i++)
        free(s->manifest[i]);
    free(s->manifest);
    pf_redactor_free(&s->redactor);
}

/* list --format json: {"checks":[{"id","title","file","tags"}]} on
 * stdout; a file that did not load has "id": null, "title": null and its
 * "error": {"reason", "message"}. Returns 1 when one did not load. */
static int list_json(const pf_check *checks, size_t n)
{
    pf_buf b;
    int bad = 0;

    pf_buf_init(&b);
    pf_buf_adds(&b, "{\"checks\":[");
    for (size_t i = 0; i < n; i++) {
        const pf_check *c = &checks[i];
        int err = c->status == PF_STATUS_ERROR;
        pf_buf_adds(&b, i ? ",\n  {\"id\":" : "\n  {\"id\":");
        pf_json_strz(&b, err ? NULL : c->id);
        pf_buf_adds(&b, ",\"title\":");
        pf_json_strz(&b, err ? NULL : c->title);
        pf_buf_adds(&b, ",\"file\":");
        pf_json_strz(&b, c->file);
        pf_buf_adds(&b, ",\"tags\":[");
        for (size_t t = 0; !err && t < c->ntags; t++) {
            if (t)
                pf_buf_addc(&b, ',');
            pf_json_strz(&b, c->tags[t]);
        }
        pf_buf_addc(&b, ']');
        if (err) {
            bad = 1;
            pf_buf_adds(&b, ",\"error\":{\"reason\":");
            pf_json_strz(&b, pf_reason_name(c->reason));
            pf_buf_adds(&b, ",\"message\":");
            pf_json_strz(&b, c->message);
            pf_buf_addc(&b, '}');
        }
        pf_buf_addc(&b, '}');
    }
    pf_buf_adds(&b, n ? "\n]}\n" : "]}\n");
    if (b.oom) {
        fprintf(stderr, "preflight: out of memory writing the list\n");
        bad = 1;
    } else {
        fwrite(b.data, 1, b.len, stdout);
    }
    pf_buf_free(&b);
    return bad;
}

static int cmd_list(const opts *o)
{
    session s;
    char err[600];
    int rc, bad = 0, json = strcmp(o->format, "json") == 0;
    size_t i;

    memset(&s, 0, sizeof s);
    rc = prepare(o, &s, "paper", "mock", err, sizeof err);
    if (rc != 0) {
        pf_term_error("%s", err);
        goto out;
    }
    pf_run(&s.cfg, s.checks, s.n, PF_JOB_META);
    if (strcmp(o->format, "json") == 0) {
        bad = list_json(s.checks, s.n);
    }
    for (i = json ? s.n : 0; i < s.n; i++) {
        pf_check *c = &s.checks[i];
        /* every field through the terminal-safe rule: a file name, a
         * title, a tag or a message could hold ESC, CR or LF */
        if (c->status == PF_STATUS_ERROR) {
            bad = 1;
            fputs("ERROR  ", stdout);
            pf_term_put(stdout, c->file);
            printf("  [%s] ",
                   pf_reason_name(c->reason) ? pf_reason_name(c->reason) : "");
            pf_term_put(stdout, c->message);
            putchar('\n');
            continue;
        }
        pf_term_put(stdout, c->id);
        printf("%*s ", (int)(strlen(c->id) < 32 ? 32 - strlen(c->id) : 0), "");
        pf_term_put(stdout, c->file);
        fputs("  [", stdout);
        for (size_t t = 0; t < c->ntags; t++) {
            if (t)
                putchar(',');
            pf_term_put(stdout, c->tags[t]);
        }
        fputs("]  ", stdout);
        pf_term_put(stdout, c->title);
        putchar('\n');
    }
    if (s.n == 0) {
        fprintf(stderr, "preflight: no checks found\n");
        bad = 1;
    }
    if (pf_signals_caught() != 0) {
        fprintf(stderr, "preflight: interrupted by %s\n",
                pf_signal_name(pf_signals_caught()));
        bad = 1;
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "preflight: stdout: %s\n", strerror(errno));
        bad = 1;
    }
    rc = bad ? PF_EXIT_ERROR : PF_EXIT_PASS;
out:
    session_free(&s);
    return rc;
}

/* The evidence file of a command: the path, whether it is a default name
 * still to be created (never replacing anything), and what is in place. */
/* The signing functions of sign.h, found in the plugin (libcrypto is
 * loaded only by the commands that sign or verify). */
typedef int (*keygen_fn)(const char *, const char *, unsigned char[32],
                         char *, size_t);
typedef pf_sign_key *(*load_fn)(const char *, const char *, unsigned char[32],
                                char *, size_t);
typedef int (*sign_fn)(pf_sign_key *, const unsigned char *, size_t,
                       unsigned char[64]);
typedef void (*free_fn)(pf_sign_key *);

typedef struct ev_target {
    const char *path; /* NULL: no evidence */
    char buf[PATH_MAX];
    char root[PATH_MAX]; /* a default name goes in ROOT/evidence/ */
    const char *cmd;
    int fresh;        /* a default name not created yet */
    pf_sign_key *key; /* --sign-key: EVIDENCE.sig after every write */
    sign_fn sign;
} ev_target;

/* The files of a run (evidence, metrics) that hold what this run wrote:
 * what retract() must rewrite or remove. */
typedef struct run_files {
    int evidence_in;
    int metrics_in;
    int report_in[PF_REPORTS_MAX]; /* --report files */
    int signal_noted; /* the caught signal is in the verdict already */
} run_files;

/* A default evidence name, unique per run: evidence/<UTC to the ms>-<pid>-
 * <64 random bits>-<cmd>.json. The folder is made (0750) if missing; the
 * file itself is created without replacing anything (pf_evidence_create),
 * so even a clash of all three parts cannot overwrite another run's
 * record: a new name is drawn. Returns 0 or -1 with errno set. */
static int default_evidence(ev_target *ev, const char *root)
{
    char t[40], compact[40], err[600], dir[PATH_MAX];
    size_t i, o = 0;
    unsigned long long rnd = 0;

    /* under the project root (pack.h), wherever preflight was started */
    if (root != ev->root)
        snprintf(ev->root, sizeof ev->root, "%s", root);
    if (snprintf(dir, sizeof dir, "%s/evidence/x", root) >= (int)sizeof dir) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (pf_mkdirs(dir, 0750, err, sizeof err) != 0)
        return -1;
    if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd)
        rnd ^= (unsigned long long)pf_now_ns() * 0x9E3779B97F4A7C15ull;
    pf_rfc3339_ms(pf_utc_now_ms(), t, sizeof t);
    for (i = 0; t[i] && o + 1 < sizeof compact; i++) {
        if (t[i] != '-' && t[i] != ':')
            compact[o++] = t[i];
    }
    compact[o] = '\0';
    dir[strlen(dir) - 2] = '\0'; /* ROOT/evidence */
    if (snprintf(ev->buf, sizeof ev->buf, "%s/%s-%ld-%016llx-%s.json", dir,
                 compact, (long)getpid(), rnd, ev->cmd) >= (int)sizeof ev->buf) {
        errno = ENAMETOOLONG; /* never a shortened name */
        return -1;
    }
    ev->path = ev->buf;
    ev->fresh = 1;
    return 0;
}

/* The project root of the command's PATH (pack.h), or "." when PATH
 * cannot be resolved (the run then fails on it, and says why). */
static void run_root(const opts *o, char root[PATH_MAX])
{
    char err[PATH_MAX + 64];

    if (pf_project_root(o->npaths ? o->paths[0] : "checks", o->root, root,
                        NULL, err, sizeof err) != 0)
        snprintf(root, PATH_MAX, ".");
}

/* A file the run had to write (or stdout) failed: say so, and the run is
 * an error; nothing is started. */
static void write_failed(pf_report *r, pf_verdict *v, const char *what,
                         const char *err)
{
    pf_term_error("%s: %s", what, err);
    pf_verdict_problem(v, "%s write failed: %s", what, err);
    v->kind = PF_VERDICT_ERROR;
    v->exit_code = PF_EXIT_ERROR;
    r->started = 0;
}

/* A caught signal (SIGHUP, SIGINT, SIGTERM, ...) ends the command: the run
 * is an error (exit 2) and nothing is started. Returns 1 when this call
 * changed the verdict. */
static int note_signal(pf_report *r, pf_verdict *v, run_files *f)
{
    int sig = pf_signals_caught();

    if (sig == 0 || f->signal_noted)
        return 0;
    f->signal_noted = 1;
    fprintf(stderr, "preflight: interrupted by %s: nothing started\n",
            pf_signal_name(sig));
    pf_verdict_problem(v, "interrupted by %s: nothing started",
                       pf_signal_name(sig));
    v->kind = PF_VERDICT_ERROR;
    v->exit_code = PF_EXIT_ERROR;
    r->started = 0;
    return 1;
}

/* Colour on fd: --color always or never, else (auto) a terminal without
 * NO_COLOR and TERM=dumb. */
static int want_color(const opts *o, int fd)
{
    if (o->color != NULL && strcmp(o->color, "always") == 0)
        return 1;
    if (o->color != NULL && strcmp(o->color, "never") == 0)
        return 0;
    return pf_want_color(fd);
}

/* The report in format fmt (json, junit, tap, nagios, or text without
 * colour at o's level) into b; out of memory is sticky in b->oom. */
static void render_report(const opts *o, const char *fmt, const pf_report *r,
                          pf_buf *b)
{
    if (strcmp(fmt, "junit") == 0) {
        pf_report_junit(b, r);
    } else if (strcmp(fmt, "tap") == 0) {
        pf_report_tap(b, r);
    } else if (strcmp(fmt, "nagios") == 0) {
        pf_report_nagios(b, r);
    } else if (strcmp(fmt, "text") == 0) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        int level = o->quiet     ? PF_TEXT_QUIET
                    : o->verbose ? PF_TEXT_VERBOSE
                                 : PF_TEXT_NORMAL;
        if (f != NULL) {
            pf_report_text_level(f, r, 0, level);
            if (fclose(f) != 0)
                b->oom = 1;
            else
                pf_buf_add(b, text, len);
        } else {
            b->oom = 1;
        }
        free(text);
    } else {
        pf_evidence_json(b, r);
    }
}

/* --report i: write the report FORMAT:FILE atomically (its folders are
 * made, 0750). Returns 0, -1 or PF_ATOMIC_IN_PLACE with err set. */
static int write_report(const opts *o, size_t i, const pf_report *r,
                        char *err, size_t errlen)
{
    char fmt[16];
    const char *spec = o->reports[i], *file = strchr(spec, ':') + 1;
    pf_buf b;

    snprintf(fmt, sizeof fmt, "%.*s", (int)(file - 1 - spec), spec);
    if (pf_mkdirs(file, 0750, err, errlen) != 0)
        return -1;
    pf_buf_init(&b);
    render_report(o, fmt, r, &b);
    return pf_atomic_write_buf(file, &b, "out of memory building the report",
                               err, errlen);
}

/* Write the metrics, in place or new; their folders are made (0750). */
static int write_metrics(const opts *o, const pf_report *r, char *err,
                         size_t errlen)
{
    if (pf_mkdirs(o->metrics, 0750, err, errlen) != 0)
        return -1;
    return pf_metrics_write(o->metrics, r, err, errlen);
}

/* EVIDENCE.sig: the Ed25519 signature of the evidence file's exact bytes
 * as written (read back), base64 and a newline, written atomically (8.9).
 * Returns 0, or -1 with err set. */
static int sign_evidence(const ev_target *ev, char *err, size_t errlen)
{
    char sigpath[PATH_MAX + 8], why[PATH_MAX + 200], *data = NULL;
    unsigned char sig[64];
    pf_buf enc;
    size_t len = 0;
    int rc;

    snprintf(sigpath, sizeof sigpath, "%s.sig", ev->path);
    if (pf_read_regular(ev->path, O_NOFOLLOW, 256u << 20, &data, &len, why,
                        sizeof why) != 0) {
        snprintf(err, errlen, "signature: %.500s", why);
        return -1;
    }
    rc = ev->sign(ev->key, (const unsigned char *)data, len, sig);
    free(data);
    if (rc != 0) {
        snprintf(err, errlen, "signature: signing failed");
        return -1;
    }
    pf_buf_init(&enc);
    pf_base64_encode(sig, sizeof sig, 0, &enc);
    pf_buf_addc(&enc, '\n');
    rc = enc.oom ? -1
                 : pf_atomic_write(sigpath, enc.data, enc.len, 0644, why,
                                   sizeof why);
    pf_buf_free(&enc);
    if (rc != 0) {
        snprintf(err, errlen, "signature: %.500s", why);
        return -1;
    }
    return 0;
}

/* Write the evidence; a fresh default name is created, never replacing a
 * file (on a clash another name is drawn). Folders are made (0750). */
static int write_evidence(ev_target *ev, const pf_report *r, char *err,
                          size_t errlen)
{
    int rc = -1, tries;

    if (pf_mkdirs(ev->path, 0750, err, errlen) != 0)
        return -1;
    rc = ev->fresh ? -1 : pf_evidence_write(ev->path, r, err, errlen);
    for (tries = 0; ev->fresh && tries < 8; tries++) {
        rc = pf_evidence_create(ev->path, r, err, errlen);
        if (!(rc == -1 && errno == EEXIST))
            break;
        if (default_evidence(ev, ev->root) != 0) {
            snprintf(err, errlen, "cannot create %.500s/evidence/: %s",
                     ev->root, strerror(errno));
            return -1;
        }
    }
    if (rc == 0 || rc == PF_ATOMIC_IN_PLACE)
        ev->fresh = 0;
    if (rc == 0 && ev->key != NULL && sign_evidence(ev, err, errlen) != 0)
        return -1;
    return rc;
}

/* The run's outcome changed after its files were written (a failed write,
 * stdout closed, a signal, COMMAND not started): write them again so no
 * file claims what the exit code denies; a file that cannot be rewritten
 * is removed. */
static void retract(const opts *o, const pf_report *r, ev_target *ev,
                    run_files *f)
{
    char err[600];

    if (f->metrics_in && write_metrics(o, r, err, sizeof err) == -1) {
        pf_term_error("metrics: %s; removing %s", err, o->metrics);
        if (unlink(o->metrics) == 0)
            f->metrics_in = 0;
    }
    if (f->evidence_in && write_evidence(ev, r, err, sizeof err) == -1) {
        pf_term_error("evidence: %s; removing %s", err, ev->path);
        if (unlink(ev->path) == 0)
            f->evidence_in = 0;
    }
    for (size_t i = 0; i < o->nreports; i++) {
        const char *file = strchr(o->reports[i], ':') + 1;
        if (f->report_in[i] && write_report(o, i, r, err, sizeof err) == -1) {
            pf_term_error("report: %s; removing %s", err, file);
            if (unlink(file) == 0)
                f->report_in[i] = 0;
        }
    }
}

/* Write the metrics file, then the evidence, then each --report file,
 * then the report on stdout.
 * Returns the final exit code: a failed metrics, evidence or stdout write
 * or a caught signal turns any outcome into 2, is recorded as a problem,
 * and every file already written is written again (or removed) so that
 * none keeps the outcome the run lost (8.7). */
static int finish(const opts *o, pf_report *r, pf_verdict *v, ev_target *ev,
                  run_files *f, uint64_t t0)
{
    char err[600];
    int rc, changed = 0, before = v->exit_code;

    r->finished_ms = pf_utc_now_ms();
    r->duration_ms = (double)(pf_now_ns() - t0) / 1e6;
    note_signal(r, v, f);
    if (o->metrics != NULL) {
        rc = write_metrics(o, r, err, sizeof err);
        f->metrics_in = rc == 0 || rc == PF_ATOMIC_IN_PLACE;
        if (rc != 0)
            write_failed(r, v, "metrics", err);
    }
    if (ev->path != NULL) {
        rc = write_evidence(ev, r, err, sizeof err);
        f->evidence_in = rc == 0 || rc == PF_ATOMIC_IN_PLACE;
        if (rc != 0)
            write_failed(r, v, "evidence", err);
    }
    for (size_t i = 0; i < o->nreports; i++) {
        char what[PATH_MAX + 16];
        rc = write_report(o, i, r, err, sizeof err);
        f->report_in[i] = rc == 0 || rc == PF_ATOMIC_IN_PLACE;
        snprintf(what, sizeof what, "report %s", o->reports[i]);
        if (rc != 0)
            write_failed(r, v, what, err);
    }
    changed = v->exit_code != before;
    if (note_signal(r, v, f))
        changed = 1;
    if (changed)
        retract(o, r, ev, f);
    before = v->exit_code;
    if (o->verbose)
        pf_report_logs(stderr, r); /* preflight.log's messages */
    if (strcmp(o->format, "text") != 0) {
        pf_buf b;
        pf_buf_init(&b);
        render_report(o, o->format, r, &b);
        if (!b.oom)
            fwrite(b.data, 1, b.len, stdout);
        else
            fprintf(stderr, "preflight: out of memory writing the report\n");
        pf_buf_free(&b);
    } else {
        int level = o->quiet     ? PF_TEXT_QUIET
                    : o->verbose ? PF_TEXT_VERBOSE
                                 : PF_TEXT_NORMAL;
        pf_report_text_level(stdout, r, want_color(o, STDOUT_FILENO),
                             level);
        if (f->evidence_in && !o->quiet) {
            fputs("evidence: ", stdout);
            pf_term_put(stdout, ev->path);
            putchar('\n');
        }
        if (f->metrics_in && o->verbose) {
            fputs("metrics: ", stdout);
            pf_term_put(stdout, o->metrics);
            putchar('\n');
        }
    }
    /* SIGPIPE is ignored: a closed stdout is EPIPE here, an error */
    if (fflush(stdout) != 0 || ferror(stdout))
        write_failed(r, v, "stdout", strerror(errno ? errno : EIO));
    note_signal(r, v, f);
    if (v->exit_code != before)
        retract(o, r, ev, f);
    return v->exit_code;
}

/* The kill switch as a refusal reason, in the arming gate's words: "kill
 * switch is engaged: "REASON (file PATH, engaged by USER@HOST at TIME)"
 * ...". Returns 1 (engaged, or its state unknown: refuse), 0 when not. */
static int kill_switch_refusal(const char *path, char *out, size_t outlen)
{
    char what[1200];

    if (pf_kill_switch_state(path, what, sizeof what) == 0)
        return 0;
    pf_kill_switch_reason(what, out, outlen); /* unknown state: refused */
    return 1;
}

/*
 * exec's last step: the start document is written; block the caught
 * signals, put their default actions back (COMMAND gets a normal
 * disposition, SIGPIPE included), look at the kill switch and for a
 * pending signal one last time, and execvp. When that last look says no,
 * or execvp fails, the handlers come back, nothing is started and the
 * files are rewritten with the refusal (3) or error (2), whose code is
 * returned. A signal after the unblock ends the process by its default
 * action before or after the image is replaced, as it would COMMAND.
 */
static int start_command(const opts *o, pf_report *r, pf_verdict *v,
                         ev_target *ev, run_files *f, const char *kspath,
                         char **reasons)
{
    static char why[1400]; /* a refusal reason, read by retract */
    char abs[PATH_MAX];
    const char *evp = realpath(ev->path, abs) ? abs : ev->path;
    sigset_t old;
    int engaged, e;

    if (setenv("PREFLIGHT_EVIDENCE", evp, 1) != 0) {
        write_failed(r, v, "environment", "cannot set PREFLIGHT_EVIDENCE");
        retract(o, r, ev, f);
        return v->exit_code;
    }
    fflush(NULL);
    pf_signals_block(&old);
    pf_signals_default();
    engaged = kill_switch_refusal(kspath, why, sizeof why);
    if (!engaged && !pf_signals_block(NULL)) {
        pf_signals_unblock(&old);
        execvp(o->command[0], o->command);
        e = errno;
        pf_signals_block(NULL);
        pf_signals_install();
        pf_signals_unblock(&old);
        snprintf(why, sizeof why, "cannot start %s: %s", o->command[0],
                 strerror(e));
        pf_term_error("%s", why);
        pf_verdict_problem(v, "%s", why);
        v->kind = PF_VERDICT_ERROR;
        v->exit_code = PF_EXIT_ERROR;
        r->started = 0;
        retract(o, r, ev, f);
        return v->exit_code;
    }
    pf_signals_install();
    pf_signals_unblock(&old); /* a pending signal is caught now */
    r->started = 0;
    if (!note_signal(r, v, f)) {
        pf_term_error("%s; COMMAND not started", why);
        reasons[r->narm_reasons++] = why;
        r->arm_state = "refused";
        pf_verdict_problem(v, "kill switch engaged before COMMAND started");
        v->kind = PF_VERDICT_REFUSED;
        v->exit_code = PF_EXIT_REFUSED;
    }
    retract(o, r, ev, f);
    return v->exit_code;
}

/* The stop document's path: EVIDENCE with "-stop" before its ".json"
 * (or ".stop.json" added). */
static void stop_path(const char *evidence, char *out, size_t outlen)
{
    size_t n = strlen(evidence);

    if (n > 5 && strcmp(evidence + n - 5, ".json") == 0)
        snprintf(out, outlen, "%.*s-stop.json", (int)(n - 5), evidence);
    else
        snprintf(out, outlen, "%s.stop.json", evidence);
}

static const char *stop_by_name(pf_stop_by by)
{
    switch (by) {
    case PF_STOP_KILL_SWITCH: return "kill-switch";
    case PF_STOP_GUARD_CHECK: return "guard-check";
    case PF_STOP_PACK: return "pack-changed";
    default: return "command-exited";
    }
}

/* The guard's view of the pack after each cycle (live): the lock read
 * again, and the bytes the cycle's workers compiled. */
static int guard_pack_changed(void *ud, const pf_check *cs, size_t n,
                              char *why, size_t whylen);

/* The guard-stop audit line (8.6): how COMMAND ended. */
static void audit_stop(const char *audit, const char *host,
                       const char *pack, const pf_guard_result *res,
                       const pf_redactor *red)
{
    char err[PATH_MAX + 400], *reason;
    pf_audit_rec rec;
    int64_t seq;

    memset(&rec, 0, sizeof rec);
    reason = res->reason[0] ? pf_redact(red, res->reason) : NULL;
    rec.command = "guard-stop";
    rec.outcome = stop_by_name(res->by);
    rec.exit_code = res->exit_code;
    rec.host = host;
    rec.pack = pack;
    rec.reason = reason;
    rec.now_ms = pf_utc_now_ms();
    if (pf_audit_append(audit, &rec, &seq, NULL, err, sizeof err) != 0)
        pf_term_error("audit: %s (guard-stop not recorded)", err);
    free(reason);
}

/* Normalised text of an amount in cents ("250.00"). */
static void cents_text(int64_t c, char *out, size_t outlen)
{
    snprintf(out, outlen, "%lld.%02lld", (long long)(c / 100),
             (long long)(c % 100));
}

/* --sign-key: load the key through the signing plugin into ev (and its
 * id into kid). Returns 0, or -1 (said on stderr). */
static int open_sign_key(const opts *o, ev_target *ev, char kid[17])
{
    char err[PATH_MAX + 300];
    unsigned char pub[32];
    load_fn load = (load_fn)pf_plugin_function("pf_sign_load", err,
                                               sizeof err);

    ev->sign = (sign_fn)pf_plugin_function("pf_sign", err, sizeof err);
    if (load == NULL || ev->sign == NULL) {
        pf_term_error("--sign-key: %s", err);
        return -1;
    }
    ev->key = load(o->sign_key, getenv("PREFLIGHT_KEY_PASSPHRASE"), pub, err,
                   sizeof err);
    if (ev->key == NULL) {
        pf_term_error("--sign-key: %s", err);
        return -1;
    }
    pf_key_id(pub, kid);
    return 0;
}

static void close_sign_key(ev_target *ev)
{
    char err[300];
    free_fn kfree;

    if (ev->key == NULL)
        return;
    kfree = (free_fn)pf_plugin_function("pf_sign_free", err, sizeof err);
    if (kfree != NULL)
        kfree(ev->key);
    ev->key = NULL;
}

/* The arming gate as it is now: the environment, the clock, the kill
 * switch (its wording for a refusal into kill_why). */
static void gate_now(const pf_arming_input *base, const char *kspath,
                     pf_arming_input *in, char *kill_why, size_t whylen,
                     pf_arming_result *gate)
{
    *in = *base;
    in->now_ms = pf_utc_now_ms();
    in->kill_switch_engaged =
        pf_kill_switch_state(kspath, kill_why, whylen) != 0;
    in->kill_reason = kill_why;
    pf_arming_evaluate(in, gate);
}

/* What a live start is bound to (DESIGN.md 8.2-8.6), gathered in the
 * parent: the pack, the approvals presented, the host id, the audit log. */
typedef struct binding {
    pf_pack pk;
    int has_pack;          /* PATH is one checks folder */
    char *tokens;          /* approval token lines, owned */
    size_t tokens_len;
    char tokens_err[PATH_MAX + 200]; /* --approvals unreadable */
    pf_approval_result ap;
    int ap_done;
    char ap_why[400];
    char host[PF_HOST_ID_MAX + 1];
    char audit[PATH_MAX + 32]; /* "" when no audit record is written */
    char ks[PATH_MAX + 32];    /* the kill-switch file */
    char pack_err[PATH_MAX + 700]; /* the pack could not be read */
    pf_buf trust;          /* 8.4: what others could change, a line each */
    size_t ntrust;
    char trust_first[600];
    size_t ncompiled;      /* 8.2: compiled bytes that are not locked */
    char compiled_first[PATH_MAX + 100];
    char (*seen)[33];      /* the audit log's nonces, read once a judgement */
    size_t nseen;
    int seen_state;        /* 0 not read yet, 1 read, -1 unreadable */
} binding;

/* The host id: PREFLIGHT_HOST_ID, else the host name (8.5). */
static void host_id(char *out, size_t outlen)
{
    const char *e = getenv("PREFLIGHT_HOST_ID");

    if (e != NULL && e[0] != '\0') {
        snprintf(out, outlen, "%s", e);
        return;
    }
    if (gethostname(out, outlen - 1) != 0)
        out[0] = '\0';
    out[outlen - 1] = '\0';
}

/* Gather the pack of PATH (one folder: o->paths[0], or checks/ by
 * default), the kill-switch and audit paths and the approval tokens.
 * Returns 0, or -1 with err set (an unreadable or malformed policy). */
static int bind_gather(const opts *o, pf_mode mode, binding *b, char *err,
                       size_t errlen)
{
    const char *path = o->npaths ? o->paths[0] : "checks";
    const char *env = getenv("LIVE_APPROVALS");
    struct stat st;
    char why[600], root[PATH_MAX];
    int live = mode == PF_MODE_LIVE;

    memset(b, 0, sizeof *b);
    b->has_pack = o->npaths <= 1 && stat(path, &st) == 0 &&
                  S_ISDIR(st.st_mode);
    /* the pack's files are hashed when something shows them (evidence,
     * JSON, metrics), when there is a lock to compare, or to arm */
    if (b->has_pack &&
        pf_pack_open_for(&b->pk, path, o->root, o->lib,
                         live || o->cmd != CMD_RUN || o->evidence != NULL ||
                             o->metrics != NULL || o->nreports > 0 ||
                             strcmp(o->format, "text") != 0,
                         err, errlen) != 0) {
        b->has_pack = 0;
        snprintf(b->pack_err, sizeof b->pack_err, "%s", err);
        return -1;
    }
    host_id(b->host, sizeof b->host);
    run_root(o, root); /* the defaults when PATH is not one folder */
    /* the kill switch and the audit log: in live from the policy only */
    if (o->kill_switch != NULL && !live)
        snprintf(b->ks, sizeof b->ks, "%s", o->kill_switch);
    else if (b->has_pack)
        snprintf(b->ks, sizeof b->ks, "%s", b->pk.kill_switch);
    else
        snprintf(b->ks, sizeof b->ks, "%s/%s", root, PF_KILL_SWITCH_DEFAULT);
    if (o->cmd == CMD_ARM || o->cmd == CMD_EXEC) {
        if (o->audit != NULL && !live)
            snprintf(b->audit, sizeof b->audit, "%s", o->audit);
        else if (b->has_pack && (live || b->pk.audit_set))
            snprintf(b->audit, sizeof b->audit, "%s", b->pk.audit);
        else if (live) /* no pack bound: refused, and recorded all the same */
            snprintf(b->audit, sizeof b->audit, "%s/%s", root,
                     PF_AUDIT_DEFAULT);
    }
    if (!live)
        return 0;
    if (o->approvals != NULL) {
        if (pf_read_regular(o->approvals, 0, 64 * 1024, &b->tokens,
                            &b->tokens_len, why, sizeof why) != 0)
            snprintf(b->tokens_err, sizeof b->tokens_err, "%s", why);
    } else if (env != NULL) {
        b->tokens = strdup(env);
        b->tokens_len = b->tokens ? strlen(b->tokens) : 0;
    }
    return 0;
}

/* The trust roots of the pack (8.4): its files, its lock, approvers and
 * policy, and their folders up to the root. */
static void bind_trust(binding *b)
{
    static const char *const extra[] = {PF_LOCK_FILE, "approvers", "policy"};
    const char *paths[PF_LOCK_MAX_FILES + 3];
    char rel[3][PATH_MAX + 32], err[PATH_MAX + 200];
    size_t rl = strlen(b->pk.root), n = 0;
    const char *dir = strcmp(b->pk.root, "/") == 0 ? b->pk.dir + 1
                      : b->pk.dir[rl] == '/'        ? b->pk.dir + rl + 1
                                                    : "";
    int rc;

    for (size_t i = 0; i < b->pk.files.n; i++)
        paths[n++] = b->pk.files.e[i].path;
    for (size_t i = 0; i < 3; i++) {
        snprintf(rel[i], sizeof rel[i], "%s%s%s", dir, dir[0] ? "/" : "",
                 extra[i]);
        paths[n++] = rel[i];
    }
    pf_buf_init(&b->trust);
    rc = pf_trust_check(b->pk.root, paths, n, geteuid(), &b->trust, err,
                        sizeof err);
    if (rc < 0) {
        b->ntrust = 1;
        snprintf(b->trust_first, sizeof b->trust_first,
                 "cannot be examined: %.500s", err);
        return;
    }
    b->ntrust = (size_t)rc;
    if (rc > 0 && b->trust.data != NULL)
        snprintf(b->trust_first, sizeof b->trust_first, "%.*s",
                 (int)strcspn(b->trust.data, "\n"), b->trust.data);
}

static void bind_free(binding *b)
{
    free(b->seen);
    pf_buf_free(&b->trust);
    if (b->has_pack)
        pf_pack_free(&b->pk);
    free(b->tokens);
}

/* pf_seen_fn over the audit log (ud: the binding): the log is read once
 * per judgement, at the first lookup; unreadable counts as seen. */
static int audit_seen(void *ud, const char *nonce)
{
    binding *b = ud;
    char err[600];

    if (b->seen_state == 0)
        b->seen_state = pf_audit_nonces_all(b->audit, &b->seen, &b->nseen,
                                            err, sizeof err) == 0
                            ? 1
                            : -1;
    if (b->seen_state < 0)
        return 1;
    for (size_t i = 0; i < b->nseen; i++) {
        if (strcmp(b->seen[i], nonce) == 0)
            return 1;
    }
    return 0;
}

/*
 * Ed25519 verification remembered: a signature is checked again just
 * before ARMED (8.5) with the same key, message and signature bytes, and
 * the answer of a verification is a function of exactly those, so the
 * second judgement reuses it (each libcrypto verification costs a few
 * hundred microseconds). The bytes are compared whole, not a digest of
 * them; everything else (pack, cap, host, clock, nonces) is judged again.
 * The real function is memo_real; the last PF_TOKENS_MAX answers are kept.
 */
static pf_verify_fn memo_real;

static int verify_memo(const unsigned char key[32], const unsigned char *msg,
                       size_t len, const unsigned char sig[64])
{
    static struct {
        unsigned char key[32], sig[64], msg[1024];
        size_t len;
        int ok;
    } memo[PF_TOKENS_MAX];
    static size_t n, next;
    size_t i;

    if (len > sizeof memo[0].msg) /* never a token's payload: not kept */
        return memo_real(key, msg, len, sig) == 1;
    for (i = 0; i < n; i++) {
        if (memo[i].len == len && memcmp(memo[i].key, key, 32) == 0 &&
            memcmp(memo[i].sig, sig, 64) == 0 &&
            memcmp(memo[i].msg, msg, len) == 0)
            return memo[i].ok;
    }
    i = next;
    next = (next + 1) % PF_TOKENS_MAX;
    if (n < PF_TOKENS_MAX)
        n++;
    memcpy(memo[i].key, key, 32);
    memcpy(memo[i].sig, sig, 64);
    memcpy(memo[i].msg, msg, len);
    memo[i].len = len;
    memo[i].ok = memo_real(key, msg, len, sig) == 1;
    return memo[i].ok;
}

/* Check the approval tokens against the pack, the cap, the host and the
 * clock as they are now (8.5), into b->ap and b->ap_why. */
static void bind_approvals(binding *b, const pf_arming_result *gate)
{
    pf_approval_input in;
    char cap[48] = "", err[300];
    size_t o = 0;

    memset(&in, 0, sizeof in);
    if (gate->has_notional)
        cents_text(gate->notional_cents, cap, sizeof cap);
    in.approvers = &b->pk.approvers;
    in.tokens = b->tokens ? b->tokens : "";
    in.tokens_len = b->tokens ? b->tokens_len : 0;
    in.pack = b->pk.lock_state != PF_LOCKST_NONE ? b->pk.digest : "";
    in.cap = cap;
    in.host = b->host;
    in.now_s = pf_utc_now_ms() / 1000;
    memo_real = (pf_verify_fn)pf_plugin_function("pf_sign_verify", err,
                                                 sizeof err);
    in.verify = memo_real != NULL ? verify_memo : NULL;
    in.seen = b->audit[0] ? audit_seen : NULL;
    in.seen_ud = b;
    free(b->seen); /* the log as it is now: read again */
    b->seen = NULL;
    b->nseen = 0;
    b->seen_state = 0;
    pf_approval_check(&in, &b->ap);
    b->ap_done = 1;
    o += (size_t)snprintf(b->ap_why, sizeof b->ap_why,
                          "%zu valid of %d required", b->ap.naccepted,
                          b->pk.approvers.require);
    if (b->tokens_err[0])
        snprintf(b->ap_why + o, sizeof b->ap_why - o, " (%.300s)",
                 b->tokens_err);
    else if (b->tokens == NULL)
        snprintf(b->ap_why + o, sizeof b->ap_why - o,
                 " (none given: --approvals FILE or LIVE_APPROVALS)");
    else if (in.verify == NULL)
        snprintf(b->ap_why + o, sizeof b->ap_why - o,
                 " (signatures cannot be checked: %.200s)", err);
    for (size_t i = 0; i < b->ap.nrejected && o < sizeof b->ap_why; i++) {
        o = strlen(b->ap_why);
        snprintf(b->ap_why + o, sizeof b->ap_why - o, "%s line %zu %s",
                 i ? "," : "; rejected:", b->ap.rejected[i].line,
                 b->ap.rejected[i].why);
    }
}

/* The path of file relative to the project root (into out), or NULL when
 * it cannot be resolved or is not inside the root. */
static const char *root_relative(const binding *b, const char *file,
                                 char *out)
{
    size_t rl = strlen(b->pk.root);

    if (realpath(file, out) == NULL)
        return NULL;
    return strcmp(b->pk.root, "/") == 0 ? out + 1
           : strncmp(out, b->pk.root, rl) == 0 && out[rl] == '/'
               ? out + rl + 1
               : NULL;
}

/* 1 when b holds the whole line (len bytes, its newline included). */
static int has_line(const pf_buf *b, const char *line, size_t len)
{
    const char *p = b->data, *end = b->data + b->len;

    while (p != NULL && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        if (n == len && memcmp(p, line, len) == 0)
            return 1;
        p += n;
    }
    return 0;
}

/* Add "compiled PATH: WHY\n" to out unless it is there already; 1 when
 * added (or when out of memory: counted, so never a match). */
static int compiled_line(pf_buf *out, const char *path, const char *why)
{
    pf_buf l;
    int added = 1;

    pf_buf_init(&l);
    pf_buf_addf(&l, "compiled %s: %s\n", path, why);
    if (l.oom)
        out->oom = 1;
    else if (has_line(out, l.data, l.len))
        added = 0;
    else
        pf_buf_add(out, l.data, l.len);
    pf_buf_free(&l);
    return added;
}

/*
 * What the workers compiled against the pack's files as hashed for the
 * lock check (8.2): every check file (by its sha256) and every library
 * module each worker reported, one line each into out ("compiled PATH:
 * other bytes than the locked file" or "... not in the lock"), each named
 * once. Returns how many; a check file that cannot be resolved counts.
 */
static size_t compiled_diffs(const binding *b, const pf_check *checks,
                             size_t n, pf_buf *out)
{
    static const char other[] = "other bytes than the locked file";
    static const char unlisted[] = "not in the lock";
    char real[PATH_MAX];
    size_t count = 0;

    for (size_t i = 0; i < n; i++) {
        const pf_check *c = &checks[i];
        const pf_lock_entry *e;
        const char *rel;

        if (c->status != PF_STATUS_NOT_SELECTED && c->sha256[0] != '\0') {
            rel = root_relative(b, c->file, real);
            e = rel ? pf_lock_find(&b->pk.files, rel) : NULL;
            if (e == NULL)
                count += compiled_line(out, rel ? rel : c->file, unlisted);
            else if (strcmp(e->sha256, c->sha256) != 0)
                count += compiled_line(out, rel, other);
        }
        for (size_t k = 0; k < c->nmodules; k++) {
            const pf_module *m = &c->modules[k];
            e = pf_lock_find(&b->pk.files, m->path);
            if (e == NULL)
                count += compiled_line(out, m->path, unlisted);
            else if (strcmp(e->sha256, m->sha256) != 0)
                count += compiled_line(out, m->path, other);
        }
    }
    return count;
}

/* 1 when a check file or library module as a worker compiled it is not
 * the file locked for it (8.2). */
static int compiled_differs(const binding *b, const pf_check *checks,
                            size_t n)
{
    pf_buf d;
    size_t k;

    pf_buf_init(&d);
    k = compiled_diffs(b, checks, n, &d);
    k += d.oom; /* cannot tell: differs */
    pf_buf_free(&d);
    return k != 0;
}

/* The pack's facts for the outcome (8.2-8.5). */
static void bind_facts(const opts *o, const binding *b, const session *s,
                       pf_outcome_input *oi)
{
    size_t rl = strlen(b->pk.root);

    oi->one_folder = b->has_pack;
    oi->pack_err = b->pack_err[0] ? b->pack_err : NULL;
    oi->cli_override = o->kill_switch          ? "--kill-switch"
                       : o->ceiling            ? "--notional-ceiling-usd"
                       : o->audit              ? "--audit"
                                               : NULL;
    oi->lock_state = b->has_pack ? (int)b->pk.lock_state : PF_LOCKST_NONE;
    oi->lock_diffs = b->pk.ndiffs;
    oi->lock_err = b->pk.lock_err;
    oi->lib_inside = b->has_pack &&
                     (s->lib[0] == '\0' ||
                      (strncmp(s->lib, b->pk.root, rl) == 0 &&
                       (s->lib[rl] == '/' || s->lib[rl] == '\0')));
    oi->trust_problems = b->ntrust;
    oi->trust_first = b->trust_first;
    oi->approvers_state = b->pk.approvers_state;
    oi->approvers_n = b->pk.approvers.n;
    oi->approvers_err = b->pk.approvers_err;
    oi->approvals_enough = b->ap_done && b->ap.enough;
    oi->approvals_why = b->ap_why;
}

/* The pack and the approvals in the report (8.2, 8.5); in paper a pack
 * that differs from its lock is noted, not refused. */
static void bind_report(const binding *b, int live_arm, pf_report *r)
{
    r->has_pack = b->has_pack;
    r->pack_digest = b->pk.lock_state == PF_LOCKST_MATCH ||
                             b->pk.lock_state == PF_LOCKST_DIFF
                         ? b->pk.digest
                         : NULL;
    r->pack_locked = b->pk.lock_state == PF_LOCKST_MATCH;
    r->pack_diffs = b->pk.diffs.data;
    r->pack_files = &b->pk.files;
    r->approvals = b->ap_done ? &b->ap : NULL;
    if (b->has_pack && !live_arm && b->pk.lock_state == PF_LOCKST_DIFF)
        pf_term_error("note: the pack differs from its lock (%zu "
                      "difference%s: preflight lock --check); live arm and "
                      "exec refuse it",
                      b->pk.ndiffs, b->pk.ndiffs == 1 ? "" : "s");
}

/* After the checks (live arm and exec): the lock read again (changed or
 * relocked meanwhile is a difference), the approvals checked again with
 * the clock as it is now, and the bytes each worker compiled compared
 * with the lock; into the outcome's facts. */
static void bind_again(const opts *o, binding *b, const session *s,
                       const pf_arming_result *gate, pf_outcome_input *oi)
{
    static pf_pack again;
    char err[PATH_MAX + 700];

    if (pf_pack_open(&again, b->pk.dir, o->root, o->lib, err, sizeof err) ==
        0) {
        oi->lock_state = again.lock_state;
        oi->lock_diffs = again.ndiffs;
        if (again.lock_state == PF_LOCKST_MATCH &&
            strcmp(again.digest, b->pk.digest) != 0)
            oi->lock_state = PF_LOCKST_DIFF; /* relocked meanwhile */
        pf_pack_free(&again);
    } else {
        oi->lock_state = PF_LOCKST_BAD;
        oi->lock_err = "the pack cannot be read again after the checks";
    }
    if (b->pk.approvers.n > 0)
        bind_approvals(b, gate);
    oi->approvals_enough = b->ap_done && b->ap.enough;
    oi->compiled_differs = compiled_differs(b, s->checks, s->n);
}

/*
 * After the checks, in any mode, for a pack with a lock: what the workers
 * compiled (check files and library modules) against the lock (8.2).
 * Each difference joins the pack's differences (in paper a listed problem
 * that does not change the verdict; pack.locked is then false), the first
 * is named in the outcome's facts (live refuses on it), and a module
 * compiled from outside the pack joins pack.files[], so that the evidence
 * lists every file the run read to decide.
 */
static void bind_compiled(binding *b, const session *s, int live_arm,
                          pf_report *r, pf_outcome_input *oi)
{
    pf_buf d;

    pf_buf_init(&d);
    if (b->pk.lock_state != PF_LOCKST_MATCH &&
        b->pk.lock_state != PF_LOCKST_DIFF)
        goto files;
    b->ncompiled = compiled_diffs(b, s->checks, s->n, &d);
    if (d.oom && b->ncompiled == 0)
        b->ncompiled = 1;
    snprintf(b->compiled_first, sizeof b->compiled_first, "%.*s",
             d.data ? (int)strcspn(d.data, "\n") : 0, d.data ? d.data : "");
    if (b->ncompiled > 0) {
        if (d.data != NULL)
            pf_buf_adds(&b->pk.diffs, d.data);
        b->pk.ndiffs += b->ncompiled;
        r->pack_diffs = b->pk.diffs.data; /* may have moved */
        r->pack_locked = 0;
        if (!live_arm)
            pf_term_error("note: a worker compiled bytes that are not "
                          "locked (%s%s); live arm and exec refuse it",
                          b->compiled_first[0] ? b->compiled_first
                                               : "out of memory",
                          b->ncompiled > 1 ? ", ..." : "");
    }
    oi->compiled_differs = b->ncompiled > 0;
    oi->compiled_what = b->compiled_first;
files: /* after the comparison: what the run read, for the evidence */
    for (size_t i = 0; b->pk.files_ok && i < s->n; i++) {
        for (size_t k = 0; k < s->checks[i].nmodules; k++) {
            const pf_module *m = &s->checks[i].modules[k];
            if (pf_lock_insert(&b->pk.files, m->path, m->sha256) != 0)
                b->pk.files_ok = 0; /* the list is no longer whole */
        }
    }
    pf_buf_free(&d);
}

/* Append the run's audit record (8.6): the approvals it used are recorded
 * only when it armed. Returns 0, or -1 (said on stderr). */
static int bind_audit(const opts *o, const binding *b, const pf_outcome *oc,
                      pf_report *r, char *hash)
{
    const char *keys[PF_TOKENS_MAX], *nonces[PF_TOKENS_MAX];
    pf_audit_rec rec;
    char err[PATH_MAX + 400];
    size_t n = 0;

    if (oc->arm == PF_ARM_ARMED) {
        for (n = 0; n < b->ap.naccepted; n++) {
            keys[n] = b->ap.accepted[n].kid;
            nonces[n] = b->ap.accepted[n].nonce;
        }
    }
    memset(&rec, 0, sizeof rec);
    rec.command = o->cmdname;
    rec.outcome = oc->arm == PF_ARM_NOT_REQUIRED ? pf_verdict_name(oc->kind)
                                                 : oc->arm_name;
    rec.exit_code = oc->exit_code;
    rec.host = b->host;
    rec.pack = b->has_pack && b->pk.lock_state != PF_LOCKST_NONE
                   ? b->pk.digest
                   : NULL;
    rec.key_ids = keys;
    rec.nkeys = n;
    rec.nonces = nonces;
    rec.nnonces = n;
    rec.reason = oc->nreasons ? oc->reasons[0] : NULL;
    rec.now_ms = pf_utc_now_ms();
    if (pf_mkdirs(b->audit, 0750, err, sizeof err) != 0 ||
        pf_audit_append(b->audit, &rec, &r->audit_seq, hash, err,
                        sizeof err) != 0) {
        pf_term_error("audit: %s", err);
        r->audit_seq = 0;
        return -1;
    }
    r->audit_hash = hash;
    return 0;
}

#define PF_GUARD_IDS_MAX 256

/* The guard's part of the start document: its interval and grace (the
 * policy's, or its defaults without a pack) and the checks it runs. */
static void guard_report(const binding *b, const session *s, pf_report *r,
                         char **ids)
{
    r->guarded = 1;
    r->guard_interval_s = b->has_pack && b->pk.policy.guard_interval_s > 0
                              ? b->pk.policy.guard_interval_s
                              : PF_GUARD_INTERVAL_DEFAULT_S;
    r->stop_grace_ms = b->has_pack && b->pk.policy.stop_grace_ms > 0
                           ? b->pk.policy.stop_grace_ms
                           : PF_STOP_GRACE_DEFAULT_MS;
    r->nguard_ids = 0;
    for (size_t i = 0; i < s->n && r->nguard_ids < PF_GUARD_IDS_MAX; i++) {
        if (pf_guard_tagged(&s->checks[i]))
            ids[r->nguard_ids++] = s->checks[i].id;
    }
    r->guard_ids = ids;
}

/* Copy the outcome into the report and the verdict. */
static void apply_outcome(const pf_outcome *oc, pf_report *r, pf_verdict *v,
                          char **reasons)
{
    for (size_t i = 0; i < oc->nreasons; i++)
        reasons[i] = (char *)oc->reasons[i];
    r->arm_reasons = reasons;
    r->narm_reasons = oc->nreasons;
    r->arm_state = oc->arm_name;
    v->kind = oc->kind;
    v->exit_code = oc->exit_code;
    if (oc->problem != NULL)
        pf_verdict_problem(v, "%s", oc->problem);
}

static int guard_pack_changed(void *ud, const pf_check *cs, size_t n,
                              char *why, size_t whylen)
{
    static pf_pack again;
    binding *b = ud;
    char err[PATH_MAX + 700];
    int rc = 0;

    if (pf_pack_open(&again, b->pk.dir, NULL, NULL, err, sizeof err) != 0) {
        snprintf(why, whylen, "the pack cannot be read again: %.500s", err);
        return 1;
    }
    if (again.lock_state != PF_LOCKST_MATCH ||
        strcmp(again.digest, b->pk.digest) != 0) {
        snprintf(why, whylen, "the pack no longer matches the lock it was "
                              "armed with (preflight lock --check)");
        rc = 1;
    } else if (compiled_differs(b, cs, n)) {
        snprintf(why, whylen, "a guard worker compiled a check or module "
                              "that is not the locked file");
        rc = 1;
    }
    pf_pack_free(&again);
    return rc;
}

/*
 * Guarded exec's last step (8.8): the start document is written; COMMAND
 * starts as the guard's child and is supervised until it ends. Then the
 * stop document (EVIDENCE-stop.json, signed like the start document) and
 * the guard-stop audit line are written. Returns the exit code of 8.7.
 */
static int start_guarded(const opts *o, pf_report *r, pf_verdict *v,
                         ev_target *ev, run_files *f, binding *bd,
                         session *s, int live, char **reasons)
{
    static char why[1400]; /* a refusal reason, read by retract */
    char abs[PATH_MAX], spath[PATH_MAX + 16], err[PATH_MAX + 700];
    const char *evp = realpath(ev->path, abs) ? abs : ev->path;
    pf_guard_conf gc;
    pf_guard_result res;
    ev_target stop;

    if (setenv("PREFLIGHT_EVIDENCE", evp, 1) != 0) {
        write_failed(r, v, "environment", "cannot set PREFLIGHT_EVIDENCE");
        retract(o, r, ev, f);
        return v->exit_code;
    }
    if (note_signal(r, v, f)) {
        retract(o, r, ev, f);
        return v->exit_code;
    }
    memset(&gc, 0, sizeof gc);
    gc.argv = o->command;
    gc.kill_switch = bd->ks;
    gc.interval_ms = r->guard_interval_s * 1000;
    gc.grace_ms = r->stop_grace_ms;
    gc.cfg = &s->cfg;
    gc.checks = s->checks;
    gc.n = s->n;
    gc.manifest = s->manifest;
    gc.nmanifest = s->nmanifest;
    gc.metrics = o->metrics;
    gc.report = r;
    gc.pack_changed = live && bd->has_pack ? guard_pack_changed : NULL;
    gc.pack_ud = bd;
    pf_guard_run(&gc, &res);
    if (res.by == PF_STOP_NOT_STARTED) {
        snprintf(why, sizeof why, "%s; COMMAND not started", res.reason);
        pf_term_error("%s", why);
        r->started = 0;
        if (res.exit_code == PF_EXIT_REFUSED) {
            reasons[r->narm_reasons++] = why;
            r->arm_state = "refused";
            pf_verdict_problem(v, "the kill switch stopped the start");
            v->kind = PF_VERDICT_REFUSED;
            v->exit_code = PF_EXIT_REFUSED;
        } else {
            pf_verdict_problem(v, "%s", why);
            v->kind = PF_VERDICT_ERROR;
            v->exit_code = PF_EXIT_ERROR;
        }
        retract(o, r, ev, f);
        return v->exit_code;
    }
    if (res.by != PF_STOP_EXITED)
        pf_term_error("guard stopped COMMAND: %s", res.reason);
    r->stopped = 1;
    r->stop_by = stop_by_name(res.by);
    r->stop_reason = res.reason[0] ? res.reason : NULL;
    r->stop_ms = res.stopped_ms;
    r->command_exit = res.has_status && WIFEXITED(res.status)
                          ? WEXITSTATUS(res.status)
                          : -1;
    r->command_signal = res.has_status && WIFSIGNALED(res.status)
                            ? WTERMSIG(res.status)
                            : 0;
    r->stop_escalated = res.escalated;
    r->guard_cycles = res.cycles;
    r->signals_forwarded = res.forwarded;
    r->stop_exit_code = res.exit_code;
    r->finished_ms = pf_utc_now_ms();
    stop = *ev;
    stop_path(ev->path, spath, sizeof spath);
    stop.path = spath;
    stop.fresh = 0;
    if (write_evidence(&stop, r, err, sizeof err) != 0)
        pf_term_error("stop document %s: %s", spath, err);
    if (bd->audit[0] != '\0')
        audit_stop(bd->audit, bd->host,
                   bd->has_pack && bd->pk.lock_state != PF_LOCKST_NONE
                       ? bd->pk.digest
                       : NULL,
                   &res, &s->redactor);
    return res.exit_code;
}

/*
 * run, arm and exec: gather the facts, gate (pf_outcome_decide before the
 * checks), run, decide (after), write, start. Every rule of how the
 * command ends is in outcome.c; this function only collects and applies.
 */
static int cmd_checks(const opts *o)
{
    static pf_outcome oc; /* its reasons are the report's until the end */
    static binding bd;    /* the pack and approvals: large */
    session s;
    pf_arming_input base, in;
    pf_arming_result gate;
    pf_outcome_input oi;
    pf_verdict v;
    pf_report r;
    char kill_why[1200], cap[48], ceil_text[48], err[PATH_MAX + 700];
    char audit_hash[65], sign_kid[17], root[PATH_MAX];
    char *reasons[PF_OUTCOME_MAX_REASONS + 1];
    ev_target ev;
    run_files files;
    pf_progress progress;
    pf_mode mode = pf_mode_parse(getenv("ARBITRAGE_ENV"));
    const char *http = o->http            ? o->http
                       : mode == PF_MODE_LIVE ? "real"
                                              : "mock";
    int64_t ceiling = PF_NOTIONAL_DEFAULT_CEILING_CENTS;
    int rc, interrupted = 0, arming = o->cmd != CMD_RUN;
    int live_arm = arming && mode == PF_MODE_LIVE;
    int guarded = o->cmd == CMD_EXEC && (mode == PF_MODE_LIVE || o->guard);
    char *guard_ids[PF_GUARD_IDS_MAX];
    uint64_t t0 = pf_now_ns();

    memset(&s, 0, sizeof s);
    memset(&v, 0, sizeof v);
    memset(&r, 0, sizeof r);
    memset(&ev, 0, sizeof ev);
    memset(&files, 0, sizeof files);
    ev.path = o->evidence;
    ev.cmd = o->cmdname;
    r.started_ms = pf_utc_now_ms();
    if (gethostname(s.hostname, sizeof s.hostname - 1) != 0)
        s.hostname[0] = '\0';
    if (o->ceiling != NULL && pf_parse_ceiling(o->ceiling, &ceiling) != 0)
        return usage_error("--notional-ceiling-usd must be a plain amount "
                           "above 0 and at most 100000 (got '%s')",
                           o->ceiling);
    run_root(o, root);
    if (arming && ev.path == NULL && default_evidence(&ev, root) != 0) {
        fprintf(stderr, "preflight: cannot create %s/evidence/: %s\n", root,
                strerror(errno));
        return PF_EXIT_ERROR;
    }

    if (o->nmetric_labels > 0 && o->metrics == NULL)
        return usage_error("--metrics-label labels the metrics: give "
                           "--metrics FILE", NULL);
    r.metric_labels = o->metric_labels;
    r.nmetric_labels = o->nmetric_labels;
    if (o->sign_key != NULL && ev.path == NULL)
        return usage_error("--sign-key signs the evidence: give --evidence "
                           "FILE (run writes none by default)", NULL);
    if (o->sign_key != NULL && open_sign_key(o, &ev, sign_kid) != 0)
        return PF_EXIT_ERROR;
    r.signed_key_id = ev.key != NULL ? sign_kid : NULL;

    /* gather: the pack, the gate's inputs, the kill switch, the checks */
    rc = bind_gather(o, mode, &bd, err, sizeof err) != 0 ? PF_EXIT_ERROR : 0;
    r.host_id = bd.host;
    if (bd.has_pack && (o->ceiling == NULL || mode == PF_MODE_LIVE))
        ceiling = bd.pk.policy.ceiling_cents; /* live: the policy's only */
    memset(&base, 0, sizeof base);
    base.arbitrage_env = getenv("ARBITRAGE_ENV");
    base.ack = getenv("LIVE_ARM_ACK");
    base.arm_at = getenv("LIVE_ARM_AT");
    base.max_notional = getenv("LIVE_MAX_NOTIONAL_USD");
    base.ceiling_cents = ceiling;
    gate_now(&base, bd.ks, &in, kill_why, sizeof kill_why, &gate);
    if (rc == 0)
        rc = prepare(o, &s, pf_mode_name(mode), http, err, sizeof err);
    if (live_arm && bd.has_pack) {
        bind_trust(&bd);
        if (bd.pk.approvers.n > 0)
            bind_approvals(&bd, &gate);
    }
    memset(&oi, 0, sizeof oi);
    oi.cmd = o->cmd == CMD_ARM ? PF_OC_ARM
             : o->cmd == CMD_EXEC ? PF_OC_EXEC
                                  : PF_OC_RUN;
    oi.phase = PF_OC_BEFORE;
    oi.gate = &gate;
    oi.http_mock = strcmp(http, "mock") == 0;
    oi.kill_engaged = in.kill_switch_engaged;
    oi.kill_why = kill_why;
    oi.prepare_rc = rc;
    oi.prepare_err = err;
    oi.manifest_ok = rc == 0 && s.nmanifest > 0 && !s.manifest_missing;
    bind_facts(o, &bd, &s, &oi);

    r.mode = mode == PF_MODE_INVALID ? "invalid" : pf_mode_name(mode);
    r.http = http;
    r.hostname = s.hostname;
    r.verdict = &v;
    if (gate.has_notional) {
        cents_text(gate.notional_cents, cap, sizeof cap);
        r.max_notional_usd = cap;
    }
    cents_text(ceiling, ceil_text, sizeof ceil_text);
    r.ceiling_usd = ceil_text;
    r.has_arm_at = gate.has_arm_at;
    r.arm_at_ms = gate.arm_at_ms;
    r.arm_age_s = (double)gate.arm_age_ms / 1000.0;
    bind_report(&bd, live_arm, &r);

    /* gate: a refusal or a pack that does not load runs no check */
    pf_outcome_decide(&oi, &oc);
    if (!oc.may_run) {
        if (oc.kind == PF_VERDICT_ERROR)
            pf_term_error("%s", err);
        goto record;
    }

    /* run */
    /* a progress line only where the report goes to a terminal too: on a
     * pipe (`| less`) it would draw over the report */
    if (!o->quiet && pf_want_progress(STDERR_FILENO) &&
        isatty(STDOUT_FILENO)) {
        pf_progress_init(&progress, stderr, &s.redactor,
                         want_color(o, STDERR_FILENO));
        s.cfg.progress = pf_progress_update;
        s.cfg.progress_ud = &progress;
    }
    interrupted = pf_run(&s.cfg, s.checks, s.n, PF_JOB_RUN);
    if (s.cfg.progress != NULL)
        pf_progress_end(&progress);
    if (pf_verdict_compute(s.checks, s.n, s.manifest, s.nmanifest, &v) != 0)
        fprintf(stderr, "preflight: out of memory computing the verdict\n");
    if (interrupted)
        note_signal(&r, &v, &files); /* says which signal */
    r.checks = s.checks;
    r.nchecks = s.n;

    /* decide: the gate, the kill switch, the lock and the approvals again,
     * as they are now, and what the workers compiled */
    gate_now(&base, bd.ks, &in, kill_why, sizeof kill_why, &gate);
    r.arm_age_s = (double)gate.arm_age_ms / 1000.0;
    if (live_arm && bd.has_pack)
        bind_again(o, &bd, &s, &gate, &oi);
    if (bd.has_pack)
        bind_compiled(&bd, &s, live_arm, &r, &oi);
    oi.phase = PF_OC_AFTER;
    oi.guard_required =
        pf_guard_required(s.checks, s.n, s.manifest, s.nmanifest);
    if (guarded)
        guard_report(&bd, &s, &r, guard_ids);
    oi.kill_engaged = in.kill_switch_engaged;
    oi.verdict = v.kind;
    oi.verdict_exit = v.exit_code;
    oi.interrupted = interrupted;
    pf_outcome_decide(&oi, &oc);

record:
    /* the audit record, then decide again if it could not be written */
    if (bd.audit[0] != '\0' &&
        bind_audit(o, &bd, &oc, &r, audit_hash) != 0) {
        oi.audit_failed = 1; /* the same phase, decided again */
        pf_outcome_decide(&oi, &oc);
    }
    apply_outcome(&oc, &r, &v, reasons);

    /* write (exec's evidence is the start document), then start */
    r.started = oc.may_start;
    rc = finish(o, &r, &v, &ev, &files, t0);
    if (r.started && rc == PF_EXIT_PASS && guarded)
        rc = start_guarded(o, &r, &v, &ev, &files, &bd, &s,
                           mode == PF_MODE_LIVE, reasons);
    else if (r.started && rc == PF_EXIT_PASS)
        rc = start_command(o, &r, &v, &ev, &files, bd.ks, reasons);
    pf_verdict_free(&v);
    session_free(&s);
    bind_free(&bd);
    close_sign_key(&ev);
    return rc;
}

/*
 * lock, approve and kill record what they did in the pack's audit log
 * (8.6) when its policy names one, or in live mode (then the policy's or
 * the default). key_id: an approval's key, or NULL. Returns 0, or -1 (said
 * on stderr: the command's own work is done, its record is missing).
 */
static int audit_command(const pf_pack *pk, const char *command,
                         const char *outcome, int exit_code,
                         const char *key_id, const char *reason)
{
    const char *keys[1] = {key_id};
    char host[PF_HOST_ID_MAX + 1], err[PATH_MAX + 400];
    pf_audit_rec rec;
    int64_t seq;

    if (!pk->audit_set &&
        pf_mode_parse(getenv("ARBITRAGE_ENV")) != PF_MODE_LIVE)
        return 0;
    host_id(host, sizeof host);
    memset(&rec, 0, sizeof rec);
    rec.command = command;
    rec.outcome = outcome;
    rec.exit_code = exit_code;
    rec.host = host;
    rec.pack = pk->lock_state == PF_LOCKST_MATCH ? pk->digest : NULL;
    rec.key_ids = keys;
    rec.nkeys = key_id != NULL;
    rec.reason = reason;
    rec.now_ms = pf_utc_now_ms();
    if (pf_mkdirs(pk->audit, 0750, err, sizeof err) != 0 ||
        pf_audit_append(pk->audit, &rec, &seq, NULL, err, sizeof err) != 0) {
        pf_term_error("audit: %s (the %s itself is done)", err, command);
        return -1;
    }
    return 0;
}

/* kill: create the kill-switch file; of concurrent kills exactly one
 * engages it, the others report whose record is kept (exit 0: the switch
 * is engaged, which is what was asked). Something at the path that is not
 * a readable kill-switch record (a FIFO, a folder, garbage) is exit 2: the
 * gate treats it as engaged, but no reason could be recorded or read. */
static int kill_engage(const opts *o, pf_pack *pk, int *has_pack_out)
{
    char err[PATH_MAX + 700], shown[PATH_MAX], ks[PATH_MAX];
    const char *pack = o->npaths ? o->paths[0] : "checks", *path;
    const char *p;
    struct stat st;
    pf_kill_info ki;
    int rc, has_pack;

    /* the switch the gate and the guard watch: PATH's policy (8.3) */
    has_pack = stat(pack, &st) == 0 && S_ISDIR(st.st_mode);
    *has_pack_out = 0;
    if (o->npaths && !has_pack) {
        pf_term_error("kill: %s is not a checks folder", pack);
        return PF_EXIT_ERROR;
    }
    if (has_pack && pf_pack_open_for(pk, pack, o->root, NULL, 0, err,
                                     sizeof err) != 0) {
        pf_term_error("kill: %s", err);
        return PF_EXIT_ERROR;
    }
    *has_pack_out = has_pack;
    if (has_pack) {
        snprintf(ks, sizeof ks, "%s", pk->kill_switch);
    } else {
        snprintf(ks, sizeof ks, "%s", PF_KILL_SWITCH_DEFAULT);
    }
    if (o->kill_switch != NULL &&
        pf_mode_parse(getenv("ARBITRAGE_ENV")) == PF_MODE_LIVE) {
        pf_term_error("kill: in live mode the kill-switch file is the "
                      "policy's (%s); run `preflight kill --reason TEXT "
                      "[PATH]` without --kill-switch", ks);
        return PF_EXIT_ERROR;
    }
    path = o->kill_switch ? o->kill_switch : ks;

    snprintf(shown, sizeof shown, "%s", path);
    pf_term_clean(shown); /* the path as typed: terminal-safe */

    if (o->reason == NULL)
        return usage_error("kill needs --reason TEXT", NULL);
    for (p = o->reason; *p == ' ' || *p == '\t' || *p == '\n'; p++)
        ;
    if (*p == '\0')
        return usage_error("kill refuses an empty --reason", NULL);
    rc = pf_kill_switch_engage(path, o->reason, err, sizeof err);
    if (rc < 0) {
        pf_term_error("%s", err);
        return PF_EXIT_ERROR;
    }
    if (rc == 1) {
        /* keep the first record: it says why trading was stopped */
        int read = pf_kill_switch_read(path, &ki);
        /* what the file says is shown terminal-safe */
        pf_term_clean(ki.reason);
        pf_term_clean(ki.user);
        pf_term_clean(ki.host);
        pf_term_clean(ki.at);
        if (read != 1 || ki.odd) {
            pf_term_error("%s exists but is not a readable kill-switch "
                          "record: %s", shown, ki.reason);
            fprintf(stderr, "Arming and exec treat it as engaged; your "
                            "reason was not recorded. Look at it and remove "
                            "it by hand (docs/RUNBOOK.md).\n");
            return PF_EXIT_ERROR;
        }
        printf("kill switch already engaged: %s\n"
               "engaged by %s%s%s at %s\nrecorded reason: %s\n"
               "Your reason was not recorded; the first record is kept. "
               "To clear it, a person removes it by hand after review "
               "(docs/RUNBOOK.md):\n  rm %s\n",
               shown, ki.user[0] ? ki.user : "unknown user",
               ki.host[0] ? "@" : "", ki.host,
               ki.at[0] ? ki.at : "an unknown time", ki.reason, shown);
        return PF_EXIT_PASS;
    }
    printf("kill switch engaged: %s\n"
           "LIVE arming and exec are refused while this file exists.\n"
           "To clear it, a person removes it by hand after review "
           "(docs/RUNBOOK.md):\n  rm %s\n", shown, shown);
    return PF_EXIT_PASS;
}

/* kill, then its audit record (engaged, or already engaged: the reason
 * given is recorded masked, the kill switch keeps the first). */
static int cmd_kill(const opts *o)
{
    static pf_pack pk;
    pf_redactor red;
    char *masked;
    int has_pack = 0, rc = kill_engage(o, &pk, &has_pack);

    if (!has_pack)
        return rc;
    pf_redactor_init(&red);
    masked = pf_redactor_from_env(&red, environ, o->secrets, o->nsecrets) == 0
                 ? pf_redact(&red, o->reason ? o->reason : "")
                 : NULL;
    if (o->reason != NULL &&
        audit_command(&pk, "kill", rc == PF_EXIT_PASS ? "engaged" : "error",
                      rc, NULL, masked ? masked : "(reason not recorded)") !=
            0 &&
        rc == PF_EXIT_PASS)
        rc = PF_EXIT_ERROR;
    free(masked);
    pf_redactor_free(&red);
    pf_pack_free(&pk);
    return rc;
}

/*
 * lock: write PATH/preflight.lock, or with --check compare it with the
 * pack. Exit 0 written / matches, 1 differences (listed), 2 the pack or
 * the lock cannot be read.
 */
static int cmd_lock(const opts *o)
{
    static pf_pack pk; /* the pack as it is: policy, files, the old lock */
    char file[PATH_MAX + 32], err[PATH_MAX + 700];
    const char *path = o->npaths ? o->paths[0] : "checks";
    pf_buf b;
    int rc = PF_EXIT_ERROR;

    /* a policy that does not parse is not locked as reviewed */
    if (pf_pack_open(&pk, path, o->root, o->lib, err, sizeof err) != 0) {
        pf_term_error("lock: %s", err);
        return PF_EXIT_ERROR;
    }
    if (!pk.files_ok) { /* a symlink, a FIFO, a library outside the root */
        pf_term_error("lock: %s", pk.lock_err);
        goto out_pack;
    }
    snprintf(file, sizeof file, "%s/%s", pk.dir, PF_LOCK_FILE);
    pf_buf_init(&b);
    if (!o->check) {
        pf_lock_text(&pk.files, &b);
        if (b.oom || pf_atomic_write(file, b.data ? b.data : "", b.len, 0644,
                                     err, sizeof err) != 0) {
            pf_term_error("lock: %s", b.oom ? "out of memory" : err);
            goto out;
        }
        /* the pack is now locked as it is: its record names the new
         * digest */
        pf_sha256_hex(b.data ? b.data : "", b.len, pk.digest);
        pk.lock_state = PF_LOCKST_MATCH;
        fputs("wrote ", stdout);
        pf_term_put(stdout, file);
        printf(" (%zu files)\npack digest %s\n", pk.files.n, pk.digest);
        rc = audit_command(&pk, "lock", "locked", 0, NULL, NULL) == 0
                 ? PF_EXIT_PASS
                 : PF_EXIT_ERROR;
        goto out;
    }
    switch (pk.lock_state) {
    case PF_LOCKST_NONE:
        pf_term_error("lock: no %s (run `preflight lock` and review it)",
                      file);
        rc = PF_EXIT_FAIL;
        break;
    case PF_LOCKST_DIFF:
        pf_term_put_lines(stdout, pk.diffs.data);
        printf("%zu difference%s: the pack is not the one that was locked\n",
               pk.ndiffs, pk.ndiffs == 1 ? "" : "s");
        rc = PF_EXIT_FAIL;
        break;
    case PF_LOCKST_MATCH:
        printf("lock matches (%zu files)\npack digest %s\n", pk.files.n,
               pk.digest);
        rc = PF_EXIT_PASS;
        break;
    default:
        pf_term_error("lock: %s", pk.lock_err);
        break;
    }
out:
    pf_buf_free(&b);
out_pack:
    pf_pack_free(&pk);
    return rc;
}


/* keygen --out FILE --name NAME */
static int cmd_keygen(const opts *o)
{
    char err[PATH_MAX + 300];
    unsigned char pub[32];
    pf_buf b64;
    keygen_fn keygen;

    if (o->out == NULL || o->name == NULL)
        return usage_error("keygen needs --out FILE and --name NAME", NULL);
    if (!pf_name_ok(o->name, PF_NAME_MAX))
        return usage_error("--name must be 1 to 64 of A-Z a-z 0-9 . _ @ - "
                           "(got '%s')", o->name);
    keygen = (keygen_fn)pf_plugin_function("pf_sign_keygen", err, sizeof err);
    if (keygen == NULL) {
        pf_term_error("keygen: %s", err);
        return PF_EXIT_ERROR;
    }
    if (keygen(o->out, getenv("PREFLIGHT_KEY_PASSPHRASE"), pub, err,
               sizeof err) != 0) {
        pf_term_error("keygen: %s", err);
        return PF_EXIT_ERROR;
    }
    pf_buf_init(&b64);
    pf_base64_encode(pub, 32, 0, &b64);
    if (b64.oom) {
        pf_term_error("keygen: out of memory");
        return PF_EXIT_ERROR;
    }
    printf("ed25519 %s %s\n", b64.data, o->name);
    pf_buf_free(&b64);
    fputs("preflight: wrote the private key to ", stderr);
    pf_term_put(stderr, o->out);
    fputs(" (mode 0600; keep it to yourself). The line above is its "
          "public key: for an approver, add it to PATH/approvers in a "
          "reviewed commit; for signed evidence, give it to `preflight "
          "verify --pubkey`.\n",
          stderr);
    return fflush(stdout) == 0 ? PF_EXIT_PASS : PF_EXIT_ERROR;
}

/* The git commit of the work tree holding dir, read from .git (no git
 * process is started), into out; "" when there is none. */
static void git_commit(const char *dir, char *out, size_t outlen)
{
    char d[PATH_MAX], p[PATH_MAX + 320], head[256], *t = NULL;
    size_t len;

    out[0] = '\0';
    snprintf(d, sizeof d, "%s", dir);
    for (;;) {
        struct stat st;
        char *slash;
        snprintf(p, sizeof p, "%s/.git", d);
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            break;
        slash = strrchr(d, '/');
        if (slash == NULL || slash == d)
            return;
        *slash = '\0';
    }
    snprintf(p, sizeof p, "%s/.git/HEAD", d);
    if (pf_read_regular(p, O_NOFOLLOW, 255, &t, &len, head, sizeof head) != 0)
        return;
    snprintf(head, sizeof head, "%s", t);
    free(t);
    head[strcspn(head, "\n")] = '\0';
    if (strncmp(head, "ref: refs/", 10) == 0 &&
        strstr(head, "..") == NULL) {
        char ref[256];
        snprintf(ref, sizeof ref, "%s", head + 5);
        snprintf(p, sizeof p, "%s/.git/%s", d, ref);
        if (pf_read_regular(p, O_NOFOLLOW, 255, &t, &len, head,
                            sizeof head) != 0)
            return; /* a packed ref: say nothing rather than guess */
        snprintf(head, sizeof head, "%s", t);
        free(t);
        head[strcspn(head, "\n")] = '\0';
    }
    if (strlen(head) == 40 && strspn(head, "0123456789abcdef") == 40)
        snprintf(out, outlen, "%s", head);
}

/* approve --key FILE --cap USD --host ID [--ttl-s S] [PATH] */
static int cmd_approve(const opts *o)
{
    static pf_pack pk;
    char err[PATH_MAX + 700], commit[48];
    unsigned char pub[32], sig[64], rnd[16];
    const char *path = o->npaths ? o->paths[0] : "checks";
    const pf_approver *me = NULL;
    int64_t cents, now;
    pf_token t;
    pf_buf pay, tok;
    load_fn load;
    sign_fn sign;
    free_fn kfree;
    pf_sign_key *k;
    int rc = PF_EXIT_ERROR;

    if (o->key == NULL || o->cap == NULL || o->host == NULL)
        return usage_error("approve needs --key FILE, --cap USD and --host ID",
                           NULL);
    if (pf_parse_usd_cents(o->cap, &cents) != 0 || cents <= 0 ||
        cents > PF_NOTIONAL_HARD_MAX_CENTS)
        return usage_error("--cap must be a plain amount above 0 and at most "
                           "100000 (got '%s')", o->cap);
    if (!pf_name_ok(o->host, PF_HOST_ID_MAX))
        return usage_error("--host must be 1 to 64 of A-Z a-z 0-9 . _ @ - "
                           "(got '%s')", o->host);
    if (pf_pack_open(&pk, path, o->root, o->lib, err, sizeof err) != 0) {
        pf_term_error("approve: %s", err);
        return PF_EXIT_ERROR;
    }
    if (pk.lock_state != PF_LOCKST_MATCH) {
        pf_term_error("approve: refused: %s",
                      pk.lock_state == PF_LOCKST_NONE
                          ? "the pack has no preflight.lock"
                      : pk.lock_state == PF_LOCKST_DIFF
                          ? "the pack does not match its lock "
                            "(preflight lock --check)"
                          : pk.lock_err);
        rc = PF_EXIT_REFUSED;
        goto out;
    }
    load = (load_fn)pf_plugin_function("pf_sign_load", err, sizeof err);
    sign = (sign_fn)pf_plugin_function("pf_sign", err, sizeof err);
    kfree = (free_fn)pf_plugin_function("pf_sign_free", err, sizeof err);
    if (load == NULL || sign == NULL || kfree == NULL) {
        pf_term_error("approve: %s", err);
        goto out;
    }
    k = load(o->key, getenv("PREFLIGHT_KEY_PASSPHRASE"), pub, err,
             sizeof err);
    if (k == NULL) {
        pf_term_error("approve: %s", err);
        goto out;
    }
    for (size_t i = 0; i < pk.approvers.n; i++)
        if (memcmp(pk.approvers.a[i].key, pub, 32) == 0)
            me = &pk.approvers.a[i];
    if (me == NULL) {
        kfree(k);
        pf_term_error("approve: refused: this key is not listed in %s/"
                      "approvers%s", pk.dir,
                      pk.approvers_state < 0 ? " (which cannot be read)" : "");
        rc = PF_EXIT_REFUSED;
        goto out;
    }
    if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
        kfree(k);
        pf_term_error("approve: no random bytes: %s", strerror(errno));
        goto out;
    }
    memset(&t, 0, sizeof t);
    snprintf(t.pack, sizeof t.pack, "%s", pk.digest);
    cents_text(cents, t.cap, sizeof t.cap);
    snprintf(t.host, sizeof t.host, "%s", o->host);
    now = pf_utc_now_ms() / 1000;
    t.iat = now;
    t.exp = now + (o->ttl_s > 0 ? o->ttl_s : PF_APPROVAL_MAX_TTL_S);
    snprintf(t.approver, sizeof t.approver, "%s", me->name);
    memcpy(t.kid, me->kid, sizeof t.kid);
    for (size_t i = 0; i < sizeof rnd; i++)
        snprintf(t.nonce + 2 * i, 3, "%02x", rnd[i]);
    pf_buf_init(&pay);
    pf_buf_init(&tok);
    pf_token_payload(&t, &pay);
    if (pay.oom || sign(k, (const unsigned char *)pay.data, pay.len, sig) != 0) {
        kfree(k);
        pf_buf_free(&pay);
        pf_term_error("approve: signing failed");
        goto out;
    }
    kfree(k);
    pf_token_encode((const unsigned char *)pay.data, pay.len, sig, &tok);
    pf_buf_free(&pay);
    git_commit(pk.dir, commit, sizeof commit);
    fprintf(stderr, "preflight: approving pack digest %s%s%s\n"
                    "preflight: as %s (key %s), cap %s USD, host %s, "
                    "valid %lld s\n",
            pk.digest, commit[0] ? " at git commit " : "", commit, me->name,
            me->kid, t.cap, t.host, (long long)(t.exp - t.iat));
    if (tok.oom) {
        pf_term_error("approve: out of memory");
    } else {
        char what[320];
        /* recorded first: no record, no token. The nonce is not recorded
         * here: a recorded nonce reads as used */
        snprintf(what, sizeof what, "approved by %s: cap %s USD, host %s, "
                                    "%lld s", me->name, t.cap, t.host,
                 (long long)(t.exp - t.iat));
        if (audit_command(&pk, "approve", "approved", 0, me->kid, what) == 0) {
            printf("%s\n", tok.data);
            rc = fflush(stdout) == 0 ? PF_EXIT_PASS : PF_EXIT_ERROR;
        }
    }
    pf_buf_free(&tok);
out:
    pf_pack_free(&pk);
    return rc;
}

/* After "audit log intact: FILE": when FILE is a rotated log, say that
 * its first line links to a previous file, and the hash it carries. */
static void audit_link_note(const char *path)
{
    pf_audit_chain c;
    char err[PATH_MAX + 300];

    if (pf_audit_verify_chain(path, &c, err, sizeof err) != 0 || !c.linked)
        return;
    printf("its first line (seq %lld) links to a previous file: that "
           "file's last line has sha256 %s; verify both in order: "
           "preflight audit verify PREVIOUS ",
           (long long)c.first_seq, c.first_prev);
    pf_term_put(stdout, path);
    putchar('\n');
}

/* audit verify FILE FILE...: each file's chain, and each file's first line
 * linked to the last line of the file before it (a rotation). 0 intact, 1
 * broken (the first bad file and line named), 2 unreadable. */
static int audit_verify_files(char *const *paths, size_t n)
{
    pf_audit_chain prev, c;
    char err[PATH_MAX + 300];
    size_t total = 0;
    int rc = 0;

    memset(&prev, 0, sizeof prev);
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = pf_audit_verify_chain(paths[i], &c, err, sizeof err);
        if (rc == 0 && i > 0 &&
            (!c.linked || strcmp(c.first_prev, prev.last_hash) != 0 ||
             c.first_seq != prev.last_seq + 1)) {
            snprintf(err, sizeof err, "line 1: %s the previous file",
                     !c.linked ? "is not a rotation record linking to"
                     : c.first_seq != prev.last_seq + 1
                         ? "seq does not follow the last seq of"
                         : "prev is not the hash of the last line of");
            rc = 1;
            c.nlines = 0; /* its first line is the bad one */
        }
        if (rc == 1) {
            fputs("audit log BROKEN: ", stdout);
            pf_term_put(stdout, paths[i]);
            fputs(": ", stdout);
            pf_term_put(stdout, err);
            printf("\n(the %zu record%s before it chain correctly)\n",
                   total + c.nlines, total + c.nlines == 1 ? "" : "s");
        } else if (rc != 0) {
            pf_term_error("audit: %s", err);
        }
        total += c.nlines;
        prev = c;
    }
    if (rc == 0) {
        printf("audit logs intact and chained: %zu files, %zu record%s\n", n,
               total, total == 1 ? "" : "s");
        audit_link_note(paths[0]);
    }
    return fflush(stdout) == 0 ? rc : PF_EXIT_ERROR;
}

/* audit rotate FILE: a new file whose first line carries the old file's
 * last line hash (pf_audit_rotate). 0 rotated, 1 not (broken chain,
 * empty), 2 unreadable or not written. */
static int audit_rotate(const char *path)
{
    char host[PF_HOST_ID_MAX + 1], archive[PATH_MAX + 64], hash[65];
    char err[PATH_MAX + 600];
    pf_audit_chain old;

    host_id(host, sizeof host);
    int rc = pf_audit_rotate(path, host, pf_utc_now_ms(), archive,
                             sizeof archive, &old, hash, err, sizeof err);

    if (rc != 0) {
        pf_term_error("audit rotate: %s", err);
        return rc == 1 ? PF_EXIT_FAIL : PF_EXIT_ERROR;
    }
    fputs("rotated: ", stdout);
    pf_term_put(stdout, path);
    fputs(" -> ", stdout);
    pf_term_put(stdout, archive);
    printf(" (seq %lld-%lld, last line sha256 %s)\n", (long long)old.first_seq,
           (long long)old.last_seq, old.last_hash);
    fputs("new log: ", stdout);
    pf_term_put(stdout, path);
    printf(" starts at seq %lld with a rotate record linked to it\n",
           (long long)old.last_seq + 1);
    return fflush(stdout) == 0 ? PF_EXIT_PASS : PF_EXIT_ERROR;
}

/* audit verify|show|rotate [FILE] */
static int cmd_audit(const opts *o)
{
    static pf_pack pk;
    char path[PATH_MAX], err[PATH_MAX + 300];
    struct stat st;
    size_t n = 0;
    pf_buf b;
    int rc, json = strcmp(o->format, "json") == 0;

    if (strcmp(o->format, "text") != 0 && !json)
        return usage_error("audit show --format must be text or json (got "
                           "'%s')", o->format);
    if (o->npaths) {
        snprintf(path, sizeof path, "%s", o->paths[0]);
    } else if (stat("checks", &st) == 0 && S_ISDIR(st.st_mode) &&
               pf_pack_open_for(&pk, "checks", NULL, NULL, 0, err,
                                sizeof err) == 0) {
        snprintf(path, sizeof path, "%s", pk.audit);
        pf_pack_free(&pk);
    } else {
        snprintf(path, sizeof path, "%s", PF_AUDIT_DEFAULT);
    }
    if (o->audit_rotate)
        return audit_rotate(path);
    if (!o->audit_show && o->npaths > 1)
        return audit_verify_files(o->paths, o->npaths);
    if (!o->audit_show) {
        rc = pf_audit_verify(path, &n, err, sizeof err);
        if (rc == 0) {
            fputs("audit log intact: ", stdout);
            pf_term_put(stdout, path);
            printf(" (%zu record%s)\n", n, n == 1 ? "" : "s");
            audit_link_note(path);
        } else if (rc == 1) {
            fputs("audit log BROKEN: ", stdout);
            pf_term_put(stdout, path);
            fputs(": ", stdout);
            pf_term_put(stdout, err);
            printf("\n(the %zu record%s before it chain correctly)\n", n,
                   n == 1 ? "" : "s");
        } else {
            pf_term_error("audit: %s", err);
        }
        return fflush(stdout) == 0 ? rc : PF_EXIT_ERROR;
    }
    pf_buf_init(&b);
    rc = pf_audit_show(path, o->last ? (size_t)o->last : 20, json, &b, err,
                       sizeof err);
    if (rc != 0)
        pf_term_error("audit: %s", err);
    pf_term_put_lines(stdout, b.data); /* each record, terminal-safe */
    pf_buf_free(&b);
    return fflush(stdout) == 0 ? rc : PF_EXIT_ERROR;
}

/* verify EVIDENCE --pubkey FILE --require pass|armed [--max-age-s S]
 * [--host ID] (8.9): exit 0 only when every rule holds, 1 listing every
 * reason, 2 when an input cannot be read. */
static int cmd_verify(const opts *o)
{
    char sigpath[PATH_MAX + 8], err[PATH_MAX + 300], v[128], why[1600] = "";
    char *doc = NULL, *sigtext = NULL, *keytext = NULL;
    size_t dlen = 0, slen = 0, klen = 0, nwhy = 0;
    static pf_approvers key;
    unsigned char sig[64];
    int64_t fin, now = pf_utc_now_ms();
    long max_age = o->max_age_s > 0 ? o->max_age_s : 600;
    pf_verify_fn verify;
    int rc = PF_EXIT_ERROR, started;

#define WHY(...)                                                               \
    do {                                                                       \
        size_t at_ = strlen(why);                                              \
        snprintf(why + at_, sizeof why - at_, "  - " __VA_ARGS__);             \
        at_ = strlen(why);                                                     \
        snprintf(why + at_, sizeof why - at_, "\n");                           \
        nwhy++;                                                                \
    } while (0)
    if (o->npaths != 1 || o->pubkey == NULL || o->require == NULL)
        return usage_error("verify needs EVIDENCE, --pubkey FILE and "
                           "--require pass|armed", NULL);
    if (pf_read_regular(o->pubkey, 0, 4096, &keytext, &klen, err,
                        sizeof err) != 0 ||
        pf_approvers_parse(keytext, klen, &key, err, sizeof err) != 0 ||
        key.n != 1) {
        pf_term_error("verify: --pubkey %s: %s", o->pubkey,
                      key.n != 1 && err[0] == '\0'
                          ? "want one line \"ed25519 BASE64 NAME\""
                          : err);
        goto out;
    }
    if (pf_read_regular(o->paths[0], 0, 256u << 20, &doc, &dlen, err,
                        sizeof err) != 0) {
        pf_term_error("verify: %s", err);
        goto out;
    }
    verify = (pf_verify_fn)pf_plugin_function("pf_sign_verify", err,
                                              sizeof err);
    if (verify == NULL) {
        pf_term_error("verify: %s", err);
        goto out;
    }
    snprintf(sigpath, sizeof sigpath, "%s.sig", o->paths[0]);
    if (pf_read_regular(sigpath, 0, 1024, &sigtext, &slen, err,
                        sizeof err) != 0)
        WHY("no signature: %.300s", err);
    else if (pf_sig_decode(sigtext, slen, sig) != 0)
        WHY("%.300s is not one base64 Ed25519 signature", sigpath);
    else if (verify(key.a[0].key, (const unsigned char *)doc, dlen, sig) != 1)
        WHY("the signature is not valid for key %s (%s): another key, or "
            "the document changed", key.a[0].kid, key.a[0].name);
    pf_json_field(doc, dlen, "finished_at", v, sizeof v);
    if (pf_parse_arm_at(v, &fin) != 0)
        WHY("finished_at is missing or not a UTC time");
    else if (fin > now + 1000)
        WHY("finished_at %s is in the future", v);
    else if (now - fin > (int64_t)max_age * 1000)
        WHY("finished_at %s is %lld s ago (at most %ld)", v,
            (long long)((now - fin) / 1000), max_age);
    pf_json_field(doc, dlen, "verdict", v, sizeof v);
    if (strcmp(v, "pass") != 0)
        WHY("verdict is %s, not pass", v);
    pf_json_field(doc, dlen, "started", v, sizeof v);
    started = strcmp(v, "true") == 0;
    pf_json_field(doc, dlen, "exit_code", v, sizeof v);
    if (!(strcmp(v, "0") == 0 || (started && strcmp(v, "-") == 0)))
        WHY("exit_code is %s, not 0", v);
    if (strcmp(o->require, "armed") == 0) {
        pf_json_field(doc, dlen, "state", v, sizeof v);
        if (strcmp(v, "armed") != 0)
            WHY("arming state is %s, not armed", v);
    }
    pf_json_field(doc, dlen, "guard", v, sizeof v);
    if (strcmp(v, "-") != 0) {
        pf_json_field(doc, dlen, "stop", v, sizeof v);
        if (strcmp(v, "-") != 0)
            WHY("this is a stop document: COMMAND has already ended");
    }
    if (o->host != NULL) {
        pf_json_field(doc, dlen, "host_id", v, sizeof v);
        if (strcmp(v, o->host) != 0)
            WHY("host id is %s, not %s", v, o->host);
    }
#undef WHY
    if (nwhy == 0) {
        fputs("evidence verified: ", stdout);
        pf_term_put(stdout, o->paths[0]);
        printf(" (signed by %s, key %s; %s)\n", key.a[0].name, key.a[0].kid,
               o->require);
        rc = PF_EXIT_PASS;
    } else {
        fputs("evidence NOT verified: ", stdout);
        pf_term_put(stdout, o->paths[0]);
        putchar('\n');
        pf_term_put_lines(stdout, why);
        rc = PF_EXIT_FAIL;
    }
    if (fflush(stdout) != 0)
        rc = PF_EXIT_ERROR;
out:
    free(doc);
    free(sigtext);
    free(keytext);
    return rc;
}

/* The options before the command: only the table's global ones (--color,
 * --quiet, --help, ...), kept in *globals to be parsed as if they
 * followed the command; -V/--version prints the version at once.
 * Returns the index of the command word, or -1 after a usage error or
 * the version (*rc set). */
static int parse_globals(int argc, char **argv, char **globals,
                         size_t *nglobals, int *rc)
{
    int i;

    *rc = PF_EXIT_ERROR;
    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        const char *a = argv[i];
        size_t nl = strcspn(a, "=");
        int known;
        const pf_cli_opt *row = pf_cli_option(a, nl, -1, &known);

        if (strcmp(a, "--") == 0)
            break;
        if (row == NULL || !row->global) {
            if (known)
                usage_error("'%s' goes after the command (preflight COMMAND "
                            "OPTIONS)", a);
            else
                usage_hint("unknown option '%s'", a,
                           pf_cli_suggest_option(a, nl, -1));
            return -1;
        }
        if (strcmp(row->name, "--version") == 0) {
            printf("%s %s\n", PF_NAME, PF_VERSION);
            *rc = fflush(stdout) == 0 ? 0 : PF_EXIT_ERROR;
            return -1;
        }
        globals[(*nglobals)++] = argv[i];
        if (row->arg != NULL && a[nl] != '=') {
            if (i + 1 >= argc) {
                usage_error("option '%s' needs a value", a);
                return -1;
            }
            globals[(*nglobals)++] = argv[++i];
        }
    }
    return i;
}

int main(int argc, char **argv)
{
    opts o;
    const char *cmd;
    const pf_cli_cmd *c;
    char **args = NULL;
    size_t nargs = 0;
    int rc, at;

    memset(&o, 0, sizeof o);
    o.format = "text";
    o.jobs = PF_DEFAULT_JOBS;
    o.timeout_ms = PF_DEFAULT_TIMEOUT_MS;
    o.run_timeout_ms = PF_DEFAULT_RUN_TIMEOUT_MS;
    o.memory_mb = PF_DEFAULT_MEMORY_MB;
    /* the arguments parse_opts sees: the global options given before the
     * command, then those after it; NULL-ended (exec's COMMAND is a tail
     * of it) */
    args = calloc((size_t)argc + 1, sizeof *args);
    if (args == NULL) {
        fprintf(stderr, "preflight: out of memory\n");
        return PF_EXIT_ERROR;
    }
    at = parse_globals(argc, argv, args, &nargs, &rc);
    if (at < 0)
        goto out;
    if (at >= argc) {
        for (size_t i = 0; i < nargs; i++)
            if (strcmp(args[i], "--help") == 0 || strcmp(args[i], "-h") == 0) {
                pf_cli_help(stdout, -1);
                rc = fflush(stdout) == 0 ? 0 : PF_EXIT_ERROR;
                goto out;
            }
        rc = usage_error("a COMMAND is needed", NULL);
        goto out;
    }
    cmd = argv[at];
    c = pf_cli_command(cmd);
    if (c == NULL) {
        rc = usage_hint("unknown command '%s'", cmd,
                        pf_cli_suggest_command(cmd));
        goto out;
    }
    o.cmd = pf_cli_command_id(c);
    o.cmdname = c->name;
    if (o.cmd == PF_CMD_VERSION) {
        printf("%s %s\n", PF_NAME, PF_VERSION);
        rc = fflush(stdout) == 0 ? 0 : PF_EXIT_ERROR;
        goto out;
    }
    if (o.cmd == PF_CMD_HELP) {
        const pf_cli_cmd *h = at + 1 < argc ? pf_cli_command(argv[at + 1])
                                            : NULL;
        if (argc - at > 2)
            rc = usage_error("help takes at most one COMMAND", NULL);
        else if (at + 1 < argc && h == NULL)
            rc = usage_hint("no help for '%s': not a command", argv[at + 1],
                            pf_cli_suggest_command(argv[at + 1]));
        else {
            pf_cli_help(stdout, h ? pf_cli_command_id(h) : -1);
            rc = fflush(stdout) == 0 ? 0 : PF_EXIT_ERROR;
        }
        goto out;
    }
    if (o.cmd == PF_CMD_COMPLETION) {
        if (argc - at != 2 || strcmp(argv[at + 1], "bash") != 0) {
            rc = usage_error("completion takes one SHELL: bash", NULL);
            goto out;
        }
        pf_cli_completion_bash(stdout);
        rc = fflush(stdout) == 0 ? 0 : PF_EXIT_ERROR;
        goto out;
    }
    if (o.cmd == CMD_AUDIT) {
        if (at + 1 >= argc || (strcmp(argv[at + 1], "verify") != 0 &&
                               strcmp(argv[at + 1], "show") != 0 &&
                               strcmp(argv[at + 1], "rotate") != 0)) {
            rc = usage_error("audit needs verify, show or rotate "
                             "(preflight audit verify [FILE...] | show "
                             "[FILE] | rotate [FILE])", NULL);
            goto out;
        }
        o.audit_show = strcmp(argv[at + 1], "show") == 0;
        o.audit_rotate = strcmp(argv[at + 1], "rotate") == 0;
        at++; /* the subcommand is not an operand */
    }
    for (int i = at + 1; i < argc; i++)
        args[nargs++] = argv[i];
    if (parse_opts((int)nargs, args, &o) != 0) {
        rc = PF_EXIT_ERROR;
        goto out;
    }
    if (o.cmd != CMD_KILL && o.cmd != CMD_LOCK && o.cmd != CMD_KEYGEN &&
        o.cmd != CMD_APPROVE && o.cmd != CMD_AUDIT && o.cmd != CMD_VERIFY)
        pf_signals_install(); /* a signal ends the run with whole evidence */
    switch (o.cmd) {
    case CMD_LIST: rc = cmd_list(&o); break;
    case CMD_KILL: rc = cmd_kill(&o); break;
    case CMD_LOCK: rc = cmd_lock(&o); break;
    case CMD_KEYGEN: rc = cmd_keygen(&o); break;
    case CMD_APPROVE: rc = cmd_approve(&o); break;
    case CMD_AUDIT: rc = cmd_audit(&o); break;
    case CMD_VERIFY: rc = cmd_verify(&o); break;
    default: rc = cmd_checks(&o); break;
    }
out:
    free(o.paths);
    free(o.tags);
    free(o.secrets);
    free(o.reports);
    free(o.metric_labels);
    free(args);
    return rc;
}
