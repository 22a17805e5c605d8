/*
 * signals.h: the signals that end a command. SIGHUP, SIGINT, SIGQUIT,
 * SIGTERM, SIGUSR1, SIGUSR2 and SIGALRM are caught (never fatal), so the
 * command can stop its workers and write a whole evidence document whose
 * exit_code is the one it then exits with; SIGPIPE is ignored, so a closed
 * stdout is a write error (EPIPE), not a silent death. The handler only
 * records the signal and writes a byte to a self-pipe that a poll loop can
 * wait on.
 */
#ifndef PF_SIGNALS_H
#define PF_SIGNALS_H

#include <signal.h>

/* Install the handlers (again, after pf_signals_default; the pipe is made
 * once). Returns 0, or -1 when the pipe cannot be made (the handlers are
 * installed anyway). */
int pf_signals_install(void);

/* The first signal caught since pf_signals_install, or 0. */
int pf_signals_caught(void);

/* The read end of the self-pipe (readable once a signal came), or -1. */
int pf_signals_fd(void);

/* Put every disposition pf_signals_install changed (SIGPIPE too) back as
 * preflight found it (usually the default; ignored stays ignored, as
 * under nohup): in a forked child, and just before exec. */
void pf_signals_default(void);

/* Block the caught signals (the previous mask into *old). Returns nonzero
 * when one was caught already or is pending now: the last look before
 * exec, which no signal can slip past. */
int pf_signals_block(sigset_t *old);
void pf_signals_unblock(const sigset_t *old);

/* "SIGTERM" etc., "signal N" for others (static buffer for those). */
const char *pf_signal_name(int sig);

#endif
