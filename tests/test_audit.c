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

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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
    /* several nonces in one pass: the one there is named */
    {
        const char *two[] = {"ffffffffffffffffffffffffffffffff",
                             "00112233445566778899aabbccddeeff"};
        size_t which = 9;
        char(*set)[33] = NULL;
        size_t nset = 0, found = 0;
        assert_int_equal(pf_audit_nonces_seen(log_path, two, 2, &which, err,
                                              sizeof err),
                         1);
        assert_int_equal(which, 1);
        assert_int_equal(pf_audit_nonces_seen(log_path, two, 1, &which, err,
                                              sizeof err),
                         0);
        /* and every quoted 32-byte string of the log, read once */
        assert_int_equal(pf_audit_nonces_all(log_path, &set, &nset, err,
                                             sizeof err),
                         0);
        for (size_t i = 0; i < nset; i++)
            found += strcmp(set[i], two[1]) == 0;
        assert_int_equal(found, 1);
        free(set);
        /* a torn log cannot be read: the caller counts every nonce seen */
        shell("truncate -s -1 %s", log_path);
        assert_int_equal(pf_audit_nonces_all(log_path, &set, &nset, err,
                                             sizeof err),
                         -1);
        assert_int_equal(pf_audit_nonces_seen(log_path, two, 1, &which, err,
                                              sizeof err),
                         -1);
        unlink(log_path);
        assert_int_equal(pf_audit_nonces_all(log_path, &set, &nset, err,
                                             sizeof err),
                         0);
        assert_int_equal(nset, 0);
    }
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
        /* the head cut off: line 1 no longer starts the chain */
        {"line 1 removed", "sed -i '1d' %s", "line 1: seq is not 1"},
        {"line 1 removed, seq renumbered", "sed -i '1d;s/\"seq\":2,/\"seq\""
         ":1,/' %s", "line 1: prev is not 64 zeros"},
        /* a rotation record is trusted as a first line only */
        {"line 1 removed, line 2 made a rotation record",
         "sed -i '1d;s/\"command\":\"arm\"/\"command\":\"rotate\"/' %s",
         "line 2: prev is not the hash of line 1"},
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

/* The log's files in chain order: the archives PATH.FIRST-LAST sorted by
 * FIRST, then PATH itself. Returns how many (paths malloc'd). */
static size_t chain_files(char **out, size_t max)
{
    long long first[64];
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;

    assert_non_null(d);
    while ((e = readdir(d)) != NULL && n + 1 < max) {
        long long a, b;
        if (sscanf(e->d_name, "audit.jsonl.%lld-%lld", &a, &b) != 2)
            continue;
        out[n] = malloc(400);
        snprintf(out[n], 400, "%s/%s", dir, e->d_name);
        first[n++] = a;
    }
    closedir(d);
    for (size_t i = 1; i < n; i++) { /* insertion sort by first seq */
        for (size_t j = i; j > 0 && first[j - 1] > first[j]; j--) {
            long long t = first[j];
            char *p = out[j];
            first[j] = first[j - 1];
            out[j] = out[j - 1];
            first[j - 1] = t;
            out[j - 1] = p;
        }
    }
    out[n] = malloc(256);
    snprintf(out[n], 256, "%s", log_path);
    return n + 1;
}

/* Verify files in order, each linked to the one before; the lines that
 * are not rotation records are counted. Returns 0 when all chain. */
static int verify_in_order(char **files, size_t n, size_t *records)
{
    pf_audit_chain prev, c;
    char err[300];

    *records = 0;
    memset(&prev, 0, sizeof prev);
    for (size_t i = 0; i < n; i++) {
        if (pf_audit_verify_chain(files[i], &c, err, sizeof err) != 0) {
            print_error("%s: %s\n", files[i], err);
            return -1;
        }
        if (i > 0 && (!c.linked || c.first_seq != prev.last_seq + 1 ||
                      strcmp(c.first_prev, prev.last_hash) != 0)) {
            print_error("%s does not link to %s\n", files[i], files[i - 1]);
            return -1;
        }
        if (i == 0 && c.linked)
            return -1;
        *records += c.nlines - (i > 0); /* the rotate line is not one */
        prev = c;
    }
    return 0;
}

