/*
 * killswitch.h: the kill-switch file. While it exists, LIVE arming and
 * exec are refused. `preflight kill` writes it atomically; only a person
 * removes it (docs/RUNBOOK.md).
 */
#ifndef PF_KILLSWITCH_H
#define PF_KILLSWITCH_H

#include <stddef.h>

#define PF_KILL_SWITCH_DEFAULT "KILL_SWITCH"

/*
 * 1 when the file exists (any type, even unreadable or garbled: an
 * unreadable kill switch is still engaged), 0 when it does not, -1 when
 * its state cannot be known (then the caller must refuse). reason gets
 * the recorded reason, or a note saying why none could be read.
 */
int pf_kill_switch_state(const char *path, char *reason, size_t reasonlen);

/* Write the kill-switch file (JSON: reason, at, user, host). Returns 0 or
 * -1 with err set. */
int pf_kill_switch_engage(const char *path, const char *reason, char *err,
                          size_t errlen);

#endif
