/*
 * test_runner.c: the parent fails closed whatever a worker does.
 *
 * Each test forks a pool whose workers run a misbehaving stand-in (the
 * runner's worker_main seam) and asserts the check ends as an error with
 * the right reason: garbage, two results, exit without a result, a crash,
 * silence past the deadline, an oversized frame, a forged pass with a bad
 * id. A well-behaved stand-in passes, so each test can fail. Discovery is
 * tested on a temporary folder.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proto.h"
#include "runner.h"
#include "sandbox.h"

static int read_job(int fd, pf_job *j)
{
    unsigned char b[16];
    size_t got = 0;

    while (got < sizeof b) {
        ssize_t r = read(fd, b + got, sizeof b - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    pf_job_unpack(b, j);
    return 0;
}

static void send_buf(int fd, pf_buf *b)
{
    if (write(fd, b->data, b->len) != (ssize_t)b->len)
        _exit(9);
    pf_buf_free(b);
}

static void good_result(pf_buf *b, const char *id, pf_status st,
                        uint32_t index)
{
    pf_check c;

    memset(&c, 0, sizeof c);
    c.has_job_index = 1;
    c.job_index = index;
    c.id = (char *)id;
    c.title = (char *)"t";
    c.status = st;
    c.message = (char *)"fine";
    pf_proto_result(b, &c);
}

/* Stand-in workers: each serves one job its own way. */
#define FAKE(name, ...)                                                        \
    static void name(const pf_worker_config *cfg, const pf_check *checks,     \
                     size_t n, int jfd, int rfd)                               \
    {                                                                          \
        pf_job j;                                                              \
        pf_buf b;                                                              \
        (void)cfg, (void)checks, (void)n;                                      \
        pf_buf_init(&b);                                                       \
        while (read_job(jfd, &j) == 0) {                                       \
            __VA_ARGS__                                                        \
        }                                                                      \
        _exit(0);                                                              \
    }

FAKE(fake_good, good_result(&b, "ok.check", PF_STATUS_PASS, j.index); send_buf(rfd, &b);)
FAKE(fake_garbage, pf_buf_adds(&b, "hello parent"); send_buf(rfd, &b);)
FAKE(fake_two, good_result(&b, "a.b", PF_STATUS_PASS, j.index);
     good_result(&b, "a.b", PF_STATUS_PASS, j.index); send_buf(rfd, &b);)
FAKE(fake_exit, (void)rfd; _exit(0);)
FAKE(fake_segv, (void)rfd; signal(SIGSEGV, SIG_DFL); raise(SIGSEGV);)
FAKE(fake_silent, (void)rfd; pause();)
FAKE(fake_start_then_exit, pf_proto_start(&b, 100, "x.y"); send_buf(rfd, &b);
     _exit(1);)
/* a check whose id is a secret: named in START, then no result */
FAKE(fake_secret_start_then_segv,
     pf_proto_start(&b, 100, "sec.r3t-id-42"); send_buf(rfd, &b);
     signal(SIGSEGV, SIG_DFL); raise(SIGSEGV);)
FAKE(fake_secret_start_then_silent,
     pf_proto_start(&b, 100, "sec.r3t-id-42"); send_buf(rfd, &b); pause();)
FAKE(fake_wrong_index,
     good_result(&b, "a.b", PF_STATUS_PASS, j.index + 1); send_buf(rfd, &b);)
FAKE(fake_no_index, {
    pf_check c;
    memset(&c, 0, sizeof c);
    c.id = (char *)"a.b";
    c.title = (char *)"t";
    c.status = PF_STATUS_PASS;
    c.message = (char *)"no index";
    pf_proto_result(&b, &c);
    send_buf(rfd, &b);
})
/* "not-selected" is the parent's word: a worker cannot hide a check */
FAKE(fake_not_selected,
     good_result(&b, "a.b", PF_STATUS_NOT_SELECTED, j.index);
     send_buf(rfd, &b);)
/* serves one job, then dies: a job queued behind it must run elsewhere */
FAKE(fake_one_then_exit, good_result(&b, "a.b", PF_STATUS_PASS, j.index);
     send_buf(rfd, &b); _exit(0);)
