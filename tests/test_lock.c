/*
 * test_lock.c: cmocka tests of the pack lock (host/lock.c): the strict
 * parser as a table of good and bad lock files, what a pack is made of
 * (a real folder tree with symlinks, a FIFO, dot files and a library
 * folder outside the root), the text round trip and the differences.
 * Digests were computed with sha256sum, not with the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lock.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))
#define H_RET1 "0805bfdc02e872ed322a4a4e440ae985f3a4335f4dd59f3d373dfaf2a68a4a3c"
#define H_AB "3028acf5e4c1117ab3d2bfbf5ecffb4d3147c9acb452fb375f27a57acd0bc9b7"

static const struct {
    const char *name, *text, *err; /* err NULL: parses */
    size_t n;
} parse_rows[] = {
    {"empty", "", NULL, 0},
    {"one", H_RET1 "  checks/a.lua\n", NULL, 1},
    {"two sorted", H_RET1 "  checks/a.lua\n" H_AB "  checks/manifest\n", NULL,
     2},
    {"no final newline", H_RET1 "  checks/a.lua", "line 1: no newline", 0},
    {"CRLF", H_RET1 "  checks/a.lua\r\n", "line 1: the path", 0},
    {"one space", H_RET1 " checks/a.lua\n", "line 1: want", 0},
    {"three spaces", H_RET1 "   checks/a.lua\n", "line 1: the path", 0},
    {"tab", H_RET1 "\tchecks/a.lua\n", "line 1: want", 0},
    {"upper hex",
     "0805BFDC02E872ED322A4A4E440AE985F3A4335F4DD59F3D373DFAF2A68A4A3C"
     "  checks/a.lua\n",
     "line 1: the digest", 0},
    {"short digest", "0805bf  checks/a.lua\n", "line 1: want", 0},
    {"blank line", H_RET1 "  checks/a.lua\n\n", "line 2: want", 0},
    {"comment", "# lock\n", "line 1: want", 0},
    {"absolute", H_RET1 "  /etc/passwd\n", "line 1: the path", 0},
    {"dotdot", H_RET1 "  checks/../../x\n", "line 1: the path", 0},
    {"dot", H_RET1 "  ./checks/a.lua\n", "line 1: the path", 0},
    {"empty component", H_RET1 "  checks//a.lua\n", "line 1: the path", 0},
    {"trailing slash", H_RET1 "  checks/\n", "line 1: the path", 0},
    {"escape byte", H_RET1 "  checks/\x1b[2Ja.lua\n", "line 1: the path", 0},
    {"unsorted", H_RET1 "  checks/b.lua\n" H_RET1 "  checks/a.lua\n",
     "line 2: checks/a.lua is out of order", 0},
    {"twice", H_RET1 "  checks/a.lua\n" H_AB "  checks/a.lua\n",
     "line 2: checks/a.lua is listed twice", 0},
    {"second line bad", H_RET1 "  checks/a.lua\nxyz\n", "line 2: want", 0},
};

static void test_lock_parse_table(void **state)
{
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < NROWS(parse_rows); i++) {
        pf_lock l;
        char err[300] = "";
        int rc = pf_lock_parse(parse_rows[i].text, strlen(parse_rows[i].text),
                               &l, err, sizeof err);
        int want_ok = parse_rows[i].err == NULL;

        if (want_ok ? rc != 0 || l.n != parse_rows[i].n
                    : rc == 0 || strstr(err, parse_rows[i].err) == NULL ||
                          l.n != 0) {
            print_message("row \"%s\": rc %d n %zu err \"%s\"\n",
                          parse_rows[i].name, rc, l.n, err);
            bad++;
        }
        pf_lock_free(&l);
    }
    if (bad)
        fail_msg("%d parse rows differ", bad);
}

static void test_lock_parse_embedded_nul(void **state)
{
    static const char text[] = H_RET1 "  checks/a\0b.lua\n";
    pf_lock l;
    char err[300];

    (void)state;
    assert_int_equal(pf_lock_parse(text, sizeof text - 1, &l, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "line 1: the path"));
}

/* ---- a pack on disk ---------------------------------------------------- */

static char root[64];

