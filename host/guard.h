/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Containment of faults in scanner code.  Scanners are modules running in
 * our process; when one of them faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGABRT) while the host is inside a call to it, the handler jumps back
 * to the call site instead of ending the process, so the host can disable
 * that scanner and still finish its flow files and report.  A fault
 * anywhere else is a host bug and is left to the previous disposition
 * (a core dump, or a sanitizer's report).
 *
 * Use, in the function that calls into a scanner (sigsetjmp must be called
 * in the frame that stays alive during the call):
 *
 *   struct tf_guard g;
 *   if (sigsetjmp(g.env, 0) != 0) { ...g.sig and g.addr say what... }
 *   Tf_guard_enter(&g);
 *   ...call the scanner...
 *   Tf_guard_leave();
 */
#ifndef TF_GUARD_H
#define TF_GUARD_H

#include <setjmp.h>
#include <stddef.h>

#include "error.h"

struct tf_guard {
  sigjmp_buf env;
  int sig;    /* the signal that ended the call */
  void *addr; /* the faulting address, if the signal has one */
};

/* Installs the handlers (and an alternate signal stack, so that a scanner
 * that overflows its stack is caught too).  Idempotent. */
tf_err Tf_guard_init(void);
/* Restores the dispositions found by Tf_guard_init. */
void Tf_guard_shutdown(void);

void Tf_guard_enter(struct tf_guard *g);
void Tf_guard_leave(void);

/* Hangs: when one guarded call has not returned after `seconds` (0: no
 * watchdog), the call is left as if it had faulted, with g.sig SIGALRM.
 * Stopped by Tf_guard_shutdown.  Errors are logged. */
tf_err Tf_guard_watchdog_start(unsigned seconds);
unsigned Tf_guard_watchdog_seconds(void);
/* From a signal handler (a second SIGINT/SIGTERM): leaves the guarded call
 * this thread is in, with g.sig = sig; returns at once outside one.  The
 * caller's handler must not block the signal past the jump, or the
 * jump's target unblocks it. */
void Tf_guard_interrupt(int sig);

/* "SIGSEGV (invalid memory access at 0x10)" and the like. */
void Tf_guard_describe(const struct tf_guard *g, char *buf, size_t n);

#endif