/* Rotation keeps the chain: the archive is the old file, the new file's
 * first line is a rotate record carrying its last hash and next seq; an
 * empty, missing or broken log is not rotated. */
static void test_audit_rotate(void **state)
{
    pf_audit_chain old, c, a;
    char err[300], archive[256], hash[65], *files[4];
    size_t n;

    (void)state;
    fresh(3);
    assert_int_equal(pf_audit_verify_chain(log_path, &a, err, sizeof err), 0);
    assert_int_equal(pf_audit_rotate(log_path, "bot-1", 1795747080000LL,
                                     archive, sizeof archive, &old, hash, err,
                                     sizeof err),
                     0);
    assert_int_equal(old.first_seq, 1);
    assert_int_equal(old.last_seq, 3);
    assert_string_equal(old.last_hash, a.last_hash);
    /* the archive: the old file's three lines, intact */
    assert_non_null(strstr(archive, "audit.jsonl.1-3"));
    assert_int_equal(pf_audit_verify_chain(archive, &c, err, sizeof err), 0);
    assert_int_equal(c.nlines, 3);
    assert_string_equal(c.last_hash, a.last_hash);
    /* the new file alone: intact, linked, seq 4 */
    assert_int_equal(pf_audit_verify_chain(log_path, &c, err, sizeof err), 0);
    assert_int_equal(c.nlines, 1);
    assert_true(c.linked);
    assert_int_equal(c.first_seq, 4);
    assert_string_equal(c.first_prev, a.last_hash);
    assert_string_equal(c.last_hash, hash);
    {
        pf_audit_rec r = rec("arm", NULL);
        int64_t seq;
        assert_int_equal(pf_audit_append(log_path, &r, &seq, NULL, err,
                                         sizeof err),
                         0);
        assert_int_equal(seq, 5);
    }
    n = chain_files(files, 4);
    assert_int_equal(n, 2);
    {
        size_t records;
        assert_int_equal(verify_in_order(files, n, &records), 0);
        assert_int_equal(records, 4);
    }
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    /* the same archive name again (nothing appended since): refused, the
     * log unchanged */
    shell("rm -f %s/audit.jsonl.*", dir);
    fresh(1);
    shell("cp %s %s.1-1", log_path, log_path);
    assert_int_equal(pf_audit_rotate(log_path, "bot-1", 1795747080000LL,
                                     archive, sizeof archive, &old, hash, err,
                                     sizeof err),
                     -1);
    assert_string_equal(archive, "");
    assert_int_equal(pf_audit_verify_chain(log_path, &c, err, sizeof err), 0);
    assert_int_equal(c.nlines, 1);
    assert_false(c.linked);
    shell("rm -f %s/audit.jsonl.*", dir);
    /* empty, missing, broken: not rotated */
    shell(": > %s", log_path);
    assert_int_equal(pf_audit_rotate(log_path, "h", 0, archive,
                                     sizeof archive, &old, hash, err,
                                     sizeof err),
                     1);
    unlink(log_path);
    assert_int_equal(pf_audit_rotate(log_path, "h", 0, archive,
                                     sizeof archive, &old, hash, err,
                                     sizeof err),
                     -1);
    fresh(3);
    shell("sed -i '2d' %s", log_path);
    assert_int_equal(pf_audit_rotate(log_path, "h", 0, archive,
                                     sizeof archive, &old, hash, err,
                                     sizeof err),
                     1);
    assert_non_null(strstr(err, "broken"));
    shell("test -z \"$(ls %s/audit.jsonl.* 2>/dev/null)\"", dir); /* no archive left */
}

