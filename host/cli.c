/*
 * cli.c: the one table of preflight's commands and options (cli.h), and
 * the help texts, the parser's checks, "did you mean" and the bash
 * completion made from it. Nothing here runs a command: main.c does.
 */
#include "cli.h"

#include <string.h>

#include "version.h"

static const char *const formats_report[] = {"text", "json", "junit", "tap",
                                             NULL};
static const char *const formats_text_json[] = {"text", "json", NULL};
static const char *const formats_files[] = {"json", "junit",  "tap",
                                            "text", "nagios", NULL};
static const char *const http_modes[] = {"mock", "real", NULL};
static const char *const phases[] = {"start", "guard", NULL};
static const char *const requires[] = {"pass", "armed", NULL};
static const char *const colors[] = {"auto", "always", "never", NULL};

#define C_RUNLIST (PF_C_CHECKS | PF_C(PF_CMD_LIST))
#define C_GATE (PF_C(PF_CMD_ARM) | PF_C(PF_CMD_EXEC))

/* The options. Help lines are at most 48 columns (they start at column
 * 30 of an 80-column terminal). */
const pf_cli_opt pf_cli_opts[] = {
    /* global: also before the command */
    {"--help", 'h', NULL, PF_C_ALL, PF_G_GLOBAL, NULL, PF_V_NONE, 1,
     "this command's help (before a command: the\n"
     "overview)",
     NULL, 0},
    {"--version", 'V', NULL, PF_C_ALL, PF_G_GLOBAL, NULL, PF_V_NONE, 1,
     "print the name and version", NULL, 0},
    {"--color", 0, "WHEN", PF_C_ALL, PF_G_GLOBAL, colors, PF_V_CHOICES, 1,
     "colour and symbols: auto (default: on a\n"
     "terminal, unless NO_COLOR is set and not\n"
     "empty or TERM is dumb), always, never",
     NULL, 0},
    {"--quiet", 'q', NULL, PF_C_CHECKS, PF_G_GLOBAL, NULL, PF_V_NONE, 1,
     "text: only checks that did not pass, the\n"
     "problems and the verdict; no progress line",
     NULL, 0},
    {"--verbose", 'v', NULL, PF_C_CHECKS, PF_G_GLOBAL, NULL, PF_V_NONE, 1,
     "text: also every check's title, file, tags,\n"
     "reason and details",
     NULL, 0},

    /* report */
    {"--format", 0, "FORMAT", PF_C_CHECKS, PF_G_REPORT, formats_report,
     PF_V_CHOICES, 0,
     "report on stdout (default text); json is\n"
     "the evidence document",
     NULL, 0},
    {"--evidence", 0, "FILE", PF_C_CHECKS, PF_G_REPORT, NULL, PF_V_FILE, 0,
     "write the evidence JSON atomically", NULL, 0},
    {"--metrics", 0, "FILE", PF_C_CHECKS, PF_G_REPORT, NULL, PF_V_FILE, 0,
     "write Prometheus metrics atomically (the\n"
     "node-exporter textfile collector format)",
     NULL, 0},
    {"--metrics-label", 0, "NAME=VALUE", PF_C_CHECKS, PF_G_REPORT, NULL,
     PF_V_NONE, 0,
     "put the label NAME=\"VALUE\" on every metrics\n"
     "series (repeatable; not job or instance)",
     NULL, 0},
    {"--report", 0, "FORMAT:FILE", PF_C_CHECKS, PF_G_REPORT, formats_files,
     PF_V_NONE, 0,
     "also write a report to FILE atomically\n"
     "(repeatable; FORMAT json, junit, tap, text\n"
     "or nagios: one status line and perfdata)",
     NULL, ':'},
    {"--sign-key", 0, "FILE", PF_C_CHECKS, PF_G_REPORT, NULL, PF_V_FILE, 0,
     "sign the evidence with this Ed25519 key\n"
     "(EVIDENCE.sig; preflight verify checks it)",
     NULL, 0},

    /* run */
    {"--jobs", 0, "N", C_RUNLIST, PF_G_RUN, NULL, PF_V_NONE, 0,
     "at most N worker processes (default 32)", NULL, 0},
    {"--timeout-ms", 0, "N", C_RUNLIST, PF_G_RUN, NULL, PF_V_NONE, 0,
     "per-check time limit (default 5000)", NULL, 0},
    {"--run-timeout-ms", 0, "N", C_RUNLIST, PF_G_RUN, NULL, PF_V_NONE, 0,
     "whole-run time limit (default 300000)", NULL, 0},
    {"--memory-mb", 0, "N", C_RUNLIST, PF_G_RUN, NULL, PF_V_NONE, 0,
     "per-check memory limit (default 64)", NULL, 0},
    {"--tag", 0, "T", C_RUNLIST, PF_G_RUN, NULL, PF_V_NONE, 0,
     "run checks tagged T (repeatable; manifest\n"
     "ids always run)",
     NULL, 0},
    {"--fixtures", 0, "DIR", C_RUNLIST, PF_G_RUN, NULL, PF_V_DIR, 0,
     "mock HTTP fixtures (default fixtures/ in\n"
     "the checks folder)", NULL, 0},
    {"--format", 0, "FORMAT", PF_C(PF_CMD_LIST), PF_G_CMD, formats_text_json,
     PF_V_CHOICES, 0,
     "a line per check, or JSON: {\"checks\":\n"
     "[{\"id\",\"title\",\"file\",\"tags\"}]}",
     NULL, 0},
    {"--http", 0, "MODE", C_RUNLIST, PF_G_RUN, http_modes, PF_V_CHOICES, 0,
     "HTTP backend (default mock in paper, real in\n"
     "live)",
     "live: mock is refused", 0},
    {"--root", 0, "DIR", C_RUNLIST, PF_G_RUN, NULL, PF_V_DIR, 0,
     "project root (default: the checks folder's\n"
     "parent)", NULL, 0},
    {"--lib", 0, "DIR", C_RUNLIST, PF_G_RUN, NULL, PF_V_DIR, 0,
     "Lua library folder (default ROOT/lib, else,\n"
     "in paper, the installed copy)",
     NULL, 0},
    {"--phase", 0, "PHASE", PF_C(PF_CMD_RUN), PF_G_RUN, phases, PF_V_CHOICES,
     0,
     "the checks' ctx.phase: start (default) or\n"
     "guard, for testing guard checks",
     NULL, 0},
    {"--secret", 0, "NAME", C_RUNLIST, PF_G_RUN, NULL, PF_V_NONE, 0,
     "also mask the value of $NAME, whatever its\n"
     "length (repeatable)",
     NULL, 0},

    /* arming */
    {"--notional-ceiling-usd", 0, "X", C_GATE, PF_G_GATE, NULL, PF_V_NONE, 0,
     "cap for LIVE_MAX_NOTIONAL_USD (default: the\n"
     "policy's, else 1000; at most 100000)",
     "paper only; live: refused, the policy sets it", 0},
    {"--kill-switch", 0, "FILE", C_GATE | PF_C(PF_CMD_KILL), PF_G_GATE, NULL,
     PF_V_FILE, 0,
     "kill-switch file (default: the policy's,\n"
     "else ROOT/KILL_SWITCH)",
     "paper only; live: refused, the policy names it", 0},
    {"--audit", 0, "FILE", C_GATE, PF_G_GATE, NULL, PF_V_FILE, 0,
     "append an audit record to FILE",
     "paper only; live: refused, the policy's is\n"
     "written (else ROOT/evidence/audit.jsonl)",
     0},
    {"--guard", 0, NULL, PF_C(PF_CMD_EXEC), PF_G_GATE, NULL, PF_V_NONE, 0,
     "keep COMMAND as a supervised child: the kill\n"
     "switch and the guard checks stop it (DESIGN\n"
     "8.8)",
     "live exec always guards", 0},
    {"--approvals", 0, "FILE", C_GATE, PF_G_GATE, NULL, PF_V_FILE, 0,
     "approval tokens, one a line (else\n"
     "$LIVE_APPROVALS)",
     "live only", 0},

    /* one command's own */
    {"--reason", 0, "TEXT", PF_C(PF_CMD_KILL), PF_G_CMD, NULL, PF_V_NONE, 0,
     "why (required, not blank)", NULL, 0},
    {"--check", 0, NULL, PF_C(PF_CMD_LOCK), PF_G_CMD, NULL, PF_V_NONE, 0,
     "compare instead of writing: exit 0 when\n"
     "the lock matches, 1 listing each\n"
     "difference (changed, missing, unlocked)",
     NULL, 0},
    {"--root", 0, "DIR",
     PF_C(PF_CMD_LOCK) | PF_C(PF_CMD_APPROVE) | PF_C(PF_CMD_KILL), PF_G_CMD,
     NULL, PF_V_DIR, 0, "project root (default: PATH's parent)", NULL, 0},
    {"--lib", 0, "DIR", PF_C(PF_CMD_LOCK) | PF_C(PF_CMD_APPROVE), PF_G_CMD,
     NULL, PF_V_DIR, 0,
     "Lua library folder (default ROOT/lib;\n"
     "never the installed copy)",
     NULL, 0},
    {"--out", 0, "FILE", PF_C(PF_CMD_KEYGEN), PF_G_CMD, NULL, PF_V_FILE, 0,
     "where the private key goes (never over an\n"
     "existing file)",
     NULL, 0},
    {"--name", 0, "NAME", PF_C(PF_CMD_KEYGEN), PF_G_CMD, NULL, PF_V_NONE, 0,
     "the approver's name", NULL, 0},
    {"--key", 0, "FILE", PF_C(PF_CMD_APPROVE), PF_G_CMD, NULL, PF_V_FILE, 0,
     "the approver's private key (from keygen)", NULL, 0},
    {"--cap", 0, "USD", PF_C(PF_CMD_APPROVE), PF_G_CMD, NULL, PF_V_NONE, 0,
     "the notional cap approved", NULL, 0},
    {"--host", 0, "ID", PF_C(PF_CMD_APPROVE), PF_G_CMD, NULL, PF_V_NONE, 0,
     "the host id the start is approved for", NULL, 0},
    {"--ttl-s", 0, "S", PF_C(PF_CMD_APPROVE), PF_G_CMD, NULL, PF_V_NONE, 0,
     "how long the token is valid (default and\n"
     "at most 600)",
     NULL, 0},
    {"--last", 0, "N", PF_C(PF_CMD_AUDIT), PF_G_CMD, NULL, PF_V_NONE, 0,
     "show: how many records (default 20)", NULL, 0},
    {"--format", 0, "FORMAT", PF_C(PF_CMD_AUDIT), PF_G_CMD, formats_text_json,
     PF_V_CHOICES, 0, "show: records as text, or the lines", NULL, 0},
    {"--pubkey", 0, "FILE", PF_C(PF_CMD_VERIFY), PF_G_CMD, NULL, PF_V_FILE, 0,
     "the signer's line \"ed25519 BASE64 NAME\"", NULL, 0},
    {"--require", 0, "OUTCOME", PF_C(PF_CMD_VERIFY), PF_G_CMD, requires,
     PF_V_CHOICES, 0, "the outcome required", NULL, 0},
    {"--max-age-s", 0, "S", PF_C(PF_CMD_VERIFY), PF_G_CMD, NULL, PF_V_NONE, 0,
     "how old finished_at may be (default 600)", NULL, 0},
    {"--host", 0, "ID", PF_C(PF_CMD_VERIFY), PF_G_CMD, NULL, PF_V_NONE, 0,
     "the host id the evidence must name", NULL, 0},
};
const size_t pf_cli_nopts = sizeof pf_cli_opts / sizeof pf_cli_opts[0];

