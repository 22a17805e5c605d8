/*
 * test_trust.c: cmocka tests of the trust roots (host/trust.c, DESIGN.md
 * 8.4). Each row builds a fresh pack tree owned by root, changes modes,
 * owners or types, then asks pf_trust_check as euid 0, 1000 or 65534 and
 * compares the exact number of problems and fragments of their lines.
 * The tree's parent is mode 0777 in every row: nothing above the project
 * root is examined. Needs root (chown); skipped otherwise.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trust.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* What every row asks about: a pack as the caller lists it (the lock's
 * files plus preflight.lock, approvers and policy), policy twice and
 * manifest absent. */
static const char *const pack[] = {
    "checks/preflight.lock", "checks/approvers",       "checks/policy",
    "checks/a.lua",          "checks/b.lua",           "checks/manifest",
    "checks/policy",         "lib/exchange/probe.lua",
};

typedef struct op {
    char kind; /* m chmod, o chown, l symlink to target, r remove,
                  f FIFO, w regular file in place of a folder */
    const char *path; /* relative to the root; "" is the root */
    unsigned arg;
    const char *target;
} op;

static const struct {
    const char *name;
    op ops[3];
    uid_t euid;
    int want;
    const char *frag[2];
} rows[] = {
    {"all root, euid 0", {{0}}, 0, 0, {NULL}},
    {"all root, euid 1000", {{0}}, 1000, 0, {NULL}},
    {"all root, euid 65534", {{0}}, 65534, 0, {NULL}},
    {"group-writable file (listed twice)",
     {{'m', "checks/policy", 0664, NULL}},
     1000,
     1,
     {"checks/policy is writable by group (mode 0664): "
      "chmod go-w checks/policy\n"}},
    {"other-writable folder",
     {{'m', "lib", 0757, NULL}},
     0,
     1,
     {"lib is writable by others (mode 0757): chmod go-w lib\n"}},
    {"group- and other-writable file",
     {{'m', "checks/a.lua", 0666, NULL}},
     65534,
     1,
     {"checks/a.lua is writable by group and others (mode 0666)"}},
    {"file owned by the euid",
     {{'o', "checks/approvers", 1000, NULL}},
     1000,
     1,
     {"checks/approvers is owned by uid 1000, the user running preflight: "
      "install the pack owned by root (docs/RUNBOOK.md)\n"}},
    {"file owned by another user",
     {{'o', "checks/approvers", 1000, NULL}},
     65534,
     0,
     {NULL}},
    {"file owned by another user, euid root",
     {{'o', "checks/approvers", 65534, NULL}},
     0,
     0,
     {NULL}},
    {"folder owned by the euid",
     {{'o', "lib/exchange", 1000, NULL}},
     1000,
     1,
     {"lib/exchange is owned by uid 1000, the user running preflight"}},
    {"symlinked file",
     {{'l', "checks/a.lua", 0, "../real.lua"}},
     0,
     1,
     {"checks/a.lua is a symlink: a trusted pack has none"}},
    {"symlinked folder component",
     {{'l', "lib", 0, "lib2"}},
     1000,
     1,
     {"lib is a symlink"}},
    {"root group-writable",
     {{'m', "", 0775, NULL}},
     0,
     1,
     {"the project root is writable by group (mode 0775): "
      "run chmod go-w on the project root\n"}},
    {"root owned by the euid",
     {{'o', "", 1000, NULL}},
     1000,
     1,
     {"the project root is owned by uid 1000"}},
    {"sticky 1777 folder",
     {{'m', "checks", 01777, NULL}},
     0,
     1,
     {"checks is writable by group and others (mode 1777): "
      "chmod go-w checks\n"}},
    {"group-writable folder reported once",
     {{'m', "checks", 0775, NULL}},
     1000,
     1,
     {"checks is writable by group (mode 0775)"}},
    {"missing file", {{'r', "checks/policy", 0, NULL}}, 1000, 0, {NULL}},
    {"folder replaced by a file",
     {{'w', "lib/exchange", 0, NULL}},
     1000,
     0,
     {NULL}},
    {"FIFO in place of a file (no hang)",
     {{'f', "checks/policy", 0, NULL}},
     1000,
     0,
     {NULL}},
    {"two problems",
     {{'m', "checks/policy", 0664, NULL}, {'o', "lib", 1000, NULL}},
     1000,
     2,
     {"checks/policy is writable by group", "lib is owned by uid 1000"}},
    {"owned by the euid and writable: two lines",
     {{'o', "checks/b.lua", 1000, NULL}, {'m', "checks/b.lua", 0646, NULL}},
     1000,
     2,
     {"checks/b.lua is owned by uid 1000", "checks/b.lua is writable by "
                                           "others (mode 0646)"}},
};

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void rm_tree(const char *p)
{
    nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void put(const char *root, const char *rel, mode_t mode, int dir)
{
    char p[8400];

    snprintf(p, sizeof p, "%s/%s", root, rel);
    if (dir) {
        assert_int_equal(mkdir(p, mode), 0);
    } else {
        int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, mode);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, "x\n", 2), 2);
        assert_int_equal(close(fd), 0);
    }
    assert_int_equal(chmod(p, mode), 0); /* whatever the umask */
}

