/*
 * test_redact.c: cmocka tests of secret masking (host/redact.c).
 *
 * Table-driven: where secrets sit in a string and how overlapping ones
 * merge into one mask, which variable names are secret by name, and which
 * values pf_redactor_from_env picks out of a fake environment.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- pf_redact --------------------------------------------------------- */

static const struct {
    const char *name;
    const char *secrets[4]; /* NULL-terminated */
    const char *in;
    const char *want;
} redact_rows[] = {
    {"no secrets at all", {NULL}, "token=abc", "token=abc"},
    {"secret absent", {"s3cr3t", NULL}, "nothing here", "nothing here"},
    {"empty input", {"s3cr3t", NULL}, "", ""},
    {"at start", {"s3cr3t", NULL}, "s3cr3t tail", "*** tail"},
    {"in the middle", {"s3cr3t", NULL}, "key=s3cr3t;", "key=***;"},
    {"at end", {"s3cr3t", NULL}, "value s3cr3t", "value ***"},
    {"whole string", {"s3cr3t", NULL}, "s3cr3t", "***"},
    {"repeated, apart", {"s3cr3t", NULL}, "s3cr3t-s3cr3t-x", "***-***-x"},
    {"repeated, adjacent", {"s3cr3t", NULL}, "s3cr3ts3cr3t", "***"},
    {"partial occurrence", {"s3cr3t", NULL}, "s3cr3 s3cr3", "s3cr3 s3cr3"},
    {"overlapping secrets", {"abcd", "cdef", NULL}, "xxabcdefyy", "xx***yy"},
    {"overlapping, other order", {"cdef", "abcd", NULL}, "xxabcdefyy",
     "xx***yy"},
    {"touching secrets", {"abc", "def", NULL}, "xabcdefx", "x***x"},
    {"separate secrets", {"ab", "cd", NULL}, "abXcd", "***X***"},
    {"one inside another", {"abcdef", "cd", NULL}, "xabcdefx", "x***x"},
    {"inside, other order", {"cd", "abcdef", NULL}, "xabcdefx", "x***x"},
    {"inner alone still masked", {"abcdef", "cd", NULL}, "-cd-abcdef-",
     "-***-***-"},
    {"same secret overlapping", {"aa", NULL}, "aaaa", "***"},
    {"same secret, odd run", {"aa", NULL}, "aaa", "***"},
    {"same secret, odd run in text", {"aa", NULL}, "xaaay", "x***y"},
    {"periodic secret", {"aba", NULL}, "ababa", "***"},
    {"single char too short", {"aa", NULL}, "a-a", "a-a"},
    {"case matters", {"Secret", NULL}, "secret SECRET Secret",
     "secret SECRET ***"},
    {"multibyte UTF-8 secret", {"\xC3\xA9t\xC3\xA9", NULL},
     "caf\xC3\xA9 \xC3\xA9t\xC3\xA9!", "caf\xC3\xA9 ***!"},
    {"secret with mask chars", {"*", NULL}, "a*b**c", "a***b***c"},
    {"three secrets", {"one", "two", "three", NULL}, "one two three four",
     "*** *** *** four"},
};

static void test_redact_table(void **state)
{
    size_t i, k;

    (void)state;
    for (i = 0; i < NROWS(redact_rows); i++) {
        pf_redactor r;
        char *got;

        pf_redactor_init(&r);
        for (k = 0; redact_rows[i].secrets[k] != NULL; k++)
            assert_int_equal(pf_redactor_add(&r, redact_rows[i].secrets[k]),
                             0);
        got = pf_redact(&r, redact_rows[i].in);
        if (got == NULL)
            fail_msg("row %zu (%s): NULL", i, redact_rows[i].name);
        if (strcmp(got, redact_rows[i].want) != 0)
            fail_msg("row %zu (%s): got \"%s\", want \"%s\"", i,
                     redact_rows[i].name, got, redact_rows[i].want);
        /* always a new string, never the input */
        assert_ptr_not_equal(got, redact_rows[i].in);
        free(got);
        pf_redactor_free(&r);
    }
}

static void test_redact_null_is_null(void **state)
{
    pf_redactor r;

    (void)state;
    pf_redactor_init(&r);
    assert_int_equal(pf_redactor_add(&r, "x"), 0);
    assert_null(pf_redact(&r, NULL));
    pf_redactor_free(&r);
}

static void test_redact_no_secret_copies(void **state)
{
    pf_redactor r;
    char in[] = "plain text";
    char *got;

    (void)state;
    pf_redactor_init(&r);
    got = pf_redact(&r, in);
    assert_non_null(got);
    assert_ptr_not_equal(got, in);
    assert_string_equal(got, "plain text");
    in[0] = 'P'; /* the copy is independent */
    assert_string_equal(got, "plain text");
    free(got);
}