/* The commands, in PF_CMD_* order. */
const pf_cli_cmd pf_cli_cmds[] = {
    {"run", "run  [PATH...]", "run the checks and report (default checks/)",
     "preflight run [PATH...] [OPTIONS]",
     "Run every check in PATH (a check file, or a folder: its *.lua files,\n"
     "sorted, not recursive, and the ids of its manifest; default checks/)\n"
     "in sandboxed workers and report. Exit 0 only when at least one check\n"
     "passed, none failed or erred, no manifest check skipped, every\n"
     "manifest id ran and passed, and no id was duplicated.\n"
     "The project root is the parent of the checks folder (PATH, or the\n"
     "folder of a check file), not the working directory: lib/, the kill\n"
     "switch, evidence/ and the audit log are found there, fs.read cannot\n"
     "leave it. A relative path given in an option (--evidence, --metrics,\n"
     "--root, --lib, --fixtures) is taken from the working directory.\n",
     2, PF_V_FILE},
    {"list", "list [PATH...]", "load the checks and list them; runs nothing",
     "preflight list [PATH...] [OPTIONS]",
     "Load every check in a worker to read its id, title and tags, and\n"
     "print them; runs nothing. Exit 0 when every file loaded with valid\n"
     "metadata, 2 otherwise.\n",
     0, PF_V_FILE},
    {"arm", "arm  [PATH...]", "the LIVE arming gate, then the checks",
     "preflight arm [PATH...] [OPTIONS]",
     "The LIVE arming gate (mode, acknowledgement, arm time, notional cap,\n"
     "kill switch), then the checks, then the arm time again. Answers ARMED\n"
     "(exit 0) only in live mode with the gate holding and every check\n"
     "passing; paper mode is never armed (exit 3). Always writes evidence\n"
     "(default evidence/<UTC time>-<pid>-<random>-arm.json).\n",
     2, PF_V_FILE},
    {"exec", "exec [OPTIONS] -- COMMAND [ARG...]",
     "start COMMAND only if the checks pass (and,\n"
     "in live mode, the gate armed)",
     "preflight exec [OPTIONS] [PATH...] -- COMMAND [ARG...]",
     "As arm, then start COMMAND (same environment plus\n"
     "PREFLIGHT_EVIDENCE=<evidence file>) only when the checks passed and,\n"
     "in live mode, the gate armed; otherwise start nothing and exit 1, 2\n"
     "or 3. An engaged kill switch refuses exec in every mode; it is looked\n"
     "at again after the checks and right before COMMAND starts. The\n"
     "evidence is then a start document (started true, exit_code null).\n"
     "Unguarded (paper without --guard) preflight replaces itself with\n"
     "COMMAND (execvp). Guarded (live always, paper with --guard) COMMAND\n"
     "is preflight's child: the kill switch is watched and engaging it\n"
     "stops COMMAND and every descendant (SIGTERM, SIGKILL after the\n"
     "policy's stop_grace_ms); the checks tagged guard run every\n"
     "guard_interval_s and a required one failing guard_failures times in\n"
     "a row engages the switch; signals are forwarded; COMMAND dies with\n"
     "preflight. When COMMAND ends a stop document (EVIDENCE-stop.json) is\n"
     "written and preflight exits with COMMAND's status (128+N for a\n"
     "signal), or 3 when the guard stopped it. Live exec needs a required\n"
     "guard check.\n",
     2, PF_V_FILE},
    {"kill", "kill --reason TEXT", "engage the kill switch",
     "preflight kill --reason TEXT [--kill-switch FILE] [PATH]",
     "Engage the kill switch: write the kill-switch file of the pack in\n"
     "PATH (default checks/): its policy's kill_switch, else\n"
     "ROOT/KILL_SWITCH; the file the gate and the guard watch) atomically\n"
     "with TEXT, and say which file it wrote. While it exists live arming and\n"
     "every exec are refused. An engaged switch is kept as it is (exit 0,\n"
     "saying who engaged it and why; of concurrent kills exactly one\n"
     "wins); clearing it is removing the file by hand (docs/RUNBOOK.md).\n",
     1, PF_V_DIR},
    {"lock", "lock [--check] [PATH]", "write or check PATH/preflight.lock",
     "preflight lock [--check] [--root DIR] [--lib DIR] [PATH]",
     "Write PATH/preflight.lock (PATH: the checks folder, default checks/):\n"
     "one line \"sha256  path\" per file of the pack (every check file,\n"
     "manifest, approvers, policy, every *.lua below the Lua library\n"
     "folder), paths relative to the project root (PATH's parent), sorted.\n"
     "The pack digest is the SHA-256 of the lock file. A symlink, FIFO or\n"
     "library folder outside the root refuses the pack (exit 2).\n",
     1, PF_V_DIR},
    {"keygen", "keygen --out FILE --name NAME",
     "make an approver's Ed25519 key",
     "preflight keygen --out FILE --name NAME",
     "Make an approver's Ed25519 key: write the private key to FILE (PEM,\n"
     "mode 0600, never over an existing file; encrypted when\n"
     "PREFLIGHT_KEY_PASSPHRASE is set) and print its public line\n"
     "\"ed25519 BASE64 NAME\" for PATH/approvers. NAME: 1 to 64 of\n"
     "A-Z a-z 0-9 . _ @ -.\n",
     1, PF_V_NONE},
    {"approve", "approve --key FILE --cap USD --host ID [--ttl-s S] [PATH]",
     "print a signed approval of PATH's pack",
     "preflight approve --key FILE --cap USD --host ID [--ttl-s S]\n"
     "                         [--root DIR] [--lib DIR] [PATH]",
     "Approve one LIVE start of the pack in PATH (default checks/): refuse\n"
     "unless its lock matches and the key is listed in PATH/approvers;\n"
     "print the pack digest (and the git commit) on stderr and one token\n"
     "line on stdout binding pack digest, cap, host id, issue and expiry\n"
     "time (S seconds, default and at most 600), approver, key id and a\n"
     "random nonce. Live arm and exec read tokens from --approvals FILE or\n"
     "LIVE_APPROVALS; each is used once.\n",
     1, PF_V_DIR},
    {"audit", "audit verify|show|rotate [FILE]",
     "check the audit log's hash chain, show\nits last records, or rotate it",
     "preflight audit verify [FILE...]\n"
     "       preflight audit show [--last N] [--format text|json] [FILE]\n"
     "       preflight audit rotate [FILE]",
     "FILE: the audit log (default: the policy's audit of checks/, else\n"
     "evidence/audit.jsonl). verify checks the hash chain: exit 0 intact,\n"
     "1 broken (naming the first bad line and why), 2 unreadable; given\n"
     "several files (oldest first) it checks that each links to the one\n"
     "before. show prints the last N records (default 20; 0 all) as text,\n"
     "or the lines themselves with --format json. rotate archives the log\n"
     "as FILE.FIRST-LAST and starts FILE again with a record linked to it\n"
     "(exit 1: broken or empty, not rotated).\n",
     1, PF_V_FILE},
    {"verify", "verify EVIDENCE --pubkey FILE --require pass|armed",
     "check a signed evidence document",
     "preflight verify EVIDENCE --pubkey FILE --require pass|armed\n"
     "                        [--max-age-s S] [--host ID]",
     "Check a signed evidence document (written with --sign-key): exit 0\n"
     "only if EVIDENCE.sig is a valid Ed25519 signature of the file's\n"
     "exact bytes by the key in FILE (a line \"ed25519 BASE64 NAME\" as in\n"
     "approvers), finished_at is at most S seconds ago (default 600) and\n"
     "not in the future, the outcome is the one required (pass: verdict\n"
     "pass; armed: also ARMED) and, with --host, the host id matches.\n"
     "Else exit 1 listing every reason; 2 when an input cannot be read.\n",
     1, PF_V_FILE},
    {"version", "version", "print the version", "preflight version",
     "Print the name and version (also -V, --version).\n", 0, PF_V_NONE},
    {"help", "help [COMMAND]", "this text, or the help of one command",
     "preflight help [COMMAND]",
     "Print the overview, or the help of COMMAND. `preflight COMMAND\n"
     "--help` (or -h) does the same.\n",
     0, PF_V_COMMAND},
    {"completion", "completion bash", "print the bash completion script",
     "preflight completion bash",
     "Print the bash completion of preflight, made from the same table as\n"
     "this help. Installed to share/bash-completion/completions/preflight;\n"
     "by hand: source <(preflight completion bash).\n",
     0, PF_V_CHOICES},
};

