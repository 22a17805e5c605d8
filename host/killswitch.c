/*
 * killswitch.c: read and write the kill-switch file (see killswitch.h).
 */
#include "killswitch.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "buf.h"
#include "evidence.h"

/* Extract the string member "name" from the file text, undoing the simple
 * escapes our writer produces (control characters become '?', so the
 * text is safe on a terminal). Returns 0 or -1. */
static int find_member(const char *text, const char *name, char *out,
                       size_t outlen)
{
    char pat[32];
    const char *p;
    size_t o = 0;

    snprintf(pat, sizeof pat, "\"%s\":\"", name);
    p = strstr(text, pat);
    if (p == NULL || outlen == 0)
        return -1;
    p += strlen(pat);
    while (*p && *p != '"' && o + 1 < outlen) {
        if (*p == '\\' && p[1]) {
            p++;
            out[o++] = *p == 'n' ? ' ' : *p == 't' ? ' ' : *p == 'u' ? '?' : *p;
            p++;
            continue;
        }
        out[o++] = (unsigned char)*p < 0x20 ? '?' : *p;
        p++;
    }
    out[o] = '\0';
    return 0;
}

int pf_kill_switch_read(const char *path, pf_kill_info *ki)
{
    struct stat st;
    char *text = NULL, err[600];
    size_t n;
    int rc;

    memset(ki, 0, sizeof *ki);
    snprintf(ki->reason, sizeof ki->reason, "(no reason recorded)");
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(ki->reason, sizeof ki->reason,
                 "cannot tell whether %s exists: %s", path, strerror(errno));
        ki->odd = 1;
        return -1;
    }
    /* never blocks: a FIFO (or any file that is not regular) is engaged,
     * odd, and not read */
    rc = pf_read_regular(path, 0, 8191, &text, &n, err, sizeof err);
    if (rc != 0) {
        snprintf(ki->reason, sizeof ki->reason,
                 "(kill-switch file unreadable: %.400s)", err);
        ki->odd = 1;
        return 1;
    }
    if (find_member(text, "reason", ki->reason, sizeof ki->reason) != 0) {
        snprintf(ki->reason, sizeof ki->reason,
                 "(kill-switch file has no reason field)");
        ki->odd = 1;
    }
    find_member(text, "user", ki->user, sizeof ki->user);
    find_member(text, "host", ki->host, sizeof ki->host);
    find_member(text, "at", ki->at, sizeof ki->at);
    free(text);
    return 1;
}

void pf_kill_switch_describe(const char *path, const pf_kill_info *ki,
                             char *out, size_t outlen)
{
    snprintf(out, outlen, "%s (file %s, engaged by %s%s%s at %s)", ki->reason,
             path, ki->user[0] ? ki->user : "unknown user",
             ki->host[0] ? "@" : "", ki->host,
             ki->at[0] ? ki->at : "an unknown time");
}

int pf_kill_switch_state(const char *path, char *reason, size_t reasonlen)
{
    pf_kill_info ki;
    int rc = pf_kill_switch_read(path, &ki);

    if (rc == 1)
        pf_kill_switch_describe(path, &ki, reason, reasonlen);
    else
        snprintf(reason, reasonlen, "%s", ki.reason);
    return rc;
}

int pf_kill_switch_engage(const char *path, const char *reason, char *err,
                          size_t errlen)
{
    char host[256] = "", at[40];
    const char *user = getenv("USER");
    struct passwd *pw = getpwuid(getuid());
    pf_buf b;
    int rc;

    if (pw != NULL)
        user = pw->pw_name;
    if (gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    pf_rfc3339_ms(pf_utc_now_ms(), at, sizeof at);
    pf_buf_init(&b);
    pf_buf_adds(&b, "{\"reason\":");
    pf_json_strz(&b, reason);
    pf_buf_adds(&b, ",\"at\":");
    pf_json_strz(&b, at);
    pf_buf_adds(&b, ",\"user\":");
    pf_json_strz(&b, user ? user : "");
    pf_buf_adds(&b, ",\"host\":");
    pf_json_strz(&b, host);
    pf_buf_adds(&b, "}\n");
    if (b.oom) {
        pf_buf_free(&b);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* created, never replaced: of racing `kill`s exactly one wins and the
     * first record is kept */
    rc = pf_atomic_create(path, b.data, b.len, 0644, err, errlen);
    if (rc == -1 && errno == EEXIST)
        rc = 1;
    else if (rc == PF_ATOMIC_IN_PLACE)
        rc = 0; /* the switch is engaged; its durability is unknown */
    pf_buf_free(&b);
    return rc;
}
