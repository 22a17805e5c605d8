/*
 * test_cli.c: cmocka tests of the command-line table (host/cli.c): the
 * edit distance and "did you mean" (a table of typos), option lookup per
 * command, and the table's own rules (one row per name and command, short
 * forms unique, every row documented).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))

static void test_distance_table(void **state)
{
    static const struct {
        const char *a, *b;
        int d;
    } rows[] = {
        {"", "", 0},         {"run", "run", 0},
        {"", "run", 3},      {"run", "", 3},
        {"rnu", "run", 1},   {"rn", "run", 1},
        {"runn", "run", 1},  {"ran", "run", 1},
        {"lsit", "list", 1}, {"--fromat", "--format", 1},
        {"abc", "cba", 2},   {"kitten", "sitting", 3},
        {"ca", "abc", 3},
    };
    (void)state;
    for (size_t i = 0; i < NROWS(rows); i++) {
        int d = pf_cli_distance(rows[i].a, rows[i].b);
        if (d != rows[i].d)
            fail_msg("distance(%s, %s) = %d, want %d", rows[i].a, rows[i].b, d,
                     rows[i].d);
        assert_int_equal(d, pf_cli_distance(rows[i].b, rows[i].a));
    }
}

static void test_suggest_command_table(void **state)
{
    static const struct {
        const char *typed, *want; /* want NULL: no suggestion */
    } rows[] = {
        {"rnu", "run"},
        {"rn", "run"},
        {"lsit", "list"},
        {"exce", "exec"},
        {"lcok", "lock"},
        {"verfiy", "verify"},
        {"aprove", "approve"},
        {"keygne", "keygen"},
        {"versoin", "version"},
        {"complet", "completion"},
        {"frobnicate", NULL},
        {"x", NULL},
        {"", NULL},
        {"run", NULL}, /* exact: nothing to suggest */
    };
    (void)state;
    for (size_t i = 0; i < NROWS(rows); i++) {
        const char *got = pf_cli_suggest_command(rows[i].typed);
        if (!(got == rows[i].want ||
              (got && rows[i].want && strcmp(got, rows[i].want) == 0)))
            fail_msg("suggest(%s) = %s, want %s", rows[i].typed,
                     got ? got : "NULL", rows[i].want ? rows[i].want : "NULL");
    }
}

static void test_suggest_option_table(void **state)
{
    static const struct {
        const char *typed;
        int cmd;
        const char *want;
    } rows[] = {
        {"--fromat", PF_CMD_RUN, "--format"},
        {"--formt", PF_CMD_RUN, "--format"},
        {"--evid", PF_CMD_RUN, "--evidence"},
        {"--quite", PF_CMD_RUN, "--quiet"},
        {"-quiet", PF_CMD_RUN, "--quiet"},
        {"--timeout", PF_CMD_RUN, "--timeout-ms"},
        {"--oot", PF_CMD_KEYGEN, "--out"},
        {"--resaon", PF_CMD_KILL, "--reason"},
        {"--chek", PF_CMD_LOCK, "--check"},
        {"--frobnicate", PF_CMD_RUN, NULL},
        {"--x", PF_CMD_RUN, NULL},
        {"-x", PF_CMD_RUN, NULL},
        /* only the command's own options are suggested */
        {"--chek", PF_CMD_RUN, NULL},
        {"--reasn", PF_CMD_RUN, NULL},
    };
    (void)state;
    for (size_t i = 0; i < NROWS(rows); i++) {
        const char *got = pf_cli_suggest_option(
            rows[i].typed, strlen(rows[i].typed), rows[i].cmd);
        if (!(got == rows[i].want ||
              (got && rows[i].want && strcmp(got, rows[i].want) == 0)))
            fail_msg("suggest(%s, %d) = %s, want %s", rows[i].typed,
                     rows[i].cmd, got ? got : "NULL",
                     rows[i].want ? rows[i].want : "NULL");
    }
}