static const char env_text[] =
    "environment:\n"
    "  ARBITRAGE_ENV               unset or paper: paper mode; live: live\n"
    "                              mode; anything else is refused (exit 3)\n"
    "  LIVE_ARM_ACK                live: exactly I_UNDERSTAND_LIVE_RISK\n"
    "  LIVE_ARM_AT                 live: UTC arm time (RFC 3339 or Unix\n"
    "                              seconds), -30 s to 600 s old\n"
    "  LIVE_MAX_NOTIONAL_USD       live: cap on money at risk (<= ceiling)\n"
    "  NO_COLOR                    set and non-empty: no colour (unless\n"
    "                              --color always)\n"
    "  TERM                        dumb: no colour (unless --color always),\n"
    "                              no progress line\n"
    "  names with KEY, SECRET, TOKEN, PASSWORD, PASSPHRASE: values masked\n"
    "\n";

static const char exit_text[] =
    "exit codes: 0 pass/armed, 1 a check did not pass, 2 could not evaluate\n"
    "(also a caught signal or a closed stdout), 3 refused by the arming gate\n"
    "or the kill switch.\n"
    "See preflight(1), docs/CLI.md and docs/arming.md.\n";

static const char *const group_names[PF_G_COUNT] = {
    "global options (also before the command)", "report options", "run options",
    "arming options", "options"};