static void test_redactor_add_ignores_empty_and_duplicates(void **state)
{
    pf_redactor r;

    (void)state;
    pf_redactor_init(&r);
    assert_int_equal(r.n, 0);
    assert_null(r.values);
    assert_int_equal(pf_redactor_add(&r, ""), 0);
    assert_int_equal(pf_redactor_add(&r, NULL), 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(pf_redactor_add(&r, "abc"), 0);
    assert_int_equal(pf_redactor_add(&r, "abc"), 0);
    assert_int_equal(pf_redactor_add(&r, "abcd"), 0);
    assert_int_equal(pf_redactor_add(&r, "abc"), 0);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.values[0], "abc");
    assert_string_equal(r.values[1], "abcd");
    pf_redactor_free(&r);
    assert_int_equal(r.n, 0);
    assert_null(r.values);
    pf_redactor_free(NULL); /* accepted */
}

/* The stored value is a copy: changing the caller's buffer later does not
 * change what is masked. */
static void test_redactor_add_copies_value(void **state)
{
    pf_redactor r;
    char v[] = "hunter2";
    char *got;

    (void)state;
    pf_redactor_init(&r);
    assert_int_equal(pf_redactor_add(&r, v), 0);
    memcpy(v, "xxxxxxx", 7);
    got = pf_redact(&r, "pw hunter2");
    assert_string_equal(got, "pw ***");
    free(got);
    pf_redactor_free(&r);
}

static void test_redact_inplace(void **state)
{
    pf_redactor r;
    char *s = strdup("id=tok123 done"), *none = NULL;

    (void)state;
    assert_non_null(s);
    pf_redactor_init(&r);
    assert_int_equal(pf_redactor_add(&r, "tok123"), 0);
    assert_int_equal(pf_redact_inplace(&r, &s), 0);
    assert_string_equal(s, "id=*** done");
    assert_int_equal(pf_redact_inplace(&r, &none), 0);
    assert_null(none);
    free(s);
    pf_redactor_free(&r);
}

/* ---- pf_secret_name ---------------------------------------------------- */

static const struct {
    const char *name;
    int want;
} secret_name_rows[] = {
    {"API_KEY", 1},
    {"binance_api_secret", 1},
    {"GITHUB_TOKEN", 1},
    {"DB_PASSWORD", 1},
    {"PASSPHRASE", 1},
    {"keychain", 1},        /* contains KEY, any case */
    {"Upbit_Secret_Key", 1},
    {"token", 1},
    {"MY_PASSPHRASE_2", 1},
    {"KEY", 1},
    {"HOME", 0},
    {"PATH", 0},
    {"", 0},
    {"USER", 0},
    {"PASS", 0},
    {"PASSWD", 0},          /* not one of the five words */
    {"SECRE", 0},
    {"TOKE", 0},
    {"K_E_Y", 0},
    {"REDIS_URL", 0},
    {"ARBITRAGE_ENV", 0},
};

static void test_secret_name_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(secret_name_rows); i++) {
        int got = pf_secret_name(secret_name_rows[i].name);
        if (got != secret_name_rows[i].want)
            fail_msg("\"%s\": got %d, want %d", secret_name_rows[i].name, got,
                     secret_name_rows[i].want);
    }
}

/* ---- pf_redactor_from_env ---------------------------------------------- */

static int has_value(const pf_redactor *r, const char *v)
{
    size_t i;

    for (i = 0; i < r->n; i++) {
        if (strcmp(r->values[i], v) == 0)
            return 1;
    }
    return 0;
}