static void put(const char *rel, const char *text)
{
    char p[256];
    FILE *f;

    snprintf(p, sizeof p, "%s/%s", root, rel);
    assert_non_null(f = fopen(p, "w"));
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

static void mkd(const char *rel)
{
    char p[256];

    snprintf(p, sizeof p, "%s/%s", root, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static int make_pack(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/pf_lock_XXXXXX");
    if (mkdtemp(root) == NULL)
        return -1;
    mkd("checks");
    mkd("lib");
    mkd("lib/sub");
    put("checks/b.lua", "return 1\n");
    put("checks/a.lua", "return 1\n");
    put("checks/.hidden.lua", "return 2\n");
    put("checks/notes.txt", "not in the pack\n");
    put("checks/manifest", "a.b\n");
    put("lib/x.lua", "return 1\n");
    put("lib/sub/y.lua", "return 1\n");
    put("lib/README", "not in the pack\n");
    return 0;
}

static int remove_pack(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static int collect(pf_lock *l, char *err, size_t errlen)
{
    char c[128], lib[128];

    snprintf(c, sizeof c, "%s/checks", root);
    snprintf(lib, sizeof lib, "%s/lib", root);
    return pf_lock_collect(root, c, lib, l, err, errlen);
}

static void test_lock_collect_pack(void **state)
{
    static const char want[] =
        H_RET1 "  checks/a.lua\n" H_RET1 "  checks/b.lua\n" H_AB
               "  checks/manifest\n" H_RET1 "  lib/sub/y.lua\n" H_RET1
               "  lib/x.lua\n";
    pf_lock l, back;
    pf_buf b;
    char err[300];

    (void)state;
    assert_int_equal(collect(&l, err, sizeof err), 0);
    pf_buf_init(&b);
    pf_lock_text(&l, &b);
    pf_buf_addc(&b, '\0');
    assert_string_equal(b.data, want);
    /* the text parses back to the same pack: no differences */
    assert_int_equal(pf_lock_parse(b.data, b.len - 1, &back, err, sizeof err),
                     0);
    pf_buf_free(&b);
    assert_int_equal(pf_lock_diff(&back, &l, &b), 0);
    assert_int_equal(b.len, 0);
    pf_buf_free(&b);
    pf_lock_free(&back);
    pf_lock_free(&l);
}

static void test_lock_diff_lists_each_kind(void **state)
{
    pf_lock want, have;
    pf_buf b;
    char err[300];

    (void)state;
    assert_int_equal(collect(&want, err, sizeof err), 0);
    put("lib/x.lua", "return 2\n");    /* changed */
    put("checks/c.lua", "return 1\n"); /* unlocked */
    put("checks/policy", "x = 1\n");   /* unlocked */
    {
        char p[128];
        snprintf(p, sizeof p, "%s/checks/manifest", root);
        assert_int_equal(unlink(p), 0); /* missing */
    }
    assert_int_equal(collect(&have, err, sizeof err), 0);
    pf_buf_init(&b);
    assert_int_equal(pf_lock_diff(&want, &have, &b), 4);
    pf_buf_addc(&b, '\0');
    assert_string_equal(b.data, "unlocked checks/c.lua\n"
                                "missing checks/manifest\n"
                                "unlocked checks/policy\n"
                                "changed lib/x.lua\n");
    pf_buf_free(&b);
    pf_lock_free(&want);
    pf_lock_free(&have);
    /* back as it was for the other tests */
    put("lib/x.lua", "return 1\n");
    put("checks/manifest", "a.b\n");
    {
        char p[128];
        snprintf(p, sizeof p, "%s/checks/c.lua", root);
        assert_int_equal(unlink(p), 0);
        snprintf(p, sizeof p, "%s/checks/policy", root);
        assert_int_equal(unlink(p), 0);
    }
}

/* Each odd file refuses the pack, named; none hangs or is followed. */
static void test_lock_collect_refuses_odd_files(void **state)
{
    static const struct {
        const char *what, *make, *err;
    } rows[] = {
        {"symlinked module", "ln -s /etc/hostname lib/evil.lua",
         "lib/evil.lua is a symbolic link"},
        {"symlinked lib folder", "ln -s /usr/share lib/share",
         "lib/share is a symbolic link"},
        {"symlinked check", "ln -s a.lua checks/z.lua",
         "checks/z.lua is a symbolic link"},
        {"symlinked manifest", "mv checks/manifest checks/m && "
                               "ln -s m checks/manifest",
         "checks/manifest is a symbolic link"},
        {"FIFO manifest", "mv checks/manifest checks/m && "
                          "mkfifo checks/manifest",
         "checks/manifest is not a regular file"},
        {"FIFO module", "mkfifo lib/sub/f.lua", "lib/sub/f.lua is not a "
                                                "regular file"},
        {"newline in a module's name", "touch \"lib/a$(printf '\\nb').lua\"",
         "lib: a name a lock cannot hold"},
        {"folder named like a module", "mkdir lib/d.lua && touch lib/d.lua/e.lua",
         NULL},
    };
    char cmd[512], err[300];

    (void)state;
    for (size_t i = 0; i < NROWS(rows); i++) {
        pf_lock l;
        int rc;

        snprintf(cmd, sizeof cmd, "cd '%s' && %s", root, rows[i].make);
        assert_int_equal(system(cmd), 0);
        err[0] = '\0';
        rc = collect(&l, err, sizeof err);
        if (rows[i].err == NULL) {
            assert_int_equal(rc, 0);
            pf_lock_free(&l);
        } else if (rc != -1 || strstr(err, rows[i].err) == NULL) {
            fail_msg("row \"%s\": rc %d err \"%s\"", rows[i].what, rc, err);
        }
        /* undo */
        snprintf(cmd, sizeof cmd,
                 "cd '%s' && rm -rf lib/evil.lua lib/share checks/z.lua "
                 "lib/sub/f.lua lib/d.lua lib/a?b.lua && if [ -e checks/m ]; then "
                 "rm -f checks/manifest && mv checks/m checks/manifest; fi",
                 root);
        assert_int_equal(system(cmd), 0);
    }
}

static void test_lock_collect_needs_folders_inside_root(void **state)
{
    pf_lock l;
    char c[128], err[300];

    (void)state;
    snprintf(c, sizeof c, "%s/checks", root);
    assert_int_equal(pf_lock_collect(root, c, "/usr/share/lua", &l, err,
                                     sizeof err),
                     -1);
    assert_non_null(strstr(err, "not inside the project root"));
    assert_int_equal(pf_lock_collect(c, root, NULL, &l, err, sizeof err), -1);
    assert_non_null(strstr(err, "checks folder"));
    /* a root that is a prefix of the folder's name is not its parent */
    {
        char sib[160];
        snprintf(sib, sizeof sib, "%s/checks", root);
        assert_int_equal(pf_lock_collect(sib, c, NULL, &l, err, sizeof err),
                         0);
        pf_lock_free(&l);
        snprintf(sib, sizeof sib, "%s/chec", root);
        assert_int_equal(pf_lock_collect(sib, c, NULL, &l, err, sizeof err),
                         -1);
    }
}

static void test_lock_load(void **state)
{
    pf_lock l;
    char p[128], err[300], digest[65];

    (void)state;
    snprintf(p, sizeof p, "%s/checks/preflight.lock", root);
    assert_int_equal(pf_lock_load(p, &l, digest, err, sizeof err), 1);
    put("checks/preflight.lock", H_RET1 "  checks/a.lua\n");
    assert_int_equal(pf_lock_load(p, &l, digest, err, sizeof err), 0);
    assert_int_equal(l.n, 1);
    /* the digest is of the lock's bytes (sha256sum of that line) */
    assert_string_equal(digest, "f4439a16e2235e26a2c097c1ede09904"
                                "27738fcb84cccc3c0048722c766bf922");
    pf_lock_free(&l);
    put("checks/preflight.lock", H_RET1 "  checks/a.lua");
    assert_int_equal(pf_lock_load(p, &l, digest, err, sizeof err), -1);
    assert_non_null(strstr(err, "preflight.lock: line 1: no newline"));
    assert_int_equal(unlink(p), 0);
    assert_int_equal(mkfifo(p, 0644), 0);
    assert_int_equal(pf_lock_load(p, &l, digest, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a regular file"));
    assert_int_equal(unlink(p), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_parse_table),
        cmocka_unit_test(test_lock_parse_embedded_nul),
        cmocka_unit_test(test_lock_collect_pack),
        cmocka_unit_test(test_lock_diff_lists_each_kind),
        cmocka_unit_test(test_lock_collect_refuses_odd_files),
        cmocka_unit_test(test_lock_collect_needs_folders_inside_root),
        cmocka_unit_test(test_lock_load),
    };
    return cmocka_run_group_tests(tests, make_pack, remove_pack);
}