FAKE(fake_bad_id, {
    pf_check c;
    memset(&c, 0, sizeof c);
    c.has_job_index = 1;
    c.job_index = j.index;
    c.id = (char *)"Not-Valid";
    c.title = (char *)"t";
    c.status = PF_STATUS_PASS;
    c.message = (char *)"forged";
    pf_proto_result(&b, &c);
    send_buf(rfd, &b);
})
FAKE(fake_huge, {
    unsigned char h[8] = {'P', 'F', 'R', 0, 0xff, 0xff, 0xff, 0x00};
    pf_buf_add(&b, h, 8);
    send_buf(rfd, &b);
})
FAKE(fake_truncated, {
    good_result(&b, "a.b", PF_STATUS_PASS, j.index);
    b.len -= 3;
    send_buf(rfd, &b);
    _exit(0);
})
FAKE(fake_pass_with_reason, {
    pf_check c;
    memset(&c, 0, sizeof c);
    c.id = (char *)"a.b";
    c.title = (char *)"t";
    c.has_job_index = 1;
    c.job_index = j.index;
    c.status = PF_STATUS_PASS;
    c.reason = PF_REASON_TIMEOUT;
    c.message = (char *)"x";
    pf_proto_result(&b, &c);
    send_buf(rfd, &b);
})

typedef struct {
    const char *name;
    void (*fake)(const pf_worker_config *, const pf_check *, size_t, int, int);
    pf_status status;
    pf_reason reason;
    const char *needle; /* substring of the message */
} fake_row;

static const fake_row fake_rows[] = {
    {"good", fake_good, PF_STATUS_PASS, PF_REASON_NONE, "fine"},
    {"garbage", fake_garbage, PF_STATUS_ERROR, PF_REASON_CONTRACT, "malformed"},
    {"two results", fake_two, PF_STATUS_ERROR, PF_REASON_CONTRACT,
     "more than one"},
    {"exit", fake_exit, PF_STATUS_ERROR, PF_REASON_CRASH, "exited"},
    {"segv", fake_segv, PF_STATUS_ERROR, PF_REASON_CRASH, "signal 11"},
    {"silent", fake_silent, PF_STATUS_ERROR, PF_REASON_TIMEOUT, "timeout"},
    {"start then exit", fake_start_then_exit, PF_STATUS_ERROR,
     PF_REASON_CRASH, "status 1"},
    {"bad id", fake_bad_id, PF_STATUS_ERROR, PF_REASON_CONTRACT, "malformed"},
    {"wrong job index", fake_wrong_index, PF_STATUS_ERROR, PF_REASON_CONTRACT,
     "another job"},
    {"no job index", fake_no_index, PF_STATUS_ERROR, PF_REASON_CONTRACT,
     "another job"},
    {"huge frame", fake_huge, PF_STATUS_ERROR, PF_REASON_CONTRACT, "malformed"},
    {"truncated", fake_truncated, PF_STATUS_ERROR, PF_REASON_CRASH, "exited"},
    {"pass with reason", fake_pass_with_reason, PF_STATUS_ERROR,
     PF_REASON_CONTRACT, "reason"},
    {"forged not-selected", fake_not_selected, PF_STATUS_ERROR,
     PF_REASON_CONTRACT, "left out a check the run selected"},
};

static void base_config(pf_run_config *cfg)
{
    pf_run_config_init(cfg);
    cfg->timeout_ms = 300;
    cfg->run_timeout_ms = 10000;
    cfg->jobs = 2;
    cfg->sb.root = "/";
}

static void test_runner_fake_workers(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof fake_rows / sizeof fake_rows[0]; i++) {
        const fake_row *row = &fake_rows[i];
        pf_run_config cfg;
        pf_check c;

        base_config(&cfg);
        cfg.worker_main = row->fake;
        memset(&c, 0, sizeof c);
        c.file = (char *)"fake.lua";
        assert_int_equal(pf_run(&cfg, &c, 1, PF_JOB_RUN), 0);
        if (c.status != row->status || c.reason != row->reason ||
            c.message == NULL || strstr(c.message, row->needle) == NULL)
            fail_msg("row %s: status %d reason %d message %s", row->name,
                     c.status, c.reason, c.message ? c.message : "(null)");
        /* the check's own deadline ended it, never the run's (a bound,
         * not a timing: a busy machine may be slow) */
        if (strstr(c.message, "run deadline") != NULL)
            fail_msg("row %s: ended by the run deadline", row->name);
        pf_check_clear(&c);
    }
}