const pf_cli_cmd *pf_cli_command(const char *name)
{
    for (int i = 0; i < PF_CMD_COUNT; i++)
        if (strcmp(pf_cli_cmds[i].name, name) == 0)
            return &pf_cli_cmds[i];
    return NULL;
}

int pf_cli_command_id(const pf_cli_cmd *cmd)
{
    return (int)(cmd - pf_cli_cmds);
}

const pf_cli_opt *pf_cli_option(const char *name, size_t len, int cmd,
                                int *known)
{
    int shrt = len == 2 && name[0] == '-' && name[1] != '-';

    *known = 0;
    for (size_t i = 0; i < pf_cli_nopts; i++) {
        const pf_cli_opt *o = &pf_cli_opts[i];
        if (shrt ? o->shrt != name[1] || o->shrt == 0
                 : strlen(o->name) != len || strncmp(o->name, name, len) != 0)
            continue;
        *known = 1;
        if (cmd < 0 || (o->cmds & PF_C(cmd)))
            return o;
    }
    return NULL;
}

int pf_cli_choice_ok(const pf_cli_opt *o, const char *val)
{
    size_t n = o->sep ? strcspn(val, (char[2]){o->sep, '\0'}) : strlen(val);

    if (o->choices == NULL)
        return 1;
    if (o->sep && (val[n] != o->sep || val[n + 1] == '\0'))
        return 0;
    for (size_t i = 0; o->choices[i] != NULL; i++)
        if (strlen(o->choices[i]) == n && strncmp(o->choices[i], val, n) == 0)
            return 1;
    return 0;
}