static void test_redactor_from_env_picks_values(void **state)
{
    char *envp[] = {
        (char *)"API_KEY=k=v=1",            /* '=' inside the value */
        (char *)"HOME=/root",
        (char *)"MY_VAR=plainvalue",        /* extra MY_VARIABLE: no match */
        (char *)"MY_VARIABLE_X=prefixval",  /* extra is only a prefix */
        (char *)"MY_VARIABLE=exactval",     /* extra: exact match */
        (char *)"REDIS_URL=redis://u:pw@h", /* not secret by name */
        (char *)"NOEQUALS",                 /* malformed: skipped */
        (char *)"EMPTY_TOKEN=",             /* empty value: ignored */
        (char *)"DUP_SECRET=k=v=1",         /* same value stored once */
        (char *)"lower_token=lowtok",
        (char *)"extra=lowercase-extra",    /* extra names are exact case */
        NULL,
    };
    char *extra[] = {(char *)"MY_VARIABLE", (char *)"EXTRA", (char *)"MY_VA",
                     (char *)"REDIS"};
    pf_redactor r;
    char *got;

    (void)state;
    pf_redactor_init(&r);
    assert_int_equal(pf_redactor_from_env(&r, envp, extra, NROWS(extra)), 0);
    assert_int_equal(r.n, 3);
    assert_true(has_value(&r, "k=v=1"));
    assert_true(has_value(&r, "exactval"));
    assert_true(has_value(&r, "lowtok"));
    assert_false(has_value(&r, "plainvalue"));
    assert_false(has_value(&r, "prefixval"));
    assert_false(has_value(&r, "v=1"));
    assert_false(has_value(&r, "/root"));
    assert_false(has_value(&r, "lowercase-extra"));
    got = pf_redact(&r, "k=v=1 plainvalue exactval prefixval lowtok /root");
    assert_string_equal(got, "*** plainvalue *** prefixval *** /root");
    free(got);
    pf_redactor_free(&r);
}

static void test_redactor_from_env_extra_only(void **state)
{
    static const struct {
        const char *env;
        const char *extra;
        int want; /* 1: the value is a secret */
    } rows[] = {
        {"MY_VAR=x1", "MY_VAR", 1},
        {"MY_VAR=x2", "MY_VARIABLE", 0},
        {"MY_VARIABLE=x3", "MY_VAR", 0},
        {"MY_VAR=x4", "my_var", 0},
        {"MY_VAR=x5", "", 0},
        {"DSN=a=b", "DSN", 1},
    };
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(rows); i++) {
        char *envp[2] = {(char *)rows[i].env, NULL};
        char *extra[1] = {(char *)rows[i].extra};
        pf_redactor r;
        int got;

        pf_redactor_init(&r);
        assert_int_equal(pf_redactor_from_env(&r, envp, extra, 1), 0);
        got = r.n == 1 && strcmp(r.values[0], strchr(rows[i].env, '=') + 1) == 0;
        if (got != rows[i].want || r.n > 1)
            fail_msg("row %zu (%s with extra \"%s\"): got %d (n=%zu), want %d",
                     i, rows[i].env, rows[i].extra, got, r.n, rows[i].want);
        pf_redactor_free(&r);
    }
}

static void test_redactor_from_env_null_envp(void **state)
{
    pf_redactor r;

    (void)state;
    pf_redactor_init(&r);
    assert_int_equal(pf_redactor_from_env(&r, NULL, NULL, 0), 0);
    assert_int_equal(r.n, 0);
    pf_redactor_free(&r);
}

/* ---- over-matching: short values of secret-by-name variables ----------- */

static const struct {
    const char *name;
    const char *env;   /* one NAME=VALUE */
    const char *extra; /* --secret NAME, or NULL */
    const char *in;
    const char *want;
} short_rows[] = {
    {"common setting never masked", "TOKENIZERS_PARALLELISM=true", NULL,
     "ok: true, true", "ok: true, true"},
    {"common setting, any case", "KEY_ENABLED=Yes", NULL, "Yes sir",
     "Yes sir"},
    {"short value inside a word kept", "KEYMAP=fi", NULL, "fine, finish",
     "fine, finish"},
    {"short value as a token masked", "KEYMAP=fi", NULL, "layout fi.",
     "layout ***."},
    {"short value at both ends", "KEYMAP=fi", NULL, "fi", "***"},
    {"short value before UTF-8 letters kept", "KEYMAP=fi", NULL,
     "fi\xC3\xB1" "e", "fi\xC3\xB1" "e"},
    {"7-byte password in a URL masked", "DB_PASSWORD=hunter2", NULL,
     "postgres://u:hunter2@h/db", "postgres://u:***@h/db"},
    {"7-byte password glued to letters kept (documented)",
     "DB_PASSWORD=hunter2", NULL, "xhunter2y", "xhunter2y"},
    {"8 bytes: masked everywhere", "API_KEY=abcdefgh", NULL, "xabcdefghy",
     "x***y"},
    {"long secret masked everywhere", "UPBIT_SECRET_KEY=0123456789abcdef",
     NULL, "sig0123456789abcdefsig", "sig***sig"},
    {"--secret forces a short value everywhere", "SHORTPIN=fi", "SHORTPIN",
     "fine", "***ne"},
    {"--secret forces a common word", "FLAG_TOKEN=true", "FLAG_TOKEN",
     "is true", "is ***"},
    {"--secret of an unlisted name, short", "PIN=42", "PIN", "x42 42",
     "x*** ***"},
    {"unlisted name, not secret", "KEYLESS=", NULL, "anything", "anything"},
};

