/*
 * sandbox.h: one check's Lua state, its allow-list and its limits.
 *
 * A sandbox is a fresh lua_State whose allocator counts every byte against
 * a cap and whose count hook enforces an instruction budget and a wall-clock
 * deadline. Both limits are sticky: once hit, the flag stays set and the
 * hook keeps raising, so pcall cannot swallow them, and the worker turns
 * the outcome into an error whatever the script returned.
 */
#ifndef PF_SANDBOX_H
#define PF_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "clock.h"
#include "libs.h"
#include "result.h"

#define PF_RESULT_TNAME "preflight.result"
/* I/O waits end this long before the deadline, so a primitive's own
 * timeout is reported by the worker before the parent's kill; a check with
 * no more than this left is out of time. */
#define PF_SANDBOX_RESERVE_MS 20

struct pf_redactor; /* redact.h */
struct pf_check;    /* result.h */

/* What preflight.log kept so far (lib_log.c): C memory the sandbox owns
 * until pf_log_take moves it into a result, freed by pf_sandbox_close
 * otherwise. */
typedef struct pf_log {
    char *lines[PF_MAX_LOG_MESSAGES]; /* masked and cut */
    size_t n;
    size_t bytes;   /* of the kept lines */
    size_t dropped; /* messages not kept: over a cap, or out of memory */
} pf_log;

typedef struct pf_sandbox_conf {
    const char *root;         /* realpath of the project root */
    const char *lib_dir;      /* realpath of the Lua library folder, or NULL */
    const char *mode;         /* "paper" or "live" */
    const char *http_mode;    /* "mock" or "real" */
    const char *phase;        /* ctx.phase: "start" or "guard" (8.8);
                               * NULL is "start" */
    const char *fixtures_dir; /* mock HTTP fixtures */
    size_t memory_bytes;      /* allocator cap */
    uint64_t instr_budget;    /* VM instructions */
} pf_sandbox_conf;

typedef struct pf_sandbox {
    lua_State *L;
    const pf_sandbox_conf *conf;
    size_t used;
    size_t peak;
    int oom;             /* sticky: an allocation was refused */
    int os_oom;          /* ... by the system (malloc failed under the cap:
                          * RLIMIT_AS, ulimit -v), not by the cap */
    int timeout;         /* sticky: budget or deadline passed */
    uint64_t instr;
    uint64_t deadline_ns; /* CLOCK_MONOTONIC */
    /* the run's secrets (set by the worker after pf_sandbox_open; may be
     * NULL): a primitive masks with it before it cuts a message */
    const struct pf_redactor *redactor;
    /* where require records each module it compiles (path and sha256 of
     * the bytes, DESIGN.md 8.2), set by the worker; NULL: not recorded */
    struct pf_check *report;
    pf_log log; /* preflight.log's messages */
} pf_sandbox;

/*
 * Move the messages of sb's log into out->log (after any it holds), plus,
 * when some were not kept, a last entry saying how many. sb's log is
 * empty afterwards. Messages that do not fit out are freed.
 */
void pf_log_take(pf_sandbox *sb, pf_check *out);


/*
 * Make a fresh state with the allow-listed environment and the preflight
 * table. Returns 0, or -1 when even that did not fit in memory.
 */
int pf_sandbox_open(pf_sandbox *sb, const pf_sandbox_conf *conf,
                    uint64_t deadline_ns);
/* lua_close and reset; accepts a sandbox that failed to open. */
void pf_sandbox_close(pf_sandbox *sb);

/* The sandbox that owns L. */
pf_sandbox *pf_sandbox_of(lua_State *L);
/* Milliseconds left before the deadline (0 when past). */
long pf_sandbox_remaining_ms(lua_State *L);
/* Clamp a requested I/O timeout to the time left (at least 1 ms). */
long pf_sandbox_clamp_ms(lua_State *L, long requested_ms);
/*
 * Call after a primitive's I/O: when the check's time is all but gone
 * (PF_SANDBOX_RESERVE_MS or less left), set the sticky timeout flag, so a
 * check that waited out its whole time on the network ends as a timeout
 * error even if it catches the failure and returns a result at once.
 */
void pf_sandbox_deadline_check(lua_State *L);

/*
 * Call the function below nargs arguments on the stack under a message
 * handler that never calls a metamethod. Like lua_pcall with LUA_MULTRET.
 */
int pf_sandbox_pcall(lua_State *L, int nargs);

/*
 * Push the one value push builds from C memory the caller owns: push gets
 * ud as a light userdata and runs under lua_pcall, then release(ud) frees
 * the memory whatever happened, so a memory error cannot leak it. Returns
 * 1 (the value is on the top), or raises that error after the release.
 */
int pf_sandbox_push_owned(lua_State *L, lua_CFunction push, void *ud,
                          void (*release)(void *ud));

/*
 * Describe the error object at the top (it stays there): its text when it
 * is a string or a number, else "error object is a <type> value". Never
 * calls a metamethod.
 */
const char *pf_sandbox_errtext(lua_State *L, char *buf, size_t buflen);

/*
 * Where a Lua string becomes a C string, take it whole or not at all: a
 * string with an embedded NUL ("a.b\0../../x") would otherwise be read as
 * its prefix. pf_checklstring_nonul is luaL_checklstring that raises an
 * argument error on an embedded NUL (for primitives; len may be NULL).
 * pf_tostring_nonul gives the string at idx when it is a string (no
 * number conversion, no metamethod) without an embedded NUL, else NULL
 * (for check metadata and table fields; len may be NULL).
 */
const char *pf_checklstring_nonul(lua_State *L, int arg, size_t *len);
const char *pf_tostring_nonul(lua_State *L, int idx, size_t *len);

/* The primitive families' open functions are in libs.h. */

#endif
