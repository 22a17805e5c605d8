/*
 * report_text.h: the human report: one line per check, a summary, the
 * verdict. Colour and symbols only when asked (a TTY without NO_COLOR).
 * Also the live progress line a long run shows on a terminal.
 */
#ifndef PF_REPORT_TEXT_H
#define PF_REPORT_TEXT_H

#include <stdint.h>
#include <stdio.h>

#include "evidence.h"
#include "redact.h"

/* How much the text report says. */
#define PF_TEXT_QUIET (-1) /* checks that did not pass, problems, verdict */
#define PF_TEXT_NORMAL 0   /* a line per check, the summary, the verdict */
#define PF_TEXT_VERBOSE 1  /* and every check's title, file, details */

void pf_report_text_level(FILE *out, const pf_report *r, int color, int level);
/* --verbose: every preflight.log message of every check, one line each,
 * "log ID: MESSAGE", made terminal-safe (a newline in a message is shown
 * as '?'). */
void pf_report_logs(FILE *out, const pf_report *r);
/* 1 when fd is a terminal, NO_COLOR is unset or empty and TERM is not
 * "dumb" (--color auto). */
int pf_want_color(int fd);

/*
 * The progress line: pf_progress_update is a pf_run_config progress
 * callback (ud is a pf_progress). Once the run has taken a second it
 * rewrites one line on out ("\r", erase line): done/total and the check
 * running longest, masked with the redactor and cut to the terminal's
 * width. pf_progress_end erases the line if one was shown.
 */
typedef struct pf_progress {
    FILE *out;
    const pf_redactor *redactor; /* may be NULL */
    uint64_t started_ns;         /* CLOCK_MONOTONIC */
    int shown;
    int color;
} pf_progress;

void pf_progress_init(pf_progress *p, FILE *out, const pf_redactor *redactor,
                      int color);
void pf_progress_update(void *ud, size_t done, size_t total,
                        const char *slowest, double slowest_ms);
void pf_progress_end(pf_progress *p);
/* 1 when a progress line makes sense on fd: a terminal, and TERM is not
 * "dumb". */
int pf_want_progress(int fd);

/*
 * The one terminal-safe rule for every text sink (the report, `list`, the
 * progress line, usage errors quoting an argument, errors quoting a path):
 * every control character (C0 including CR, LF and ESC, DEL, C1),
 * U+2028/U+2029 and every byte of invalid UTF-8 is shown as '?', so no
 * text from a check, a file name or an argument can move the cursor or
 * start a line of its own.
 *
 * pf_term_put writes s (NULL: nothing) that way; pf_term_clean rewrites s
 * in place (it only gets shorter); pf_term_error writes "preflight: ",
 * the formatted message made safe, and a newline to stderr.
 */
void pf_term_put(FILE *out, const char *s);
void pf_term_clean(char *s);
/* Lines of text, each written as pf_term_put does and ended with a
 * newline (a last line without one gets one); s is rewritten in place. */
void pf_term_put_lines(FILE *out, char *s);
void pf_term_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
