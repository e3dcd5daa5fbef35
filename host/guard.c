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
#include <pthread.h>
#include <time.h>
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

/* The fault handlers' state.  File scope on purpose, as all of this
 * file's state: signal handlers and the watchdog thread reach it without
 * a context (tests/tools/host-globals.txt). */
static struct {
  struct sigaction previous[GUARD_NSIGNALS];
  int installed;
  int own_stack;
  /* Enough for the handler and for libc's longjmp; the stack a scanner
   * blew is not used any more once the handler runs here. */
  char stack[64 * 1024] __attribute__((aligned(16)));
} guard_sig;
static _Thread_local struct tf_guard *guard_current;

/* The watchdog: guard_wd.seq is odd while the main thread is inside a guarded
 * call and changes on every enter and leave (one writer: plain relaxed
 * stores, no system call per call).  A thread samples it once a second;
 * when the same call has run scanner_timeout seconds it sends SIGALRM to
 * the main thread, whose handler leaves the call like a fault does. */
static struct {
  unsigned long seq;
  unsigned long target;
  unsigned seconds;
  int running;
  pthread_t thread, main;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  struct sigaction alarm_previous;
  int atfork_done; /* guard_wd_forget is registered: once per process */
} guard_wd = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

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
      sigaction(sig, &guard_sig.previous[i], NULL);
    if (si->si_code <= 0)
      raise(sig);
    return;
  }
  guard_current = NULL;
  g->sig = sig;
  g->addr = si->si_code > 0 ? si->si_addr : NULL;
  siglongjmp(g->env, 1);
}

/* Leaves the current guarded call (from a signal handler of the thread
 * that made it); does nothing outside one. */
static void guard_escape(int sig)
{
  struct tf_guard *g = guard_current;
  if (!g)
    return;
  guard_current = NULL;
  g->sig = sig;
  g->addr = NULL;
  siglongjmp(g->env, 1);
}

static void guard_on_alarm(int sig, siginfo_t *si, void *uc)
{
  (void)si;
  (void)uc;
  if (__atomic_load_n(&guard_wd.seq, __ATOMIC_RELAXED) ==
      __atomic_load_n(&guard_wd.target, __ATOMIC_RELAXED))
    guard_escape(sig);
}

void Tf_guard_interrupt(int sig)
{
  guard_escape(sig);
}

static void *guard_wd_loop(void *arg)
{
  unsigned long last = 0;
  unsigned stuck = 0;
  (void)arg;
  pthread_mutex_lock(&guard_wd.lock);
  while (guard_wd.running) {
    struct timespec until;
    unsigned long now;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    pthread_cond_timedwait(&guard_wd.cond, &guard_wd.lock, &until);
    if (!guard_wd.running)
      break;
    now = __atomic_load_n(&guard_wd.seq, __ATOMIC_RELAXED);
    if ((now & 1) && now == last) {
      if (++stuck >= guard_wd.seconds) {
        __atomic_store_n(&guard_wd.target, now, __ATOMIC_RELAXED);
        pthread_kill(guard_wd.main, SIGALRM);
        stuck = 0;
      }
    } else {
      stuck = 0;
    }
    last = now;
  }
  pthread_mutex_unlock(&guard_wd.lock);
  return NULL;
}

/* A child forked while the watchdog runs (a -j worker) has no watchdog
 * thread: forget it there, so that Tf_guard_shutdown does not join a
 * thread that does not exist; the child may start its own. */
static void guard_wd_forget(void)
{
  static const pthread_mutex_t fresh_lock = PTHREAD_MUTEX_INITIALIZER;
  static const pthread_cond_t fresh_cond = PTHREAD_COND_INITIALIZER;
  guard_wd.running = 0;
  /* The thread may have held them at the fork. */
  guard_wd.lock = fresh_lock;
  guard_wd.cond = fresh_cond;
}