/* outer (0777) / root (0755) / the pack tree, everything owned by root. */
static void build(char *outer, size_t outerlen, char *root, size_t rootlen)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(outer, outerlen, "%s/pf_trust_XXXXXX", tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(outer));
    assert_int_equal(chmod(outer, 0777), 0);
    snprintf(root, rootlen, "%s/root", outer);
    assert_int_equal(mkdir(root, 0755), 0);
    assert_int_equal(chmod(root, 0755), 0);
    put(root, "checks", 0755, 1);
    put(root, "checks/preflight.lock", 0644, 0);
    put(root, "checks/approvers", 0644, 0);
    put(root, "checks/policy", 0644, 0);
    put(root, "checks/a.lua", 0644, 0);
    put(root, "checks/b.lua", 0644, 0);
    put(root, "lib", 0755, 1);
    put(root, "lib/exchange", 0755, 1);
    put(root, "lib/exchange/probe.lua", 0644, 0);
    put(root, "real.lua", 0644, 0);
    /* a symlink's target, writable by all: following a link shows */
    put(root, "lib2", 0755, 1);
    put(root, "lib2/exchange", 0777, 1);
    put(root, "lib2/exchange/probe.lua", 0666, 0);
}

static void apply(const char *root, const op *o)
{
    char p[8400];

    snprintf(p, sizeof p, "%s%s%s", root, o->path[0] ? "/" : "", o->path);
    switch (o->kind) {
    case 'm':
        assert_int_equal(chmod(p, o->arg), 0);
        break;
    case 'o':
        assert_int_equal(chown(p, o->arg, 0), 0);
        break;
    case 'l':
        rm_tree(p);
        assert_int_equal(symlink(o->target, p), 0);
        break;
    case 'r':
        assert_int_equal(unlink(p), 0);
        break;
    case 'f':
        assert_int_equal(unlink(p), 0);
        assert_int_equal(mkfifo(p, 0644), 0);
        assert_int_equal(chmod(p, 0644), 0);
        break;
    case 'w':
        rm_tree(p);
        put(root, o->path, 0644, 0);
        break;
    default:
        fail();
    }
}

static void test_trust_table(void **state)
{
    int bad = 0;

    (void)state;
    if (geteuid() != 0)
        skip();
    for (size_t i = 0; i < NROWS(rows); i++) {
        char outer[4096], root[4096], err[300] = "";
        pf_buf b;
        int rc, ok;

        build(outer, sizeof outer, root, sizeof root);
        for (size_t j = 0; j < NROWS(rows[i].ops) && rows[i].ops[j].kind; j++)
            apply(root, &rows[i].ops[j]);
        pf_buf_init(&b);
        rc = pf_trust_check(root, pack, NROWS(pack), rows[i].euid, &b, err,
                            sizeof err);
        ok = rc == rows[i].want && !b.oom;
        for (size_t k = 0; ok && k < NROWS(rows[i].frag) && rows[i].frag[k];
             k++)
            ok = strstr(b.data ? b.data : "", rows[i].frag[k]) != NULL;
        /* never more than the relative path */
        if (ok && b.data)
            ok = strstr(b.data, outer) == NULL;
        if (!ok) {
            print_message("row \"%s\": rc %d (want %d) err \"%s\" lines:\n%s",
                          rows[i].name, rc, rows[i].want, err,
                          b.data ? b.data : "");
            bad++;
        }
        pf_buf_free(&b);
        rm_tree(outer);
    }
    assert_int_equal(bad, 0);
}

/* A root reached through a symlink is refused and not walked. */
static void test_trust_root_symlink(void **state)
{
    char outer[4096], root[4096], link[4200], err[300] = "";
    pf_buf b;

    (void)state;
    if (geteuid() != 0)
        skip();
    build(outer, sizeof outer, root, sizeof root);
    assert_int_equal(chmod(root, 0777), 0); /* would be a second problem */
    snprintf(link, sizeof link, "%s/link", outer);
    assert_int_equal(symlink("root", link), 0);
    pf_buf_init(&b);
    assert_int_equal(
        pf_trust_check(link, pack, NROWS(pack), 1000, &b, err, sizeof err), 1);
    assert_non_null(strstr(b.data, "the project root is a symlink"));
    pf_buf_free(&b);
    rm_tree(outer);
}

/* Paths that are not plain relative paths, and roots that cannot be
 * examined, are errors (-1), never a pass. */
static void test_trust_errors(void **state)
{
    static const struct {
        const char *rel, *err;
    } bad[] = {
        {"/etc/passwd", "not a relative path"},
        {"", "not a relative path"},
        {"checks/../../x", "bad path component"},
        {"./checks/policy", "bad path component"},
        {"checks//policy", "bad path component"},
        {"checks/", "bad path component"},
        {"..", "bad path component"},
    };
    char outer[4096], root[4096], file[4200], err[300];
    pf_buf b;
    const char *one[1];

    (void)state;
    if (geteuid() != 0)
        skip();
    build(outer, sizeof outer, root, sizeof root);
    for (size_t i = 0; i < NROWS(bad); i++) {
        one[0] = bad[i].rel;
        err[0] = '\0';
        pf_buf_init(&b);
        if (pf_trust_check(root, one, 1, 1000, &b, err, sizeof err) != -1 ||
            strstr(err, bad[i].err) == NULL) {
            print_message("path \"%s\": err \"%s\"\n", bad[i].rel, err);
            fail();
        }
        pf_buf_free(&b);
    }
    one[0] = "checks/policy";
    snprintf(file, sizeof file, "%s/real.lua", root);
    pf_buf_init(&b);
    assert_int_equal(pf_trust_check(file, one, 1, 1000, &b, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "the project root is not a folder"));
    snprintf(file, sizeof file, "%s/absent", root);
    assert_int_equal(pf_trust_check(file, one, 1, 1000, &b, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "cannot open the project root"));
    pf_buf_free(&b);
    rm_tree(outer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trust_table),
        cmocka_unit_test(test_trust_root_symlink),
        cmocka_unit_test(test_trust_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
