/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* File names: the template language, -F prefixes and path safety. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "naming.h"
#include "testutil.h"

static struct tf_flow flow_v4(void)
{
  struct tf_flow f;
  memset(&f, 0, sizeof(f));
  f.key.family = 4;
  memcpy(f.key.src, "\x0a\x00\x00\x01", 4);
  memcpy(f.key.dst, "\x0a\x00\x00\x02", 4);
  f.key.sport = 42001;
  f.key.dport = 80;
  f.vlan = -1;
  f.first_ts.tv_sec = 1577934245;
  f.flow_id = 2;
  f.session_id = 1;
  f.have_macs = 1;
  memcpy(f.mac_src, "\x00\x11\x22\x33\x44\x55", 6);
  memcpy(f.mac_dst, "\x66\x77\x88\x99\xaa\xbb", 6);
  return f;
}

static const char *expand(const char *tmpl, const struct tf_flow *f, uint32_t counter, int always)
{
  static char buf[1024];
  ck_assert_int_ge(Tf_naming_expand(tmpl, f, counter, always, buf, sizeof(buf)), 0);
  return buf;
}

START_TEST(default_names)
{
  struct tf_flow f = flow_v4();
  ck_assert_str_eq(expand("%A.%a-%B.%b%V%v%C%c", &f, 0, 0),
                   "010.000.000.001.42001-010.000.000.002.00080");
  ck_assert_str_eq(expand("%A.%a-%B.%b%V%v%C%c", &f, 2, 0),
                   "010.000.000.001.42001-010.000.000.002.00080c2");
  f.vlan = 100;
  ck_assert_str_eq(expand("%A.%a-%B.%b%V%v%C%c", &f, 0, 0),
                   "010.000.000.001.42001-010.000.000.002.00080--100");
}
END_TEST

START_TEST(every_specifier)
{
  struct tf_flow f = flow_v4();
  ck_assert_str_eq(
      expand("%A_%a_%B_%b_%E_%e_%V%v_%T_%t_%N_%K_%M_%G_%S_%#_%C%c_%%", &f, 0, 0),
      "010.000.000.001_42001_010.000.000.002_00080_00:11:22:33:44:55_66:77:88:99:aa:bb__"
      "2020-01-02T03:04:05Z_1577934245_002_000_000_000_00000000000000000001_0__%");
  f.flow_id = 1234567891;
  ck_assert_str_eq(expand("%G/%M/%K/%N", &f, 0, 0), "001/234/567/891");
}
END_TEST

START_TEST(counter_always)
{
  struct tf_flow f = flow_v4();
  ck_assert_str_eq(expand("x%C%c", &f, 0, 1), "xc0");
  ck_assert_str_eq(expand("x%C%c", &f, 3, 1), "xc3");
}
END_TEST

START_TEST(ipv6_and_no_macs)
{
  struct tf_flow f = flow_v4();
  f.key.family = 6;
  memset(f.key.src, 0, 16);
  memset(f.key.dst, 0, 16);
  memcpy(f.key.src, "\x20\x01\x0d\xb8", 4);
  f.key.src[15] = 1;
  memcpy(f.key.dst, "\x20\x01\x0d\xb8", 4);
  f.key.dst[15] = 2;
  f.have_macs = 0;
  ck_assert_str_eq(expand("%A.%a-%B.%b[%E]", &f, 0, 0), "2001:db8::1.42001-2001:db8::2.00080[]");
}
END_TEST

START_TEST(prefixes)
{
  ck_assert_str_eq(Tf_naming_prefix_for('k'), "%K/");
  ck_assert_str_eq(Tf_naming_prefix_for('m'), "%M000-%M999/%M%K/");
  ck_assert_str_eq(Tf_naming_prefix_for('g'), "%G000000-%G999999/%G%M000-%G%M999/%G%M%K/");
  ck_assert_str_eq(Tf_naming_prefix_for('t'), "%tT");
  ck_assert_str_eq(Tf_naming_prefix_for('T'), "%T");
  ck_assert_ptr_null(Tf_naming_prefix_for('z'));
}
END_TEST

START_TEST(template_check)
{
  char err[512];
  ck_assert_int_eq(Tf_naming_check("%A/%a/%B/%b/%c%N.flow", err, sizeof(err)), 0);
  ck_assert_int_eq(Tf_naming_check("%Q", err, sizeof(err)), -1);
  ck_assert(strstr(err, "%Q") != NULL);
  ck_assert_int_eq(Tf_naming_check("abc%", err, sizeof(err)), -1);
  ck_assert_int_eq(Tf_naming_check("/etc/%A", err, sizeof(err)), -1);
  ck_assert_int_eq(Tf_naming_check("../%A", err, sizeof(err)), -1);
  ck_assert_int_eq(Tf_naming_check("a/../../%A", err, sizeof(err)), -1);
  ck_assert_int_eq(Tf_naming_check("a//%A", err, sizeof(err)), -1);
  ck_assert_int_eq(Tf_naming_check("..%A", err, sizeof(err)), 0); /* a name, not a component */
}
END_TEST

START_TEST(too_long_name_refused)
{
  struct tf_flow f = flow_v4();
  char small[16];
  ck_assert_int_eq(Tf_naming_expand("%A.%a-%B.%b", &f, 0, 0, small, sizeof(small)), -1);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("naming");
  TCase *tc = tcase_create("templates");
  tcase_add_test(tc, default_names);
  tcase_add_test(tc, every_specifier);
  tcase_add_test(tc, counter_always);
  tcase_add_test(tc, ipv6_and_no_macs);
  tcase_add_test(tc, prefixes);
  tcase_add_test(tc, template_check);
  tcase_add_test(tc, too_long_name_refused);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
