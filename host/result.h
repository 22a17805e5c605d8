/*
 * result.h: the outcome of one check, as the parent knows it.
 *
 * A pf_check is filled from what a worker sent (see proto.h) or, when the
 * worker failed to send anything well formed, by the runner itself. Every
 * string is owned by the struct and freed by pf_check_clear.
 */
#ifndef PF_RESULT_H
#define PF_RESULT_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    PF_STATUS_PASS,
    PF_STATUS_FAIL,
    PF_STATUS_ERROR,
    PF_STATUS_SKIP,        /* the check returned preflight.skip (8.1) */
    PF_STATUS_NOT_SELECTED /* left out by --tag; never counts as a pass */
} pf_status;

typedef enum {
    PF_REASON_NONE,
    PF_REASON_TIMEOUT,
    PF_REASON_MEMORY,
    PF_REASON_CRASH,
    PF_REASON_CONTRACT,
    PF_REASON_LOAD,
    PF_REASON_RUNTIME,
    PF_REASON_REQUIRED /* a skip of a manifest id: set by the verdict only,
                        * never accepted from a worker */
} pf_reason;

typedef enum {
    PF_DETAIL_STRING,
    PF_DETAIL_INTEGER,
    PF_DETAIL_NUMBER,
    PF_DETAIL_BOOLEAN
} pf_detail_type;

typedef struct pf_detail {
    char *key;
    pf_detail_type type;
    char *value; /* text form: the string, "%lld", "%.17g", "true"/"false" */
} pf_detail;

#define PF_MAX_TAGS 16
#define PF_MAX_DETAILS 64
#define PF_MAX_KEY 64
#define PF_MAX_VALUE 1024
#define PF_MAX_MESSAGE 4096
#define PF_MAX_TITLE 200
#define PF_MAX_ID 128
#define PF_MAX_MODULES 128      /* library modules one check may compile */
#define PF_MAX_MODULE_PATH 4096

/* A library module a worker compiled for a check (DESIGN.md 8.2): its
 * path relative to the project root (absolute when the library folder is
 * not inside the root) and the SHA-256 of the exact bytes compiled. */
typedef struct pf_module {
    char *path;
    char sha256[65];
} pf_module;

/* preflight.log (DESIGN 6): a check keeps at most PF_MAX_LOG_MESSAGES
 * messages of at most PF_MAX_LOG_MESSAGE bytes each (masked, then cut with
 * PF_CUT_MARK), PF_MAX_LOG_BYTES of them in all; when it logged more, one
 * more entry, the last, says how many were not kept. */
#define PF_MAX_LOG_MESSAGES 64
#define PF_MAX_LOG (PF_MAX_LOG_MESSAGES + 1)
#define PF_MAX_LOG_MESSAGE 1024
#define PF_MAX_LOG_BYTES 16384

typedef struct pf_check {
    char *file;          /* path as discovered */
    char sha256[65];     /* hex of the bytes the worker loaded, or "" */
    char *id;            /* NULL when the file never yielded a valid id */
    char *title;
    char *tags[PF_MAX_TAGS];
    size_t ntags;
    long timeout_ms;     /* as the check asked, 0 when it did not */
    int guard_failures;  /* as the check asked (1-5), 0 when it did not */
    pf_status status;
    pf_reason reason;
    char *message;
    pf_detail details[PF_MAX_DETAILS];
    size_t ndetails;
    char *log[PF_MAX_LOG]; /* preflight.log messages, in order */
    size_t nlog;
    double duration_ms;
    int has_job_index;   /* the worker said which job this result is for */
    uint32_t job_index;
    pf_module *modules;  /* every library module compiled, in order */
    size_t nmodules;
} pf_check;

void pf_check_clear(pf_check *c); /* frees owned strings, keeps file */
const char *pf_status_name(pf_status s);
const char *pf_reason_name(pf_reason r); /* NULL for PF_REASON_NONE */
/* 1 when c is a skip of a required (manifest) check: it fails the run and
 * every report shows it as a failure, not as a skip. */
int pf_check_required_skip(const pf_check *c);
int pf_id_valid(const char *s);          /* ^[a-z0-9][a-z0-9_.-]*$, <=128 */
int pf_tag_valid(const char *s);         /* ^[a-z0-9_-]+$, <= 64 */

/* 1 when value is valid for a detail of type t as the evidence writes it:
 * any string; for numbers and booleans, a JSON literal (they are written
 * unquoted), finite. */
int pf_detail_value_ok(pf_detail_type t, const char *value);

/*
 * Append a compiled module (path copied, sha256 64 lowercase hex) to c.
 * Returns 0, or -1 (too many, a path too long or empty, out of memory):
 * then c is unchanged.
 */
int pf_check_add_module(pf_check *c, const char *path, size_t len,
                        const char *sha256);

/* Set status error with reason and a message made from fmt. */
void pf_check_set_error(pf_check *c, pf_reason reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
