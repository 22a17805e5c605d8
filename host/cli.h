/*
 * cli.h: the one table of preflight's commands and options, and what is
 * made from it: the help texts, the checks of the parser (which command
 * takes which option, whether it takes a value, the values it may take),
 * "did you mean" for a mistyped command or option, and the bash
 * completion. main.c parses with it; docs/CLI.md and docs/preflight.1 are
 * kept in step with it by tests/cli.sh.
 *
 * To add an option: one row in pf_cli_opts (cli.c), one branch in
 * main.c's parse_opts that stores its value, a row in docs/CLI.md's
 * option table and an entry in the man page's OPTIONS.
 */
#ifndef PF_CLI_H
#define PF_CLI_H

#include <stddef.h>
#include <stdio.h>

/* The commands, in the order of main.c's CMD_* (static-asserted there). */
enum {
    PF_CMD_RUN,
    PF_CMD_LIST,
    PF_CMD_ARM,
    PF_CMD_EXEC,
    PF_CMD_KILL,
    PF_CMD_LOCK,
    PF_CMD_KEYGEN,
    PF_CMD_APPROVE,
    PF_CMD_AUDIT,
    PF_CMD_VERIFY,
    PF_CMD_VERSION,
    PF_CMD_HELP,
    PF_CMD_COMPLETION,
    PF_CMD_COUNT
};
#define PF_C(cmd) (1u << (cmd))
#define PF_C_CHECKS (PF_C(PF_CMD_RUN) | PF_C(PF_CMD_ARM) | PF_C(PF_CMD_EXEC))
#define PF_C_ALL ((1u << PF_CMD_COUNT) - 1)

/* Option groups, in the order help shows them. */
enum { PF_G_GLOBAL, PF_G_REPORT, PF_G_RUN, PF_G_GATE, PF_G_CMD, PF_G_COUNT };

/* What the completion offers for an option's value or a command's
 * operands. */
enum { PF_V_NONE, PF_V_FILE, PF_V_DIR, PF_V_CHOICES, PF_V_COMMAND };

/* One option of one or more commands. A name may have several rows for
 * disjoint sets of commands (--format of run and of audit differ). */
typedef struct pf_cli_opt {
    const char *name;           /* "--format" */
    char shrt;                  /* 'q' for -q, or 0 */
    const char *arg;            /* "FILE", "N"; NULL: a flag */
    unsigned cmds;              /* PF_C(...) of the commands taking it */
    int group;                  /* PF_G_* */
    const char *const *choices; /* NULL, or the values it takes (NULL-ended) */
    int value;                  /* PF_V_* for the completion */
    int global;                 /* also accepted before the command */
    const char *help;           /* lines of help, '\n' between them */
    const char *modes;          /* what ARBITRAGE_ENV changes, or NULL */
    char sep; /* not 0: the value is CHOICE<sep>REST (--report json:FILE) */
} pf_cli_opt;

/* One command. */
typedef struct pf_cli_cmd {
    const char *name;
    const char *brief;   /* the overview's left column */
    const char *summary; /* the overview's right column ('\n': more lines) */
    const char *usage;   /* after "usage: " ('\n': more lines) */
    const char *text;    /* what it does */
    int env_exit;        /* help also lists the environment and exit codes */
    int operands;        /* PF_V_* of its operands */
} pf_cli_cmd;

extern const pf_cli_opt pf_cli_opts[];
extern const size_t pf_cli_nopts;
extern const pf_cli_cmd pf_cli_cmds[];

/* The command called name, or NULL. */
const pf_cli_cmd *pf_cli_command(const char *name);
/* The index of cmd in pf_cli_cmds (a PF_CMD_*). */
int pf_cli_command_id(const pf_cli_cmd *cmd);

/* The row of the option name (its first len bytes; "-q" for a short one)
 * for command id (-1: the first row of that name, whatever its commands).
 * NULL when cmd does not take it; *known is then 1 when another command
 * does, 0 when no command has such an option. */
const pf_cli_opt *pf_cli_option(const char *name, size_t len, int cmd,
                                int *known);

/* 1 when val is one of o's choices (or o has none); for an option with
 * a sep, when the part before it is, and something follows it. */
int pf_cli_choice_ok(const pf_cli_opt *o, const char *val);
/* o's choices as "a, b or c" into out. */
void pf_cli_choices_text(const pf_cli_opt *o, char *out, size_t outlen);
/* The options cmd takes as "--a, --b and --c" into out. */
void pf_cli_options_text(int cmd, char *out, size_t outlen);

/* Optimal string alignment distance of a and b (an edit is an insertion,
 * a deletion, a substitution or a swap of two neighbours), at most 255. */
int pf_cli_distance(const char *a, const char *b);
/* The command, or the option of command cmd (-1: any command), closest
 * to word; NULL when none is close enough to suggest. */
const char *pf_cli_suggest_command(const char *word);
const char *pf_cli_suggest_option(const char *word, size_t len, int cmd);

/* Print the overview (cmd < 0) or the help of command cmd. */
void pf_cli_help(FILE *out, int cmd);

/* Print the bash completion script. */
void pf_cli_completion_bash(FILE *out);

#endif
