/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* The report's reversible escaping and the XML name check (lib/tfl_escape.c). */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tfl_escape.h"
#include "tfl_utf8.h"
#include "testutil.h"

static void expect(const char *in, size_t len, const char *want)
{
  char *got = Tfl_escape_text(in, len);
  char back[256];
  long n;
  ck_assert_ptr_nonnull(got);
  ck_assert_str_eq(got, want);
  ck_assert_int_eq(Tfl_escape_is_clean(in, len), strcmp(in, want) == 0 && strlen(in) == len);
  n = Tfl_escape_decode(got, strlen(got), back);
  ck_assert_int_eq(n, (long)len);
  ck_assert_mem_eq(back, in, len);
  free(got);
}

START_TEST(plain_text_unchanged)
{
  expect("", 0, "");
  expect("GET / HTTP/1.1", 14, "GET / HTTP/1.1");
  expect("tab\tlf\ncr\r", 10, "tab\tlf\ncr\r");
  expect("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  /* DEL and C1 controls are XML 1.0 characters. */
  expect("\x7f\xc2\x80", 3, "\x7f\xc2\x80");
}
END_TEST

START_TEST(controls_and_backslash)
{
  expect("a\\b", 3, "a\\\\b");
  expect("\x01\x1b[0m", 5, "\\x01\\x1b[0m");
  expect("nul\0x", 5, "nul\\x00x");
  expect("\x0b\x0c\x1f", 3, "\\x0b\\x0c\\x1f");
  /* Looks like an escape: the backslash is doubled, so it decodes back. */
  expect("\\x41", 4, "\\\\x41");
}
END_TEST

START_TEST(invalid_utf8)
{
  expect("\xff\xfe", 2, "\\xff\\xfe");
  expect("\xc0\xaf", 2, "\\xc0\\xaf");             /* overlong '/' */
  expect("\xe0\x80\xaf", 3, "\\xe0\\x80\\xaf");     /* overlong */
  expect("\xed\xa0\x80", 3, "\\xed\\xa0\\x80");     /* surrogate */
  expect("\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80"); /* past U+10FFFF */
  expect("\xe2\x82", 2, "\\xe2\\x82");             /* truncated */
  expect("\xe2\x82x", 3, "\\xe2\\x82x");
  expect("\x80\xc3\xa9", 3, "\\x80\xc3\xa9");      /* stray continuation, then valid */
  /* U+FFFE and U+FFFF are UTF-8 but not XML characters. */
  expect("\xef\xbf\xbe\xef\xbf\xbf", 6, "\\xef\\xbf\\xbe\\xef\\xbf\\xbf");
  expect("\xef\xbf\xbd", 3, "\xef\xbf\xbd"); /* U+FFFD is fine */
}
END_TEST

START_TEST(every_byte_round_trips)
{
  char in[256];
  char back[256];
  char *e;
  for (int i = 0; i < 256; i++)
    in[i] = (char)i;
  e = Tfl_escape_text(in, sizeof(in));
  ck_assert_ptr_nonnull(e);
  ck_assert_int_eq(Tfl_escape_is_clean(e, strlen(e)) || strchr(e, '\\') != NULL, 1);
  ck_assert_int_eq(Tfl_escape_decode(e, strlen(e), back), 256);
  ck_assert_mem_eq(back, in, 256);
  free(e);
}
END_TEST

START_TEST(decode_refuses_what_escaping_never_makes)
{
  char out[16];
  ck_assert_int_eq(Tfl_escape_decode("a\\", 2, out), -1);
  ck_assert_int_eq(Tfl_escape_decode("\\n", 2, out), -1);
  ck_assert_int_eq(Tfl_escape_decode("\\x4", 3, out), -1);
  ck_assert_int_eq(Tfl_escape_decode("\\xg1", 4, out), -1);
  ck_assert_int_eq(Tfl_escape_decode("\\x4A", 4, out), -1); /* uppercase is never made */
}
END_TEST

/* The decoder the escaping, the wifi SSIDs and the picture's labels share
 * (lib/tfl_utf8.c): each boundary of RFC 3629 on both sides. */
START_TEST(utf8_boundaries)
{
  static const struct {
    const char *s;
    size_t len;
    long cp;
  } cases[] = {
      {"A", 1, 'A'},
      {"\x7f", 1, 0x7f},
      {"\xc2\x80", 2, 0x80},             /* smallest two-byte */
      {"\xc1\xbf", 0, -1},               /* overlong 0x7f */
      {"\xdf\xbf", 2, 0x7ff},
      {"\xe0\xa0\x80", 3, 0x800},
      {"\xe0\x9f\xbf", 0, -1},          /* overlong 0x7ff */
      {"\xed\x9f\xbf", 3, 0xd7ff},
      {"\xed\xa0\x80", 0, -1},          /* surrogate */
      {"\xef\xbf\xbf", 3, 0xffff},
      {"\xf0\x90\x80\x80", 4, 0x10000},
      {"\xf0\x8f\xbf\xbf", 0, -1},     /* overlong 0xffff */
      {"\xf4\x8f\xbf\xbf", 4, 0x10ffff},
      {"\xf4\x90\x80\x80", 0, -1},     /* above U+10FFFF */
      {"\xf5\x80\x80\x80", 0, -1},
      {"\x80", 0, -1},                    /* lone continuation */
      {"\xe2\x82", 0, -1},               /* cut short */
      {"\xe2\x28\xa1", 0, -1},          /* bad continuation */
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const unsigned char *s = (const unsigned char *)cases[i].s;
    size_t n = strlen(cases[i].s), used = 99;
    ck_assert_int_eq(Tfl_utf8_decode(s, n, &used), cases[i].cp);
    ck_assert_uint_eq(Tfl_utf8_len(s, n), cases[i].len);
    if (cases[i].cp >= 0)
      ck_assert_uint_eq(used, cases[i].len);
  }
}
END_TEST

START_TEST(names)
{
  ck_assert_int_eq(Tfl_escape_ncname_ok("hashdigest", 10), 1);
  ck_assert_int_eq(Tfl_escape_ncname_ok("_a-b.c9", 7), 1);
  ck_assert_int_eq(Tfl_escape_ncname_ok("\xc3\xa9t\xc3\xa9", 5), 1);
  ck_assert_int_eq(Tfl_escape_ncname_ok("", 0), 0);
  ck_assert_int_eq(Tfl_escape_ncname_ok("a b<c", 5), 0);
  ck_assert_int_eq(Tfl_escape_ncname_ok("9a", 2), 0);
  ck_assert_int_eq(Tfl_escape_ncname_ok("-a", 2), 0);
  ck_assert_int_eq(Tfl_escape_ncname_ok("a:b", 3), 0);
  ck_assert_int_eq(Tfl_escape_ncname_ok("a\xff", 2), 0);
  ck_assert_int_eq(Tfl_escape_ncname_ok("a\xc2\xb7", 3), 1);  /* middle dot: NameChar */
  ck_assert_int_eq(Tfl_escape_ncname_ok("\xc2\xb7", 2), 0);   /* but not NameStartChar */
  ck_assert_int_eq(Tfl_escape_ncname_ok("a\xc3\x97", 3), 0);  /* U+00D7 is excluded */
}
END_TEST

static Suite *escape_suite(void)
{
  Suite *s = suite_create("escape");
  TCase *tc = tcase_create("escape");
  tcase_add_test(tc, plain_text_unchanged);
  tcase_add_test(tc, controls_and_backslash);
  tcase_add_test(tc, invalid_utf8);
  tcase_add_test(tc, every_byte_round_trips);
  tcase_add_test(tc, decode_refuses_what_escaping_never_makes);
  tcase_add_test(tc, names);
  tcase_add_test(tc, utf8_boundaries);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  return tu_run(escape_suite());
}
