/*
 * killswitch.h: the kill-switch file. While it exists, LIVE arming and
 * exec are refused. `preflight kill` writes it atomically; only a person
 * removes it (docs/RUNBOOK.md).
 */
#ifndef PF_KILLSWITCH_H
#define PF_KILLSWITCH_H

#include <stddef.h>

#define PF_KILL_SWITCH_DEFAULT "KILL_SWITCH"

/* What an engaged kill switch says (each field may be empty). */
typedef struct pf_kill_info {
    char reason[512];
    char user[128];
    char host[256];
    char at[40];
    int odd; /* exists but not a readable regular file with a reason */
} pf_kill_info;

/*
 * 1 when the file exists (any type: a FIFO, a folder, an unreadable or
 * garbled file is engaged and odd; it is never opened in a way that could
 * block), 0 when it does not, -1 when its state cannot be known (then the
 * caller must refuse). ki gets what the file records.
 */
int pf_kill_switch_read(const char *path, pf_kill_info *ki);

/* "REASON (file PATH, engaged by USER@HOST at TIME)" into out. */
void pf_kill_switch_describe(const char *path, const pf_kill_info *ki,
                             char *out, size_t outlen);

/*
 * 1 when the file exists (any type, even unreadable or garbled: an
 * unreadable kill switch is still engaged), 0 when it does not, -1 when
 * its state cannot be known (then the caller must refuse). reason gets
 * pf_kill_switch_describe's text, or a note saying why none could be read.
 */
int pf_kill_switch_state(const char *path, char *reason, size_t reasonlen);

/* Create the kill-switch file (JSON: reason, at, user, host) atomically
 * and only if it does not exist (pf_atomic_create). Returns 0 when this
 * call engaged it, 1 when it was already engaged (the file is left as it
 * was), -1 with err set. */
int pf_kill_switch_engage(const char *path, const char *reason, char *err,
                          size_t errlen);

#endif