/* "a, b and c" of n words into out; conj is " and " or " or ". */
static void join(const char *const *w, size_t n, const char *conj, char *out,
                 size_t outlen)
{
    size_t at = 0;

    out[0] = '\0';
    for (size_t i = 0; i < n && at < outlen; i++) {
        at += (size_t)snprintf(out + at, outlen - at, "%s%s",
                               i == 0       ? ""
                               : i + 1 == n ? conj
                                            : ", ",
                               w[i]);
    }
}

void pf_cli_choices_text(const pf_cli_opt *o, char *out, size_t outlen)
{
    size_t n = 0;

    while (o->choices != NULL && o->choices[n] != NULL)
        n++;
    join(o->choices, n, " or ", out, outlen);
}

void pf_cli_options_text(int cmd, char *out, size_t outlen)
{
    const char *w[64];
    size_t n = 0;

    for (size_t i = 0; i < pf_cli_nopts && n < 64; i++)
        if ((pf_cli_opts[i].cmds & PF_C(cmd)) && !pf_cli_opts[i].global)
            w[n++] = pf_cli_opts[i].name;
    join(w, n, " and ", out, outlen);
}

int pf_cli_distance(const char *a, const char *b)
{
    enum { M = 64 };
    unsigned char d[M + 1][M + 1];
    size_t la = strlen(a), lb = strlen(b), i, j;

    if (la > M || lb > M)
        return 255;
    for (i = 0; i <= la; i++)
        d[i][0] = (unsigned char)i;
    for (j = 0; j <= lb; j++)
        d[0][j] = (unsigned char)j;
    for (i = 1; i <= la; i++) {
        for (j = 1; j <= lb; j++) {
            int v = d[i - 1][j] + 1,
                sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (sub < v)
                v = sub;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = (unsigned char)v;
        }
    }
    return d[la][lb];
}

