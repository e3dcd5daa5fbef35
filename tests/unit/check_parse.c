/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Unit tests of lib/tfl_parse.c, the one parser of numbers and booleans in
 * option and setting values (host -b/-d/-f/-m and -S, the scanners'
 * settings): what is a number, the ranges, overflow, and 1.6.1's YES/NO.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "testutil.h"
#include "tfl_parse.h"

START_TEST(signed_numbers)
{
  int64_t v = 7;
  ck_assert_int_eq(Tfl_parse_i64("0", 0, 10, &v), 0);
  ck_assert_int_eq(v, 0);
  ck_assert_int_eq(Tfl_parse_i64("-1", INT64_MIN, INT64_MAX, &v), 0);
  ck_assert_int_eq(v, -1);
  ck_assert_int_eq(Tfl_parse_i64("9223372036854775807", INT64_MIN, INT64_MAX, &v), 0);
  ck_assert(v == INT64_MAX);
  ck_assert_int_eq(Tfl_parse_i64("-9223372036854775808", INT64_MIN, INT64_MAX, &v), 0);
  ck_assert(v == INT64_MIN);
  v = 7;
  /* Not numbers: *v is left alone. */
  ck_assert_int_eq(Tfl_parse_i64(NULL, INT64_MIN, INT64_MAX, &v), -1);
  ck_assert_int_eq(Tfl_parse_i64("", INT64_MIN, INT64_MAX, &v), -1);
  ck_assert_int_eq(Tfl_parse_i64("-", INT64_MIN, INT64_MAX, &v), -1);
  ck_assert_int_eq(Tfl_parse_i64(" 5", INT64_MIN, INT64_MAX, &v), -1);
  ck_assert_int_eq(Tfl_parse_i64("5 ", INT64_MIN, INT64_MAX, &v), -1);
  ck_assert_int_eq(Tfl_parse_i64("+5", INT64_MIN, INT64_MAX, &v), -1);
  ck_assert_int_eq(Tfl_parse_i64("12k", INT64_MIN, INT64_MAX, &v), -1);
  ck_assert_int_eq(Tfl_parse_i64("0x10", INT64_MIN, INT64_MAX, &v), -1);
  ck_assert_int_eq(Tfl_parse_i64("9223372036854775808", INT64_MIN, INT64_MAX, &v), -1);
  ck_assert_int_eq(Tfl_parse_i64("--1", INT64_MIN, INT64_MAX, &v), -1);
  /* Ranges: a minus sign only where the range has negatives. */
  ck_assert_int_eq(Tfl_parse_i64("-1", 0, INT64_MAX, &v), -1);
  ck_assert_int_eq(Tfl_parse_i64("0", 1, INT64_MAX, &v), -1);
  ck_assert_int_eq(Tfl_parse_i64("11", 0, 10, &v), -1);
  ck_assert_int_eq(v, 7);
}
END_TEST

START_TEST(unsigned_numbers)
{
  uint64_t v = 7;
  ck_assert_int_eq(Tfl_parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
  ck_assert(v == UINT64_MAX);
  ck_assert_int_eq(Tfl_parse_u64("268435456", 0, UINT64_MAX, &v), 0);
  ck_assert(v == 268435456u);
  v = 7;
  /* strtoull would take "-1" as UINT64_MAX: not here. */
  ck_assert_int_eq(Tfl_parse_u64("-1", 0, UINT64_MAX, &v), -1);
  ck_assert_int_eq(Tfl_parse_u64("18446744073709551616", 0, UINT64_MAX, &v), -1);
  ck_assert_int_eq(Tfl_parse_u64("0", 1, 0x7fffffff, &v), -1);
  ck_assert_int_eq(Tfl_parse_u64("2147483648", 1, 0x7fffffff, &v), -1);
  ck_assert_int_eq(Tfl_parse_u64(NULL, 0, 1, &v), -1);
  ck_assert_int_eq(Tfl_parse_u64("", 0, 1, &v), -1);
  ck_assert_int_eq(v, 7);
}
END_TEST

/* 1.6.1: true when the first character is Y, y, T, t or 1. */
START_TEST(booleans)
{
  ck_assert_int_eq(Tfl_parse_bool("YES"), 1);
  ck_assert_int_eq(Tfl_parse_bool("yes"), 1);
  ck_assert_int_eq(Tfl_parse_bool("true"), 1);
  ck_assert_int_eq(Tfl_parse_bool("T"), 1);
  ck_assert_int_eq(Tfl_parse_bool("1"), 1);
  ck_assert_int_eq(Tfl_parse_bool("NO"), 0);
  ck_assert_int_eq(Tfl_parse_bool("false"), 0);
  ck_assert_int_eq(Tfl_parse_bool("0"), 0);
  ck_assert_int_eq(Tfl_parse_bool(""), 0);
  ck_assert_int_eq(Tfl_parse_bool(NULL), 0);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("parse");
  TCase *t = tcase_create("values");
  tcase_add_test(t, signed_numbers);
  tcase_add_test(t, unsigned_numbers);
  tcase_add_test(t, booleans);
  suite_add_tcase(s, t);
  return tu_run(s);
}