static void test_option_lookup(void **state)
{
    int known;
    const pf_cli_opt *o;
    char text[200];

    (void)state;
    o = pf_cli_option("--format=json", 8, PF_CMD_RUN, &known);
    assert_non_null(o);
    assert_true(pf_cli_choice_ok(o, "junit"));
    assert_false(pf_cli_choice_ok(o, "xml"));
    pf_cli_choices_text(o, text, sizeof text);
    assert_string_equal(text, "text, json, junit or tap");
    /* audit's --format is another row, with other values */
    o = pf_cli_option("--format", 8, PF_CMD_AUDIT, &known);
    assert_non_null(o);
    assert_false(pf_cli_choice_ok(o, "junit"));
    /* a command that does not take it: NULL, known */
    assert_null(pf_cli_option("--format", 8, PF_CMD_KILL, &known));
    assert_int_equal(known, 1);
    assert_null(pf_cli_option("--nope", 6, PF_CMD_RUN, &known));
    assert_int_equal(known, 0);
    /* short forms */
    o = pf_cli_option("-q", 2, PF_CMD_RUN, &known);
    assert_non_null(o);
    assert_string_equal(o->name, "--quiet");
    assert_null(pf_cli_option("-q", 2, PF_CMD_LOCK, &known));
    assert_int_equal(known, 1);
    assert_null(pf_cli_option("-z", 2, PF_CMD_RUN, &known));
    assert_int_equal(known, 0);
    /* a prefix is not the option */
    assert_null(pf_cli_option("--form", 6, PF_CMD_RUN, &known));
    pf_cli_options_text(PF_CMD_KEYGEN, text, sizeof text);
    assert_string_equal(text, "--out and --name");
}

static void test_table_rules(void **state)
{
    (void)state;
    for (size_t i = 0; i < pf_cli_nopts; i++) {
        const pf_cli_opt *o = &pf_cli_opts[i];
        assert_true(strncmp(o->name, "--", 2) == 0 && o->name[2] != '\0');
        assert_true(o->cmds != 0);
        assert_true(o->help != NULL && o->help[0] != '\0');
        assert_true(o->group >= 0 && o->group < PF_G_COUNT);
        if (o->choices != NULL && !o->sep) {
            assert_non_null(o->arg);
            assert_int_equal(o->value, PF_V_CHOICES);
        }
        for (size_t j = 0; j < i; j++) {
            const pf_cli_opt *p = &pf_cli_opts[j];
            /* one row per name and command */
            if (strcmp(o->name, p->name) == 0 && (o->cmds & p->cmds))
                fail_msg("%s: two rows for one command", o->name);
            if (strcmp(o->name, p->name) == 0 &&
                (o->arg == NULL) != (p->arg == NULL))
                fail_msg("%s: a flag in one row, a value in another", o->name);
            if (o->shrt && o->shrt == p->shrt)
                fail_msg("-%c: two options", o->shrt);
        }
        /* an option the parser accepts before the command is a global
         * one: every command takes it or it is a report flag */
        if (o->global)
            assert_int_equal(o->group, PF_G_GLOBAL);
    }
    for (int c = 0; c < PF_CMD_COUNT; c++) {
        assert_non_null(pf_cli_cmds[c].name);
        assert_ptr_equal(pf_cli_command(pf_cli_cmds[c].name), &pf_cli_cmds[c]);
        assert_int_equal(pf_cli_command_id(&pf_cli_cmds[c]), c);
    }
    assert_null(pf_cli_command("frobnicate"));
}

/* The help of every command and the overview name every option the
 * command takes. */
static void test_help_names_options(void **state)
{
    (void)state;
    for (int c = -1; c < PF_CMD_COUNT; c++) {
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        assert_non_null(f);
        pf_cli_help(f, c);
        assert_int_equal(fclose(f), 0);
        for (size_t i = 0; c >= 0 && i < pf_cli_nopts; i++) {
            if (!(pf_cli_opts[i].cmds & PF_C(c)))
                continue;
            if (strstr(text, pf_cli_opts[i].name) == NULL)
                fail_msg("help %s lacks %s", pf_cli_cmds[c].name,
                         pf_cli_opts[i].name);
        }
        assert_non_null(strstr(text, "usage: preflight"));
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance_table),
        cmocka_unit_test(test_suggest_command_table),
        cmocka_unit_test(test_suggest_option_table),
        cmocka_unit_test(test_option_lookup),
        cmocka_unit_test(test_table_rules),
        cmocka_unit_test(test_help_names_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