/* The nonces of recent lines are carried into the rotate record, so an
 * approval used just before a rotation is still seen as used after it;
 * those of old lines are not. */
static void test_audit_rotate_carries_nonces(void **state)
{
    static const char n1[] = "0123456789abcdef0123456789abcdef";
    static const char n2[] = "fedcba9876543210fedcba9876543210";
    pf_audit_chain old;
    pf_audit_rec r;
    char err[300], archive[256], hash[65];
    int64_t seq, t = 1795747080000LL;

    (void)state;
    shell("rm -f %s/audit.jsonl*", dir);
    r = rec("arm", n1); /* at t */
    assert_int_equal(pf_audit_append(log_path, &r, &seq, NULL, err,
                                     sizeof err), 0);
    r = rec("arm", n2);
    r.now_ms = t + (PF_AUDIT_CARRY_S + 60) * 1000LL; /* later */
    assert_int_equal(pf_audit_append(log_path, &r, &seq, NULL, err,
                                     sizeof err), 0);
    assert_int_equal(pf_audit_rotate(log_path, "bot-1",
                                     t + (PF_AUDIT_CARRY_S + 120) * 1000LL,
                                     archive, sizeof archive, &old, hash, err,
                                     sizeof err),
                     0);
    assert_int_equal(pf_audit_nonce_seen(log_path, n2, err, sizeof err), 1);
    assert_int_equal(pf_audit_nonce_seen(log_path, n1, err, sizeof err), 0);
    /* and a replay of n2 is refused by the append itself */
    r = rec("arm", n2);
    assert_int_equal(pf_audit_append(log_path, &r, &seq, NULL, err,
                                     sizeof err), -1);
    assert_non_null(strstr(err, "replayed"));
    shell("rm -f %s/audit.jsonl*", dir);
}

/* Eight processes append 25 records each while the log is rotated five
 * times: no line is lost or lands in a closed file; the files, in order,
 * form one chain of 200 records and 5 rotations. */
static void test_audit_rotate_race(void **state)
{
    char err[300], archive[256], hash[65], *files[16];
    pf_audit_chain old;
    size_t n, records = 0;
    int status, rotated = 0;

    (void)state;
    shell("rm -f %s/audit.jsonl*", dir);
    fresh(1);
    for (int i = 0; i < 8; i++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            for (int k = 0; k < 25; k++) {
                pf_audit_rec r = rec("exec", NULL);
                int64_t seq;
                if (pf_audit_append(log_path, &r, &seq, NULL, err,
                                    sizeof err) != 0)
                    _exit(1);
            }
            _exit(0);
        }
    }
    for (int i = 0; i < 5; i++) {
        struct timespec pause = {0, 2 * 1000 * 1000};
        nanosleep(&pause, NULL);
        int rc = pf_audit_rotate(log_path, "bot-1", 1795747080000LL, archive,
                                 sizeof archive, &old, hash, err, sizeof err);
        if (rc != 0 && strstr(err, "File exists") == NULL)
            fail_msg("rotate %d: %s", i, err);
        rotated += rc == 0;
    }
    for (int i = 0; i < 8; i++) {
        assert_true(wait(&status) > 0);
        assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    assert_true(rotated >= 1);
    n = chain_files(files, 16);
    assert_int_equal(n, (size_t)rotated + 1);
    assert_int_equal(verify_in_order(files, n, &records), 0);
    assert_int_equal(records, 201);
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    shell("rm -f %s/audit.jsonl*", dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit_chain),
        cmocka_unit_test(test_audit_broken),
        cmocka_unit_test(test_audit_odd_files),
        cmocka_unit_test(test_audit_concurrent),
        cmocka_unit_test(test_audit_nonce_race),
        cmocka_unit_test(test_audit_rotate),
        cmocka_unit_test(test_audit_rotate_carries_nonces),
        cmocka_unit_test(test_audit_rotate_race),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
