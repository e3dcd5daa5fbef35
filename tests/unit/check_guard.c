/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Unit tests of host/guard.c: a fault inside a guarded call comes back to
 * the call site with the signal and address; after Tf_guard_leave, and for
 * signals another process sends, the fault keeps its usual effect (check
 * runs every test in a child, so a test may die of a signal).
 */
#include <check.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif

static volatile uintptr_t bad_address = 16;
static volatile int one = 1;
static volatile int zero;

static void write_bad(void)
{
  *(volatile int *)bad_address = 1;
}

static int recurse(int n)
{
  volatile char pad[256];
  pad[0] = (char)n;
  return one ? recurse(n + 1) + pad[0] : 0;
}

/* Runs fn under a guard; returns the signal that ended it (0: none). */
static int guarded(void (*fn)(void), struct tf_guard *g)
{
  if (sigsetjmp(g->env, 0) != 0)
    return g->sig;
  Tf_guard_enter(g);
  fn();
  Tf_guard_leave();
  return 0;
}

static void nothing(void)
{
}

#ifndef SANITIZED
static void divide(void)
{
  one = one / zero;
}
#endif

static void overflow(void)
{
  one = recurse(0);
}

static void do_abort(void)
{
  abort();
}

START_TEST(segv_comes_back)
{
  struct tf_guard g;
  char text[128];
  ck_assert_int_eq(Tf_guard_init(), TF_OK);
  ck_assert_int_eq(guarded(write_bad, &g), SIGSEGV);
  ck_assert_ptr_eq(g.addr, (void *)16);
  Tf_guard_describe(&g, text, sizeof(text));
  ck_assert_str_eq(text, "SIGSEGV (invalid memory access at 0x10)");
  /* Again: the handler is still there and the mask lets SIGSEGV in. */
  ck_assert_int_eq(guarded(write_bad, &g), SIGSEGV);
  ck_assert_int_eq(guarded(nothing, &g), 0);
  Tf_guard_shutdown();
}
END_TEST

START_TEST(fpe_and_stack_overflow_come_back)
{
  struct tf_guard g;
  ck_assert_int_eq(Tf_guard_init(), TF_OK);
#ifndef SANITIZED /* UBSan reports the division before the CPU traps */
  {
    char text[128];
    ck_assert_int_eq(guarded(divide, &g), SIGFPE);
    Tf_guard_describe(&g, text, sizeof(text));
    ck_assert_str_eq(text, "SIGFPE (arithmetic error)");
  }
#endif
  ck_assert_int_eq(guarded(overflow, &g), SIGSEGV);
  Tf_guard_shutdown();
}
END_TEST

START_TEST(abort_comes_back)
{
  struct tf_guard g;
#ifdef SANITIZED
  return; /* SIGABRT is left to the sanitizers there */
#endif
  ck_assert_int_eq(Tf_guard_init(), TF_OK);
  ck_assert_int_eq(guarded(do_abort, &g), SIGABRT);
  Tf_guard_shutdown();
}
END_TEST

#ifndef SANITIZED
/* Under the sanitizers their handler reports these faults and aborts. */

/* Outside a guard a fault is not swallowed: the child dies of it. */
START_TEST(fault_outside_guard_is_fatal)
{
  ck_assert_int_eq(Tf_guard_init(), TF_OK);
  write_bad();
}
END_TEST

/* A SIGSEGV that another process sends, even inside a guard, is not a
 * fault of the guarded code. */
static void sent_segv(void)
{
  raise(SIGSEGV);
}

START_TEST(sent_signal_is_fatal)
{
  struct tf_guard g;
  ck_assert_int_eq(Tf_guard_init(), TF_OK);
  guarded(sent_segv, &g);
}
END_TEST
#endif

int main(void)
{
  Suite *s = suite_create("guard");
  TCase *t = tcase_create("guard");
  tcase_add_test(t, segv_comes_back);
  tcase_add_test(t, fpe_and_stack_overflow_come_back);
  tcase_add_test(t, abort_comes_back);
#ifndef SANITIZED
  tcase_add_test_raise_signal(t, fault_outside_guard_is_fatal, SIGSEGV);
  tcase_add_test_raise_signal(t, sent_signal_is_fatal, SIGSEGV);
#endif
  suite_add_tcase(s, t);
  return tu_run(s);
}
