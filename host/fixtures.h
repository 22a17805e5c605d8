/*
 * fixtures.h: the mock HTTP fixture format (docs/fixtures.md).
 *
 * A fixture is one JSON file in the fixtures folder that names one request
 * (method and full URL) and what answers it: a response (status, headers,
 * a body inline or from a file, an optional delay) or a simulated failure
 * (timeout, refused connection). This module parses one file, looks a
 * request up in a folder, and reads a body file confined to the folder.
 * Pure C, no lua.h, so it can be unit-tested and fuzzed on its own.
 */
#ifndef PF_FIXTURES_H
#define PF_FIXTURES_H

#include <stddef.h>

#define PF_FIX_MAX_FILE (1L << 20)  /* one fixture file */
#define PF_FIX_MAX_HEADERS 64       /* response headers in one fixture */
#define PF_FIX_MAX_DELAY_MS 600000L /* ten minutes */
#define PF_FIX_MAX_URL 8192
#define PF_FIX_MAX_IGNORE 16        /* request.ignore_query names */

typedef enum {
    PF_FIX_RESPONSE, /* answer with status, headers, body */
    PF_FIX_TIMEOUT,  /* the request times out */
    PF_FIX_REFUSED   /* the connection is refused */
} pf_fix_kind;

typedef struct pf_fix_header {
    char *name; /* lower-cased */
    char *value;
} pf_fix_header;

typedef struct pf_fixture {
    char *method; /* "GET", "POST", ... */
    char *url;
    char **ignore_query; /* query names left out of the match, or NULL */
    size_t nignore;
    pf_fix_kind kind;
    int status;             /* 100..599 for a response */
    pf_fix_header *headers; /* in file order, names lower-cased */
    size_t nheaders;
    char *body; /* inline body (may hold NUL bytes), or NULL */
    size_t body_len;
    char *body_file; /* relative to the folder, or NULL */
    long delay_ms;   /* 0 when none */
    int template;    /* expand {{now_ms}}-style placeholders when answering */
} pf_fixture;

/* 1 for the methods preflight.http knows (upper case only). */
int pf_http_method_valid(const char *m);
/* 1 when c may appear in an HTTP token (RFC 9110 tchar: a header name). */
int pf_http_token_char(unsigned char c);

/*
 * Parse the len bytes at text as one fixture into fx (which is cleared
 * first and owns everything it points to afterwards). Returns 0, or -1 with
 * a one-line reason in err (fx is then empty). Never reads the disk: a
 * body_file is only checked to stay inside the folder by its spelling.
 */
int pf_fixture_parse(const char *text, size_t len, pf_fixture *fx, char *err,
                     size_t errlen);
void pf_fixture_free(pf_fixture *fx); /* accepts NULL; leaves fx empty */

/*
 * 1 when a request URL matches the fixture's URL: byte for byte, or, when
 * the fixture has ignore_query names, with those query parameters left
 * out of both URLs; each of them must then be present in the request.
 */
int pf_fixture_url_match(const pf_fixture *fx, const char *url);

/*
 * Expand the placeholders of a template response (fx->template) in its
 * body and header values, with now_ms the current Unix time in ms:
 * {{now_ms}} and {{now_ms+N}} / {{now_ms-N}} (integer ms), {{now_http}} and
 * {{now_http+N}} / {{now_http-N}} (an HTTP date, IMF-fixdate, of that time
 * in whole seconds). Returns 0 (nothing to do for a non-template fixture)
 * or -1 with err naming a malformed or unknown placeholder.
 */
int pf_fixture_expand(pf_fixture *fx, long long now_ms, char *err,
                      size_t errlen);

/*
 * Look up method and url among dir's *.json files (sorted, not recursive,
 * hidden files skipped). Every file is parsed, so one malformed fixture
 * fails every lookup (fail closed). Returns 1 with fx filled and the
 * fixture's path in file, 0 when nothing matches, or -1 with err set:
 * "bad fixture <path>: <why>" for a malformed file or two fixtures for the
 * same request, or why the folder could not be read.
 */
int pf_fixture_find(const char *dir, const char *method, const char *url,
                    pf_fixture *fx, char *file, size_t filelen, char *err,
                    size_t errlen);

/*
 * Read fx->body_file (relative to dir) into fx->body, refusing a path whose
 * real location is outside dir (symlinks included) and anything but a
 * regular file; then, for a template fixture, expand its placeholders with
 * the real clock (pf_fixture_expand). Returns 0, -1 with err set, or -2
 * when the file is larger than max bytes.
 */
int pf_fixture_load_body(const char *dir, pf_fixture *fx, size_t max, char *err,
                         size_t errlen);

#endif
