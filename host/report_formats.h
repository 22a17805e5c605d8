/*
 * report_formats.h: the machine-readable reports besides the evidence.
 *
 * JUnit XML and TAP version 13 go to CI systems (`--format junit|tap` on
 * stdout); the Prometheus text exposition format goes to node-exporter's
 * textfile collector (`--metrics FILE`, written atomically). Each writer
 * appends to a pf_buf (allocation failure is sticky in b->oom). Every
 * string that came from a check was masked by the runner already; each
 * writer only makes text safe for its own syntax, whatever bytes it holds.
 */
#ifndef PF_REPORT_FORMATS_H
#define PF_REPORT_FORMATS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "evidence.h"

/*
 * JUnit XML: one <testsuite> inside <testsuites>, one <testcase> per check
 * (optional skips and checks left out by --tag as <skipped/>, a required
 * skip as a <failure>), and, when the verdict did not pass for a
 * reason no check shows (a missing manifest id, a duplicate, zero checks,
 * a refusal), one more errored testcase named "run". Characters XML 1.0
 * forbids are dropped; invalid UTF-8 becomes U+FFFD.
 */
void pf_report_junit(pf_buf *b, const pf_report *r);

/*
 * TAP version 13: the plan, one test line per check with a YAML block
 * (status, reason, message, duration_ms, ...), the same extra "run" test
 * as JUnit, and a closing comment with the verdict.
 */
void pf_report_tap(pf_buf *b, const pf_report *r);

/*
 * A Nagios plugin's output: one line "PREFLIGHT STATE - text | perfdata"
 * (checks, passed, failed, errored, skipped, not_selected, exit_code,
 * duration). pf_report_nagios_code is the plugin exit code of the state:
 * 0 OK (pass), 2 CRITICAL (fail, refused), 3 UNKNOWN (error).
 */
void pf_report_nagios(pf_buf *b, const pf_report *r);
int pf_report_nagios_code(const pf_report *r);

/* The Prometheus text format document (see docs/CLI.md for its series). */
void pf_metrics_text(pf_buf *b, const pf_report *r);

/*
 * 0 when spec ("NAME=VALUE", a --metrics-label) may label every series:
 * NAME matches [a-zA-Z_][a-zA-Z0-9_]*, does not start with "__"
 * (reserved), is not job or instance (Prometheus renames those on
 * scrape) nor a label preflight's own series use, and VALUE is not empty;
 * any VALUE bytes are escaped when written. Else -1 with why set.
 */
int pf_metrics_label_check(const char *spec, char *why, size_t whylen);

/* Write it atomically to path (mode 0644). Returns 0, or -1 with err set. */
int pf_metrics_write(const char *path, const pf_report *r, char *err,
                     size_t errlen);

/*
 * Shared by the writers (defined in report_common.c; pf_utf8_next is in
 * buf.h).
 *
 * pf_report_run_entry is 1 when the report needs the extra "run" entry:
 * the verdict is not a pass and either there are run-level problems, the
 * arming gate refused, or no check shows a failure, an error or a
 * required skip. So a CI
 * system that only counts failing testcases never shows green for a run
 * that did not pass.
 */
int pf_report_run_entry(const pf_report *r);
/* The message of that entry: the first run-level problem, else the first
 * arming refusal, else why no check shows it. */
const char *pf_report_run_message(const pf_report *r);

#endif
