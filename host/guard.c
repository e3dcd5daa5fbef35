/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Fault containment for calls into scanners (see guard.h).
 *
 * The handler runs on an alternate stack, with SA_NODEFER and an empty
 * sa_mask, so that sigsetjmp(env, 0) is enough: after siglongjmp the signal
 * mask is the one of the call site and no system call is spent per guarded
 * call.  The current guard is thread-local: a fault in a thread a scanner
 * started must never jump onto the main thread's stack.
 *
 * Builds with AddressSanitizer leave SIGABRT alone: a sanitizer report ends
 * in abort(), and it must stay fatal instead of passing for a scanner crash.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "guard.h"
#include "log.h"

#if defined(__SANITIZE_ADDRESS__)
#define GUARD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GUARD_SANITIZED 1
#endif
#endif

#ifdef GUARD_SANITIZED
static const int guard_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
#else
static const int guard_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#endif
#define GUARD_NSIGNALS (sizeof(guard_signals) / sizeof(guard_signals[0]))

static struct sigaction guard_previous[GUARD_NSIGNALS];
static int guard_installed;
static int guard_own_stack;
/* Enough for the handler and for libc's longjmp; the stack a scanner blew
 * is not used any more once the handler runs here. */
static char guard_stack[64 * 1024] __attribute__((aligned(16)));
static _Thread_local struct tf_guard *guard_current;

static int guard_index(int sig)
{
  for (size_t i = 0; i < GUARD_NSIGNALS; i++)
    if (guard_signals[i] == sig)
      return (int)i;
  return -1;
}

/* A fault of the running code, as opposed to a signal another process
 * sent: the kernel's own (si_code > 0), or abort() in this process. */
static int guard_is_fault(int sig, const siginfo_t *si)
{
  if (si->si_code > 0)
    return 1;
  return sig == SIGABRT && si->si_code == SI_TKILL && si->si_pid == getpid();
}

static void guard_on_fault(int sig, siginfo_t *si, void *uc)
{
  struct tf_guard *g = guard_current;
  int i = guard_index(sig);
  (void)uc;
  if (!g || !guard_is_fault(sig, si)) {
    /* Not inside a scanner: put back what was there before us.  A fault
     * re-executes the instruction and meets that disposition; a signal that
     * was sent (abort, kill) is sent again. */
    if (i >= 0)
      sigaction(sig, &guard_previous[i], NULL);
    if (si->si_code <= 0)
      raise(sig);
    return;
  }
  guard_current = NULL;
  g->sig = sig;
  g->addr = si->si_code > 0 ? si->si_addr : NULL;
  siglongjmp(g->env, 1);
}

tf_err Tf_guard_init(void)
{
  struct sigaction sa;
  stack_t old;
  if (guard_installed)
    return TF_OK;
  /* Keep an alternate stack that is already there (sanitizers set one). */
  if (sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE)) {
    stack_t ss = {.ss_sp = guard_stack, .ss_size = sizeof(guard_stack), .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
      Tf_log_error("cannot set up the signal stack for scanner crashes: %s", strerror(errno));
      return TF_ERR_INTERNAL;
    }
    guard_own_stack = 1;
  }
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = guard_on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < GUARD_NSIGNALS; i++) {
    if (sigaction(guard_signals[i], &sa, &guard_previous[i]) != 0) {
      Tf_log_error("cannot catch signal %d for scanner crashes: %s", guard_signals[i],
                   strerror(errno));
      while (i-- > 0)
        sigaction(guard_signals[i], &guard_previous[i], NULL);
      return TF_ERR_INTERNAL;
    }
  }
  guard_installed = 1;
  return TF_OK;
}

void Tf_guard_shutdown(void)
{
  if (!guard_installed)
    return;
  for (size_t i = 0; i < GUARD_NSIGNALS; i++)
    sigaction(guard_signals[i], &guard_previous[i], NULL);
  if (guard_own_stack) {
    stack_t ss = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
    sigaltstack(&ss, NULL);
    guard_own_stack = 0;
  }
  guard_installed = 0;
}

void Tf_guard_enter(struct tf_guard *g)
{
  g->sig = 0;
  g->addr = NULL;
  guard_current = g;
}

void Tf_guard_leave(void)
{
  guard_current = NULL;
}

void Tf_guard_describe(const struct tf_guard *g, char *buf, size_t n)
{
  static const struct {
    int sig;
    const char *text;
    int has_addr;
  } names[] = {
      {SIGSEGV, "SIGSEGV (invalid memory access", 1}, {SIGBUS, "SIGBUS (bus error", 1},
      {SIGILL, "SIGILL (illegal instruction", 1},     {SIGFPE, "SIGFPE (arithmetic error", 0},
      {SIGABRT, "SIGABRT (abort", 0},
  };
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    if (names[i].sig != g->sig)
      continue;
    if (names[i].has_addr)
      snprintf(buf, n, "%s at 0x%" PRIxPTR ")", names[i].text, (uintptr_t)g->addr);
    else
      snprintf(buf, n, "%s)", names[i].text);
    return;
  }
  snprintf(buf, n, "signal %d", g->sig);
}
