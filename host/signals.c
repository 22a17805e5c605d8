/*
 * signals.c: catch the signals that end a command (see signals.h).
 */
#define _GNU_SOURCE
#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const int caught[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM,
                             SIGUSR1, SIGUSR2, SIGALRM};
#define NCAUGHT (sizeof caught / sizeof caught[0])

static volatile sig_atomic_t first_signal;
static int self_pipe[2] = {-1, -1};
static pid_t owner;
static struct sigaction orig[NCAUGHT], orig_pipe; /* as preflight found them */

/* Record the signal; wake a poll loop. In a child forked before it reset
 * the handlers, act as the default would (the pipe is the parent's). */
static void on_signal(int sig)
{
    int saved = errno;

    if (getpid() != owner) {
        signal(sig, SIG_DFL);
        raise(sig);
        errno = saved;
        return;
    }
    if (first_signal == 0)
        first_signal = sig;
    if (self_pipe[1] >= 0 && write(self_pipe[1], "x", 1) < 0) {
        /* the pipe is full: the flag is set, a byte is already there */
    }
    errno = saved;
}

int pf_signals_install(void)
{
    struct sigaction sa;
    size_t i;
    int rc = 0;

    sigset_t set;

    if (owner != getpid()) {
        owner = getpid();
        if (pipe2(self_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
            self_pipe[0] = self_pipe[1] = -1;
        for (i = 0; i < NCAUGHT; i++)
            sigaction(caught[i], NULL, &orig[i]);
        sigaction(SIGPIPE, NULL, &orig_pipe);
    }
    if (self_pipe[0] < 0)
        rc = -1;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < NCAUGHT; i++)
        sigaddset(&sa.sa_mask, caught[i]);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    for (i = 0; i < NCAUGHT; i++)
        sigaction(caught[i], &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = 0;
    sigaction(SIGPIPE, &sa, NULL);
    /* started with one of them blocked (and perhaps pending): it still
     * ends the command */
    sigemptyset(&set);
    for (i = 0; i < NCAUGHT; i++)
        sigaddset(&set, caught[i]);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    return rc;
}

int pf_signals_caught(void)
{
    return first_signal;
}

int pf_signals_fd(void)
{
    return self_pipe[0];
}

void pf_signals_default(void)
{
    size_t i;

    if (owner == 0)
        return; /* never installed: nothing to put back */
    for (i = 0; i < NCAUGHT; i++)
        sigaction(caught[i], &orig[i], NULL);
    sigaction(SIGPIPE, &orig_pipe, NULL);
}

int pf_signals_block(sigset_t *old)
{
    sigset_t set, pending;
    size_t i;
    int any = 0;

    sigemptyset(&set);
    for (i = 0; i < NCAUGHT; i++)
        sigaddset(&set, caught[i]);
    sigprocmask(SIG_BLOCK, &set, old);
    if (sigpending(&pending) == 0) {
        for (i = 0; i < NCAUGHT; i++)
            any |= sigismember(&pending, caught[i]) == 1;
    }
    return any || first_signal != 0;
}

void pf_signals_unblock(const sigset_t *old)
{
    sigprocmask(SIG_SETMASK, old, NULL);
}

const char *pf_signal_name(int sig)
{
    static char other[24];

    switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    case SIGALRM: return "SIGALRM";
    case SIGPIPE: return "SIGPIPE";
    default: break;
    }
    snprintf(other, sizeof other, "signal %d", sig);
    return other;
}
