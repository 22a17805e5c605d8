/*
 * test_audit.c: cmocka tests of the hash-chained audit log
 * (host/audit.c): appends and their chain, every way a log can be broken
 * (edited, reordered, a line removed, cut short), odd files (symlink,
 * FIFO), nonces, and twenty processes appending at once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "sha256.h"

static char dir[64], log_path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/pf_audit_XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(log_path, sizeof log_path, "%s/audit.jsonl", dir);
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static pf_audit_rec rec(const char *command, const char *nonce)
{
    static const char *nonces[1];
    static const char *keys[] = {"0123456789abcdef"};
    pf_audit_rec r;

    memset(&r, 0, sizeof r);
    r.command = command;
    r.outcome = "armed";
    r.host = "bot-1";
    r.pack = "5fb7b20fd6fd2d1916f75f13e9bbc5ba0beda4c4cd1fd1b4a2b7d3fa4fa1b0a0";
    r.now_ms = 1795747080000LL;
    if (nonce != NULL) {
        nonces[0] = nonce;
        r.nonces = nonces;
        r.nnonces = 1;
        r.key_ids = keys;
        r.nkeys = 1;
    }
    return r;
}

static void shell(const char *fmt, ...)
{
    char cmd[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    assert_int_equal(system(cmd), 0);
}

static void fresh(int n)
{
    int64_t seq;
    char err[300];

    unlink(log_path);
    for (int i = 0; i < n; i++) {
        pf_audit_rec r = rec("arm", NULL);
        assert_int_equal(pf_audit_append(log_path, &r, &seq, NULL, err,
                                         sizeof err),
                         0);
    }
}

static void test_audit_chain(void **state)
{
    pf_audit_rec r = rec("arm", "00112233445566778899aabbccddeeff");
    int64_t seq = 0;
    char err[300], hash[65], line[4096], want[65];
    size_t n = 0;
    FILE *f;

    (void)state;
    unlink(log_path);
    assert_int_equal(pf_audit_append(log_path, &r, &seq, hash, err, sizeof err),
                     0);
    assert_int_equal(seq, 1);
    r = rec("kill", NULL);
    assert_int_equal(pf_audit_append(log_path, &r, &seq, hash, err, sizeof err),
                     0);
    assert_int_equal(seq, 2);
    assert_int_equal(pf_audit_verify(log_path, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    /* the hash returned is sha256 of the line's bytes without newline */
    f = fopen(log_path, "r");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof line, f));
    assert_non_null(strstr(line, "\"prev\":\"" PF_AUDIT_ZERO "\"}\n"));
    assert_non_null(strstr(line, "{\"seq\":1,\"time\":\"2026-11-27T02:38:00.000Z\","
                                 "\"command\":\"arm\",\"euid\":"));
    assert_non_null(strstr(line, "\"nonces\":[\"00112233445566778899aabbccddeeff\"]"));
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    line[strlen(line) - 1] = '\0';
    pf_sha256_hex(line, strlen(line), want);
    assert_string_equal(hash, want);
    /* the nonce is found; another is not */
    assert_int_equal(pf_audit_nonce_seen(log_path,
                                         "00112233445566778899aabbccddeeff",
                                         err, sizeof err),
                     1);
    assert_int_equal(pf_audit_nonce_seen(log_path,
                                         "ffffffffffffffffffffffffffffffff",
                                         err, sizeof err),
                     0);
    /* a record with a nonce already in the log is refused: used once */
    r = rec("exec", "00112233445566778899aabbccddeeff");
    assert_int_equal(pf_audit_append(log_path, &r, &seq, hash, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "already recorded (replayed)"));
    assert_int_equal(pf_audit_verify(log_path, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
}

/* Twenty processes append a record with the same nonce at once: exactly
 * one is recorded. */
static void test_audit_nonce_race(void **state)
{
    char err[300];
    size_t n = 0;
    int status, ok = 0;

    (void)state;
    unlink(log_path);
    for (int i = 0; i < 20; i++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            pf_audit_rec r = rec("exec", "0123456789abcdef0123456789abcdef");
            int64_t seq;
            _exit(pf_audit_append(log_path, &r, &seq, NULL, err,
                                  sizeof err) == 0 ? 0 : 1);
        }
    }
    for (int i = 0; i < 20; i++) {
        assert_true(wait(&status) > 0);
        assert_true(WIFEXITED(status));
        ok += WEXITSTATUS(status) == 0;
    }
    assert_int_equal(ok, 1);
    assert_int_equal(pf_audit_verify(log_path, &n, err, sizeof err), 0);
    assert_int_equal(n, 1);
}