/* The closest candidate to a word: one at most one edit away (two for a
 * word of six letters or more, not counting an option's "--"), else the
 * only candidate the word is a prefix of (three letters typed or more). */
typedef struct suggest {
    char word[65];
    size_t letters; /* the word's length without "--" */
    const char *best;
    int dist;
    const char *prefix;
    int nprefix;
} suggest;

static void suggest_init(suggest *s, const char *word, size_t len, size_t skip)
{
    memset(s, 0, sizeof *s);
    s->dist = 255;
    if (len >= sizeof s->word)
        len = 0; /* nothing that long is close to a name */
    memcpy(s->word, word, len);
    s->word[len] = '\0';
    s->letters = len > skip ? len - skip : 0;
}

static void consider(suggest *s, const char *cand)
{
    int d = pf_cli_distance(s->word, cand);

    if (s->letters == 0)
        return;
    if (d < s->dist) {
        s->dist = d;
        s->best = cand;
    }
    if (s->letters >= 3 && d > 0 &&
        strncmp(cand, s->word, strlen(s->word)) == 0 &&
        (s->prefix == NULL || strcmp(s->prefix, cand) != 0)) {
        s->prefix = cand;
        s->nprefix++;
    }
}

static const char *suggestion(const suggest *s)
{
    if (s->best != NULL && s->dist > 0 && s->dist <= (s->letters >= 6 ? 2 : 1))
        return s->best;
    if (s->nprefix == 1)
        return s->prefix;
    return NULL;
}

const char *pf_cli_suggest_command(const char *word)
{
    suggest s;

    suggest_init(&s, word, strlen(word), 0);
    for (int i = 0; i < PF_CMD_COUNT; i++)
        consider(&s, pf_cli_cmds[i].name);
    return suggestion(&s);
}

const char *pf_cli_suggest_option(const char *word, size_t len, int cmd)
{
    suggest s;

    suggest_init(&s, word, len, strncmp(word, "--", 2) == 0 ? 2 : 0);
    for (size_t i = 0; i < pf_cli_nopts; i++)
        if (cmd < 0 || (pf_cli_opts[i].cmds & PF_C(cmd)))
            consider(&s, pf_cli_opts[i].name);
    return suggestion(&s);
}

/* Lines of text, the first after what was printed (at column col), every
 * one at column 30. */
static void lines_at(FILE *out, const char *text, int col)
{
    const char *p = text;

    if (col >= 30) {
        fputc('\n', out);
        col = 0;
    }
    while (*p) {
        size_t n = strcspn(p, "\n");
        fprintf(out, "%*s%.*s\n", 30 - col, "", (int)n, p);
        col = 0;
        p += n;
        if (*p == '\n')
            p++;
    }
}

static void option_help(FILE *out, const pf_cli_opt *o)
{
    char left[128];
    int n;

    n = snprintf(left, sizeof left, "  %s%s%s%s", o->shrt ? "-" : "",
                 o->shrt ? (char[2]){o->shrt, '\0'} : "", o->shrt ? ", " : "",
                 o->name);
    if (o->choices != NULL && !o->sep) {
        for (size_t i = 0; o->choices[i] != NULL; i++)
            n += snprintf(left + n, sizeof left - (size_t)n, "%c%s",
                          i ? '|' : ' ', o->choices[i]);
    } else if (o->arg != NULL) {
        n += snprintf(left + n, sizeof left - (size_t)n, " %s", o->arg);
    }
    fputs(left, out);
    lines_at(out, o->help, n);
    if (o->modes != NULL) {
        char m[200];
        snprintf(m, sizeof m, "[%s]", o->modes);
        lines_at(out, m, 0);
    }
}

/* The commands (names) of a set, "run, arm, exec", into out. */
static void command_names(unsigned set, char *out, size_t outlen)
{
    size_t at = 0;

    out[0] = '\0';
    for (int i = 0; i < PF_CMD_COUNT && at < outlen; i++)
        if (set & PF_C(i))
            at += (size_t)snprintf(out + at, outlen - at, "%s%s",
                                   at ? ", " : "", pf_cli_cmds[i].name);
}