tf_err Tf_guard_watchdog_start(unsigned seconds)
{
  struct sigaction sa;
  sigset_t all, old;
  int rc;
  if (seconds == 0 || guard_wd.running)
    return TF_OK;
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = guard_on_alarm;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGALRM, &sa, &guard_wd.alarm_previous) != 0) {
    Tf_log_error("cannot set up the scanner watchdog: %s", strerror(errno));
    return TF_ERR_INTERNAL;
  }
  if (!guard_wd.atfork_done && pthread_atfork(NULL, NULL, guard_wd_forget) == 0)
    guard_wd.atfork_done = 1;
  guard_wd.seconds = seconds;
  guard_wd.main = pthread_self();
  __atomic_store_n(&guard_wd.target, 0UL, __ATOMIC_RELAXED);
  guard_wd.running = 1;
  /* The watchdog thread takes no signal meant for the process. */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  rc = pthread_create(&guard_wd.thread, NULL, guard_wd_loop, NULL);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc != 0) {
    guard_wd.running = 0;
    sigaction(SIGALRM, &guard_wd.alarm_previous, NULL);
    Tf_log_error("cannot start the scanner watchdog: %s", strerror(rc));
    return TF_ERR_INTERNAL;
  }
  return TF_OK;
}

static void guard_watchdog_stop(void)
{
  if (!guard_wd.running)
    return;
  pthread_mutex_lock(&guard_wd.lock);
  guard_wd.running = 0;
  pthread_cond_signal(&guard_wd.cond);
  pthread_mutex_unlock(&guard_wd.lock);
  pthread_join(guard_wd.thread, NULL);
  sigaction(SIGALRM, &guard_wd.alarm_previous, NULL);
}

unsigned Tf_guard_watchdog_seconds(void)
{
  return guard_wd.seconds;
}

tf_err Tf_guard_init(void)
{
  struct sigaction sa;
  stack_t old;
  if (guard_sig.installed)
    return TF_OK;
  /* Keep an alternate stack that is already there (sanitizers set one). */
  if (sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE)) {
    stack_t ss = {.ss_sp = guard_sig.stack, .ss_size = sizeof(guard_sig.stack), .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0) {
      Tf_log_error("cannot set up the signal stack for scanner crashes: %s", strerror(errno));
      return TF_ERR_INTERNAL;
    }
    guard_sig.own_stack = 1;
  }
  memset(&sa, 0, sizeof(sa));
  sa.sa_sigaction = guard_on_fault;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < GUARD_NSIGNALS; i++) {
    if (sigaction(guard_signals[i], &sa, &guard_sig.previous[i]) != 0) {
      Tf_log_error("cannot catch signal %d for scanner crashes: %s", guard_signals[i],
                   strerror(errno));
      while (i-- > 0)
        sigaction(guard_signals[i], &guard_sig.previous[i], NULL);
      return TF_ERR_INTERNAL;
    }
  }
  guard_sig.installed = 1;
  return TF_OK;
}

void Tf_guard_shutdown(void)
{
  guard_watchdog_stop();
  if (!guard_sig.installed)
    return;
  for (size_t i = 0; i < GUARD_NSIGNALS; i++)
    sigaction(guard_signals[i], &guard_sig.previous[i], NULL);
  if (guard_sig.own_stack) {
    stack_t ss = {.ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE};
    sigaltstack(&ss, NULL);
    guard_sig.own_stack = 0;
  }
  guard_sig.installed = 0;
}

void Tf_guard_enter(struct tf_guard *g)
{
  g->sig = 0;
  g->addr = NULL;
  guard_current = g;
  __atomic_store_n(&guard_wd.seq, guard_wd.seq + 1, __ATOMIC_RELAXED);
}

void Tf_guard_leave(void)
{
  guard_current = NULL;
  __atomic_store_n(&guard_wd.seq, guard_wd.seq + 1, __ATOMIC_RELAXED);
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
  if (g->sig == SIGALRM) {
    snprintf(buf, n, "no return within %u seconds (scanner_timeout)", guard_wd.seconds);
    return;
  }
  if (g->sig == SIGINT || g->sig == SIGTERM || g->sig == SIGHUP) {
    snprintf(buf, n, "a second %s while it ran", g->sig == SIGINT ? "SIGINT"
             : g->sig == SIGTERM ? "SIGTERM" : "SIGHUP");
    return;
  }
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