static void test_audit_broken(void **state)
{
    static const struct {
        const char *what, *edit, *err;
    } rows[] = {
        {"a byte changed in line 2", "sed -i '2s/\"arm\"/\"ARM\"/' %s",
         "line 3: prev is not the hash of line 2"},
        {"line 2 removed", "sed -i '2d' %s", "line 2: seq is not 2"},
        {"lines swapped", "sed -i '1{h;d};2{G}' %s", "line 1: seq is not 1"},
        {"last newline cut", "truncate -s -1 %s", "line 4 is not whole"},
        {"prev removed", "sed -i '4s/,\"prev\".*$/}/' %s",
         "line 4: no prev hash"},
        {"a line appended by hand", "echo '{\"seq\":5,\"x\":1}' >> %s",
         "line 5: no prev hash"},
    };
    char err[300];
    size_t n;

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fresh(4);
        shell(rows[i].edit, log_path);
        err[0] = '\0';
        if (pf_audit_verify(log_path, &n, err, sizeof err) != 1 ||
            strstr(err, rows[i].err) == NULL)
            fail_msg("row \"%s\": %s", rows[i].what, err);
    }
    /* an append to a log whose last line is cut is refused */
    fresh(2);
    shell("truncate -s -1 %s", log_path);
    {
        pf_audit_rec r = rec("arm", NULL);
        int64_t seq;
        assert_int_equal(pf_audit_append(log_path, &r, &seq, NULL, err,
                                         sizeof err),
                         -1);
        assert_non_null(strstr(err, "the last line is not whole"));
    }
}

static void test_audit_odd_files(void **state)
{
    pf_audit_rec r = rec("arm", NULL);
    char err[300], p[160];
    int64_t seq;
    size_t n;

    (void)state;
    snprintf(p, sizeof p, "%s/link.jsonl", dir);
    shell("ln -sf /etc/hostname %s", p);
    assert_int_equal(pf_audit_append(p, &r, &seq, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "symbolic link"));
    assert_int_equal(pf_audit_verify(p, &n, err, sizeof err), 2);
    assert_int_equal(pf_audit_nonce_seen(p, "00", err, sizeof err), -1);
    snprintf(p, sizeof p, "%s/fifo.jsonl", dir);
    shell("mkfifo %s", p);
    assert_int_equal(pf_audit_append(p, &r, &seq, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    assert_int_equal(pf_audit_verify(p, &n, err, sizeof err), 2);
    snprintf(p, sizeof p, "%s/none/audit.jsonl", dir);
    assert_int_equal(pf_audit_append(p, &r, &seq, NULL, err, sizeof err), -1);
    assert_int_equal(pf_audit_verify(p, &n, err, sizeof err), 2);
    assert_int_equal(pf_audit_nonce_seen(p, "00", err, sizeof err), 0);
}

/* Twenty processes append five records each at once: one chain of 100. */
static void test_audit_concurrent(void **state)
{
    char err[300];
    size_t n = 0;
    int status;

    (void)state;
    unlink(log_path);
    for (int i = 0; i < 20; i++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            for (int k = 0; k < 5; k++) {
                pf_audit_rec r = rec("exec", NULL);
                int64_t seq;
                if (pf_audit_append(log_path, &r, &seq, NULL, err,
                                    sizeof err) != 0)
                    _exit(1);
            }
            _exit(0);
        }
    }
    for (int i = 0; i < 20; i++) {
        assert_true(wait(&status) > 0);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    assert_int_equal(pf_audit_verify(log_path, &n, err, sizeof err), 0);
    assert_int_equal(n, 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit_chain),
        cmocka_unit_test(test_audit_broken),
        cmocka_unit_test(test_audit_odd_files),
        cmocka_unit_test(test_audit_concurrent),
        cmocka_unit_test(test_audit_nonce_race),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
