/*
 * killswitch.c: read and write the kill-switch file (see killswitch.h).
 */
#include "killswitch.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic.h"
#include "buf.h"
#include "evidence.h"

/* Extract the "reason" string from the file text, undoing the simple
 * escapes our writer produces. Returns 0 or -1. */
static int find_reason(const char *text, char *out, size_t outlen)
{
    const char *p = strstr(text, "\"reason\":\"");
    size_t o = 0;

    if (p == NULL || outlen == 0)
        return -1;
    p += 10;
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

int pf_kill_switch_state(const char *path, char *reason, size_t reasonlen)
{
    struct stat st;
    char text[8192];
    FILE *f;
    size_t n;

    snprintf(reason, reasonlen, "(no reason recorded)");
    if (lstat(path, &st) != 0) {
        if (errno == ENOENT)
            return 0;
        snprintf(reason, reasonlen, "cannot tell whether %s exists: %s", path,
                 strerror(errno));
        return -1;
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(reason, reasonlen, "(kill-switch file unreadable: %s)",
                 strerror(errno));
        return 1;
    }
    n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    if (find_reason(text, reason, reasonlen) != 0)
        snprintf(reason, reasonlen, "(kill-switch file has no reason field)");
    return 1;
}

int pf_kill_switch_engage(const char *path, const char *reason, char *err,
                          size_t errlen)
{
    char host[256] = "", at[40];
    const char *user = getenv("USER");
    struct passwd *pw = getpwuid(getuid());
    pf_buf b;

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
    return pf_atomic_write_buf(path, &b, "out of memory", err, errlen);
}