/* The options of group g that one of the commands in set takes. */
static void group_help(FILE *out, int g, unsigned set, int with_cmds)
{
    unsigned used = 0;
    int any = 0;
    char names[200];

    for (size_t i = 0; i < pf_cli_nopts; i++)
        if (pf_cli_opts[i].group == g && (pf_cli_opts[i].cmds & set)) {
            used |= pf_cli_opts[i].cmds & set;
            any = 1;
        }
    if (!any)
        return;
    command_names(used, names, sizeof names);
    if (with_cmds && g != PF_G_GLOBAL)
        fprintf(out, "%s (%s):\n", group_names[g], names);
    else
        fprintf(out, "%s:\n", group_names[g]);
    for (size_t i = 0; i < pf_cli_nopts; i++)
        if (pf_cli_opts[i].group == g && (pf_cli_opts[i].cmds & set))
            option_help(out, &pf_cli_opts[i]);
    fputc('\n', out);
}

void pf_cli_help(FILE *out, int cmd)
{
    static const int order[] = {PF_G_CMD, PF_G_REPORT, PF_G_RUN, PF_G_GATE,
                                PF_G_GLOBAL};
    const pf_cli_cmd *c;

    if (cmd < 0 || cmd >= PF_CMD_COUNT) {
        fputs("usage: preflight [GLOBAL OPTIONS] COMMAND [OPTIONS] "
              "[PATH...]\n\ncommands:\n",
              out);
        for (int i = 0; i < PF_CMD_COUNT; i++) {
            fprintf(out, "  %s", pf_cli_cmds[i].brief);
            lines_at(out, pf_cli_cmds[i].summary,
                     2 + (int)strlen(pf_cli_cmds[i].brief));
        }
        fputc('\n', out);
        group_help(out, PF_G_GLOBAL, PF_C_CHECKS, 0);
        for (int g = PF_G_REPORT; g <= PF_G_GATE; g++)
            group_help(out, g, PF_C_CHECKS | PF_C(PF_CMD_LIST), 1);
        fputs(env_text, out);
        fputs("`preflight help COMMAND` shows the options of one command.\n",
              out);
        fputs(exit_text, out);
        return;
    }
    c = &pf_cli_cmds[cmd];
    fputs("usage: ", out);
    fputs(c->usage, out);
    fputs("\n\n", out);
    fputs(c->text, out);
    fputc('\n', out);
    for (size_t g = 0; g < sizeof order / sizeof order[0]; g++)
        group_help(out, order[g], PF_C(cmd), 0);
    if (c->env_exit >= 2)
        fputs(env_text, out);
    if (c->env_exit >= 1)
        fputs(exit_text, out);
}

/* The words a command's option list offers: every long and short name. */
static void option_words(FILE *out, unsigned set, int global_only)
{
    const char *sep = "";

    for (size_t i = 0; i < pf_cli_nopts; i++) {
        const pf_cli_opt *o = &pf_cli_opts[i];
        int dup = 0;
        if (!(o->cmds & set) || (global_only && !o->global))
            continue;
        for (size_t j = 0; j < i; j++) /* a name with two rows: once */
            if ((pf_cli_opts[j].cmds & set) &&
                strcmp(pf_cli_opts[j].name, o->name) == 0)
                dup = 1;
        if (dup)
            continue;
        fprintf(out, "%s%s", sep, o->name);
        sep = " ";
        if (o->shrt)
            fprintf(out, " -%c", o->shrt);
    }
}

/* The case patterns "run:--format|arm:--format" of a row taking a value
 * (a global one also before the command: ":--color"). */
static void value_patterns(FILE *out, const pf_cli_opt *o)
{
    const char *sep = "";

    if (o->cmds == PF_C_ALL) {
        fprintf(out, "*:%s", o->name);
        return;
    }
    if (o->global) {
        fprintf(out, "\":%s\"", o->name);
        sep = "|";
    }
    for (int c = 0; c < PF_CMD_COUNT; c++)
        if (o->cmds & PF_C(c)) {
            fprintf(out, "%s%s:%s", sep, pf_cli_cmds[c].name, o->name);
            sep = "|";
        }
}