static void test_redactor_short_values_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < NROWS(short_rows); i++) {
        char *envp[2] = {(char *)short_rows[i].env, NULL};
        char *extra[1] = {(char *)short_rows[i].extra};
        pf_redactor r;
        char *got;

        pf_redactor_init(&r);
        assert_int_equal(pf_redactor_from_env(&r, envp, extra,
                                              short_rows[i].extra ? 1 : 0),
                         0);
        got = pf_redact(&r, short_rows[i].in);
        assert_non_null(got);
        if (strcmp(got, short_rows[i].want) != 0)
            fail_msg("row %zu (%s): got \"%s\", want \"%s\"", i,
                     short_rows[i].name, got, short_rows[i].want);
        free(got);
        pf_redactor_free(&r);
    }
}

/* ---- mask, then cut ---------------------------------------------------- */

/* 1 when any 8-byte piece of secret occurs in s. */
static int has_piece(const char *s, const char *secret)
{
    size_t n = strlen(secret), i;
    char piece[9];

    for (i = 0; i + 8 <= n; i++) {
        memcpy(piece, secret + i, 8);
        piece[8] = '\0';
        if (strstr(s, piece) != NULL)
            return 1;
    }
    return 0;
}

/* A 700-byte secret in a message cut at every length from 0 to past its
 * end: no piece of it is ever left, the result fits, and it ends with the
 * cut mark whenever it was cut. */
static void test_redact_cut_never_leaves_a_piece(void **state)
{
    char secret[701], msg[1000];
    pf_redactor r;
    size_t max, i;

    (void)state;
    for (i = 0; i < 700; i++)
        secret[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7 + i / 36) %
                                                        36];
    secret[700] = '\0';
    snprintf(msg, sizeof msg, "no fixture for GET http://h/x?key=%s&y=1",
             secret);
    pf_redactor_init(&r);
    assert_int_equal(pf_redactor_add(&r, secret), 0);
    for (max = 0; max <= strlen(msg) + 1; max++) {
        char *got = pf_redact_cut(&r, msg, max);
        char buf[800];
        assert_non_null(got);
        assert_true(strlen(got) <= max || max < sizeof PF_CUT_MARK - 1);
        assert_false(has_piece(got, secret));
        free(got);
        if (max > 0 && max <= sizeof buf) {
            assert_int_equal(pf_redact_into(&r, buf, max, msg), 0);
            assert_true(strlen(buf) < max);
            assert_false(has_piece(buf, secret));
        }
    }
    /* without masking the same cut leaves a piece: the test can fail */
    {
        char *plain = pf_redact_cut(NULL, msg, 600);
        assert_true(has_piece(plain, secret));
        free(plain);
    }
    pf_redactor_free(&r);
}

/* Cuts fall on a UTF-8 character boundary and end with the mark. */
static void test_cut_utf8_boundary(void **state)
{
    char s[64];
    size_t max;

    (void)state;
    for (max = 12; max < 40; max++) {
        size_t i, len;
        for (i = 0; i + 2 < sizeof s; i += 2)
            memcpy(s + i, "\xC3\xA9", 2); /* e acute */
        s[i] = '\0';
        pf_cut_utf8(s, max);
        len = strlen(s);
        assert_true(len <= max);
        assert_true(len >= sizeof PF_CUT_MARK - 1);
        assert_string_equal(s + len - (sizeof PF_CUT_MARK - 1), PF_CUT_MARK);
        /* what is kept before the mark is whole characters */
        assert_int_equal((len - (sizeof PF_CUT_MARK - 1)) % 2, 0);
    }
    strcpy(s, "short");
    pf_cut_utf8(s, 5);
    assert_string_equal(s, "short");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redact_table),
        cmocka_unit_test(test_redact_null_is_null),
        cmocka_unit_test(test_redact_no_secret_copies),
        cmocka_unit_test(test_redactor_add_ignores_empty_and_duplicates),
        cmocka_unit_test(test_redactor_add_copies_value),
        cmocka_unit_test(test_redact_inplace),
        cmocka_unit_test(test_secret_name_table),
        cmocka_unit_test(test_redactor_from_env_picks_values),
        cmocka_unit_test(test_redactor_from_env_extra_only),
        cmocka_unit_test(test_redactor_from_env_null_envp),
        cmocka_unit_test(test_redactor_short_values_table),
        cmocka_unit_test(test_redact_cut_never_leaves_a_piece),
        cmocka_unit_test(test_cut_utf8_boundary),
    };

    return cmocka_run_group_tests(tests, 0, NULL);
}