/* With --tag x a check without that tag is left out by the parent's
 * selection: a worker that ran it anyway (or says it was left out when
 * the run selected it) ends in a contract error, never a pass. */
static void test_runner_parent_decides_selection(void **state)
{
    char *tags[] = {(char *)"x"};
    pf_run_config cfg;
    pf_check c;

    (void)state;
    base_config(&cfg);
    cfg.tags = tags;
    cfg.ntags = 1;
    cfg.worker_main = fake_good; /* "ok.check", no tags, a pass */
    memset(&c, 0, sizeof c);
    c.file = (char *)"fake.lua";
    assert_int_equal(pf_run(&cfg, &c, 1, PF_JOB_RUN), 0);
    assert_int_equal(c.status, PF_STATUS_ERROR);
    assert_int_equal(c.reason, PF_REASON_CONTRACT);
    assert_non_null(strstr(c.message, "ran a check the run left out"));
    pf_check_clear(&c);
    /* and the same worker's "not-selected" now stands */
    cfg.worker_main = fake_not_selected;
    memset(&c, 0, sizeof c);
    c.file = (char *)"fake.lua";
    assert_int_equal(pf_run(&cfg, &c, 1, PF_JOB_RUN), 0);
    assert_int_equal(c.status, PF_STATUS_NOT_SELECTED);
    pf_check_clear(&c);
}

/* The id a worker named in START is the check's own text: when the
 * worker then crashes or is killed at its deadline, it is masked like any
 * result (it was reported whole). */
static void test_runner_masks_killed_and_crashed(void **state)
{
    void (*fakes[])(const pf_worker_config *, const pf_check *, size_t, int,
                    int) = {fake_secret_start_then_segv,
                            fake_secret_start_then_silent};
    pf_redactor red;
    size_t f;

    (void)state;
    pf_redactor_init(&red);
    assert_int_equal(pf_redactor_add(&red, "r3t-id"), 0);
    for (f = 0; f < 2; f++) {
        pf_run_config cfg;
        pf_check c;
        base_config(&cfg);
        cfg.timeout_ms = 300;
        cfg.redactor = &red;
        cfg.worker_main = fakes[f];
        memset(&c, 0, sizeof c);
        c.file = (char *)"fake.lua";
        assert_int_equal(pf_run(&cfg, &c, 1, PF_JOB_RUN), 0);
        assert_int_equal(c.status, PF_STATUS_ERROR);
        assert_int_equal(c.reason, f == 0 ? PF_REASON_CRASH : PF_REASON_TIMEOUT);
        assert_non_null(c.id);
        assert_string_equal(c.id, "sec.***-42");
        pf_check_clear(&c);
    }
    pf_redactor_free(&red);
}

/* Many checks through a misbehaving pool: every one is an error, none is
 * lost, and the pool replaces the dead workers. */
static void test_runner_every_check_accounted(void **state)
{
    pf_run_config cfg;
    pf_check cs[20];
    size_t i;

    (void)state;
    base_config(&cfg);
    cfg.worker_main = fake_exit;
    memset(cs, 0, sizeof cs);
    for (i = 0; i < 20; i++)
        cs[i].file = (char *)"fake.lua";
    assert_int_equal(pf_run(&cfg, cs, 20, PF_JOB_RUN), 0);
    for (i = 0; i < 20; i++) {
        assert_int_equal(cs[i].status, PF_STATUS_ERROR);
        assert_int_equal(cs[i].reason, PF_REASON_CRASH);
        pf_check_clear(&cs[i]);
    }
}

/* Many quick checks: the runner queues jobs behind busy workers. With
 * workers that serve well every check passes exactly once. With workers
 * that die after one job (a queued job then dies with them, before it
 * started) no check is lost or left unreported, most pass on their
 * second try, and none passes without a result. */