void pf_cli_completion_bash(FILE *out)
{
    fputs("# bash completion of preflight " PF_VERSION ", made by `preflight "
          "completion bash`\n"
          "# from the table of commands and options in host/cli.c.\n"
          "_preflight_reply() {\n"
          "    mapfile -t COMPREPLY < <(compgen \"$@\")\n"
          "}\n"
          "_preflight() {\n"
          "    local cur prev cmd='' sub='' at=0 i w\n"
          "    cur=${COMP_WORDS[COMP_CWORD]}\n"
          "    prev=${COMP_WORDS[COMP_CWORD-1]}\n"
          "    # --opt=VALUE: bash splits it at '='\n"
          "    if [[ $cur == = ]]; then cur=''; fi\n"
          "    if [[ $prev == = && COMP_CWORD -ge 2 ]]; then\n"
          "        prev=${COMP_WORDS[COMP_CWORD-2]}\n"
          "    fi\n"
          "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
          "        w=${COMP_WORDS[i]}\n"
          "        if [[ -n $cmd ]]; then\n"
          "            if [[ $cmd == audit && i -eq at+1 ]]; then sub=$w; fi\n"
          "            if [[ $cmd == exec && $w == -- ]]; then\n"
          "                if ((i + 1 == COMP_CWORD)); then\n"
          "                    _preflight_reply -c -- \"$cur\"\n"
          "                else\n"
          "                    compopt -o filenames 2>/dev/null\n"
          "                    _preflight_reply -f -- \"$cur\"\n"
          "                fi\n"
          "                return\n"
          "            fi\n"
          "            continue\n"
          "        fi\n"
          "        case $w in\n"
          "        =) ((i++)) ;;\n",
          out);
    /* global options with a value: skip it before the command */
    for (size_t i = 0; i < pf_cli_nopts; i++)
        if (pf_cli_opts[i].global && pf_cli_opts[i].arg != NULL)
            fprintf(out,
                    "        %s) [[ ${COMP_WORDS[i+1]} == = ]] || ((i++)) "
                    ";;\n",
                    pf_cli_opts[i].name);
    fputs("        -*) ;;\n"
          "        *) cmd=$w at=$i ;;\n"
          "        esac\n"
          "    done\n"
          "    case \"$cmd:$prev\" in\n",
          out);
    for (size_t i = 0; i < pf_cli_nopts; i++) {
        const pf_cli_opt *o = &pf_cli_opts[i];
        if (o->arg == NULL)
            continue;
        fputs("    ", out);
        value_patterns(out, o);
        fputs(")\n        ", out);
        if (o->choices != NULL && !o->sep) {
            fputs("_preflight_reply -W \"", out);
            for (size_t k = 0; o->choices[k] != NULL; k++)
                fprintf(out, "%s%s", k ? " " : "", o->choices[k]);
            fputs("\" -- \"$cur\"", out);
        } else if (o->value == PF_V_FILE) {
            fputs("compopt -o filenames 2>/dev/null; "
                  "_preflight_reply -f -- \"$cur\"",
                  out);
        } else if (o->value == PF_V_DIR) {
            fputs("compopt -o filenames 2>/dev/null; "
                  "_preflight_reply -d -- \"$cur\"",
                  out);
        } else {
            fputs("COMPREPLY=()", out);
        }
        fputs("\n        return ;;\n", out);
    }
    fputs("    esac\n"
          "    if [[ $cur == -* ]]; then\n"
          "        case $cmd in\n"
          "        '') _preflight_reply -W \"",
          out);
    option_words(out, PF_C_ALL, 1);
    fputs("\" -- \"$cur\" ;;\n", out);
    for (int c = 0; c < PF_CMD_COUNT; c++) {
        fprintf(out, "        %s) _preflight_reply -W \"", pf_cli_cmds[c].name);
        option_words(out, PF_C(c), 0);
        fputs("\" -- \"$cur\" ;;\n", out);
    }
    fputs("        esac\n"
          "        return\n"
          "    fi\n"
          "    case $cmd in\n"
          "    '' | help) _preflight_reply -W \"",
          out);
    for (int c = 0; c < PF_CMD_COUNT; c++)
        fprintf(out, "%s%s", c ? " " : "", pf_cli_cmds[c].name);
    fputs("\" -- \"$cur\" ;;\n"
          "    completion) _preflight_reply -W \"bash\" -- \"$cur\" ;;\n"
          "    audit)\n"
          "        if [[ -z $sub ]]; then\n"
          "            _preflight_reply -W \"verify show\" -- \"$cur\"\n"
          "        else\n"
          "            compopt -o filenames 2>/dev/null\n"
          "            _preflight_reply -f -- \"$cur\"\n"
          "        fi ;;\n",
          out);
    for (int c = 0; c < PF_CMD_COUNT; c++) {
        const pf_cli_cmd *k = &pf_cli_cmds[c];
        if (k->operands != PF_V_FILE && k->operands != PF_V_DIR)
            continue;
        if (c == PF_CMD_AUDIT)
            continue;
        fprintf(out,
                "    %s) compopt -o filenames 2>/dev/null; "
                "_preflight_reply -%c -- \"$cur\" ;;\n",
                k->name, k->operands == PF_V_DIR ? 'd' : 'f');
    }
    fputs("    *) COMPREPLY=() ;;\n"
          "    esac\n"
          "}\n"
          "complete -F _preflight preflight\n",
          out);
}