static void test_runner_queued_jobs(void **state)
{
    enum { N = 200 };
    void (*fakes[])(const pf_worker_config *, const pf_check *, size_t, int,
                    int) = {fake_good, fake_one_then_exit};
    size_t f, i, passed;

    (void)state;
    for (f = 0; f < 2; f++) {
        pf_run_config cfg;
        pf_check *cs = calloc(N, sizeof *cs);
        assert_non_null(cs);
        base_config(&cfg);
        cfg.worker_main = fakes[f];
        for (i = 0; i < N; i++)
            cs[i].file = (char *)"fake.lua";
        assert_int_equal(pf_run(&cfg, cs, N, PF_JOB_RUN), 0);
        for (i = passed = 0; i < N; i++) {
            int ok = cs[i].status == PF_STATUS_PASS;
            int crash = cs[i].status == PF_STATUS_ERROR &&
                        cs[i].reason == PF_REASON_CRASH;
            passed += (size_t)ok;
            if (f == 0 ? !ok : !(ok || crash))
                fail_msg("fake %zu, check %zu: %s %s", f, i,
                         pf_status_name(cs[i].status),
                         cs[i].message ? cs[i].message : "");
            pf_check_clear(&cs[i]);
        }
        if (f == 1 && passed < N / 2)
            fail_msg("only %zu of %d passed on a retry", passed, N);
        free(cs);
    }
}

static void touch(const char *dir, const char *name, const char *text)
{
    char p[1024];
    FILE *f;

    snprintf(p, sizeof p, "%s/%s", dir, name);
    f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_discover_sorted_not_recursive(void **state)
{
    char dir[] = "/tmp/pf_disc_XXXXXX", sub[600];
    pf_check *cs = NULL;
    size_t n = 0, nm = 0;
    char **man = NULL, err[256];
    char *paths[1];

    (void)state;
    assert_non_null(mkdtemp(dir));
    touch(dir, "b.lua", "");
    touch(dir, "a.lua", "");
    touch(dir, "Z.lua", "");
    touch(dir, "notes.txt", "");
    touch(dir, ".hidden.lua", "");
    touch(dir, "manifest", "# required\na.id\n\nb.id\n");
    snprintf(sub, sizeof sub, "%s/sub", dir);
    mkdir(sub, 0755);
    touch(sub, "c.lua", "");
    paths[0] = dir;
    assert_int_equal(pf_discover(paths, 1, &cs, &n, &man, &nm, err,
                                 sizeof err), 0);
    assert_int_equal(n, 3);
    assert_non_null(strstr(cs[0].file, "/Z.lua"));
    assert_non_null(strstr(cs[1].file, "/a.lua"));
    assert_non_null(strstr(cs[2].file, "/b.lua"));
    assert_int_equal(nm, 2);
    assert_string_equal(man[0], "a.id");
    assert_string_equal(man[1], "b.id");
    pf_checks_free(cs, n);
    free(man[0]);
    free(man[1]);
    free(man);
}

static void test_discover_errors(void **state)
{
    char dir[] = "/tmp/pf_disc_XXXXXX";
    pf_check *cs = NULL;
    size_t n = 0, nm = 0;
    char **man = NULL, err[256];
    char *missing[] = {"/nonexistent/pf/folder"};
    char *paths[1];

    (void)state;
    assert_int_equal(pf_discover(missing, 1, &cs, &n, &man, &nm, err,
                                 sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/pf/folder"));
    assert_non_null(mkdtemp(dir));
    touch(dir, "a.lua", "");
    touch(dir, "manifest", "Bad Id\n");
    paths[0] = dir;
    assert_int_equal(pf_discover(paths, 1, &cs, &n, &man, &nm, err,
                                 sizeof err), -1);
    assert_non_null(strstr(err, "manifest line 1"));
    pf_checks_free(cs, n);
    for (size_t i = 0; i < nm; i++)
        free(man[i]);
    free(man);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runner_fake_workers),
        cmocka_unit_test(test_runner_parent_decides_selection),
        cmocka_unit_test(test_runner_masks_killed_and_crashed),
        cmocka_unit_test(test_runner_every_check_accounted),
        cmocka_unit_test(test_runner_queued_jobs),
        cmocka_unit_test(test_discover_sorted_not_recursive),
        cmocka_unit_test(test_discover_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
