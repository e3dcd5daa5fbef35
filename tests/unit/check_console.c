/* Console formats, byte for byte as tcpflow 1.6.1 prints them (expected
 * strings taken from /usr/bin/tcpflow runs), plus our fixes (-J, -g). */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "options.h"
#include "testutil.h"

static char captured[8192];

/* Run print with stdout going to a file; return what was printed. */
static const char *capture(struct tf_flow *f, const char *name, const char *data, size_t len)
{
  FILE *tmp = tmpfile();
  int saved = dup(1);
  size_t n;
  fflush(stdout);
  dup2(fileno(tmp), 1);
  Tf_console_print(f, name, (const uint8_t *)data, len);
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  rewind(tmp);
  n = fread(captured, 1, sizeof(captured) - 1, tmp);
  captured[n] = '\0';
  fclose(tmp);
  return captured;
}

static struct tf_flow flow;

static void setup(void)
{
  tu_setup();
  tf_opt.store_output = 0;
  tf_opt.console = TF_CONSOLE_WITH_HEADER;
  memset(&flow, 0, sizeof(flow));
  flow.key.family = 4;
  memcpy(flow.key.src, "\x0a\x00\x00\x01", 4);
  memcpy(flow.key.dst, "\x0a\x00\x00\x02", 4);
  flow.key.sport = 40000;
  flow.key.dport = 80;
}

static void teardown(void)
{
  tu_teardown();
}

#define NAME "010.000.000.001.40000-010.000.000.002.00080"

START_TEST(plain_and_stripped)
{
  ck_assert_str_eq(capture(&flow, NAME, "Hello,\tworld\r\n", 14), NAME ": Hello,.world\r\n\n");
  tf_opt.console = TF_CONSOLE_NO_HEADER;
  ck_assert_str_eq(capture(&flow, NAME, "a\x01z", 3), "a.z\n");
  tf_opt.console_binary = 1;
  ck_assert_mem_eq(capture(&flow, NAME, "a\x01z", 3), "a\x01z\n", 4);
  tf_opt.console_no_newline = 1;
  ck_assert_str_eq(capture(&flow, NAME, "abc", 3), "abc");
}
END_TEST

START_TEST(hex_dump_layout)
{
  tf_opt.console_hex = 1;
  ck_assert_str_eq(capture(&flow, NAME, "flow 1 segment 0 x\n", 19),
                   NAME ": \n0000: 666c 6f77 2031 2073 6567 6d65 6e74 2030 2078 0a flow 1 segment 0 x.\n\n");
  /* 33 bytes: the second line is padded to the first one's width */
  const char *p = capture(&flow, NAME, "flow 15 segment 0 xxxxxxxxxxxxxxx\n", 34);
  const char *l2 = strstr(p, "0020: 780a");
  ck_assert_ptr_nonnull(l2);
  /* 1.6.1 puts 77 spaces between "780a" and the characters here */
  char want[128];
  snprintf(want, sizeof(want), "0020: 780a%77s%s", "", "x.\n\n");
  ck_assert_str_eq(l2, want);
  tf_opt.console = TF_CONSOLE_NO_HEADER;
  ck_assert_str_eq(capture(&flow, NAME, "ab", 2), "0000: 6162  ab\n\n");
}
END_TEST

START_TEST(json_from_key)
{
  tf_opt.console_json = 1;
  ck_assert_str_eq(capture(&flow, "out/" NAME, "Hi", 2),
                   "{\"src_host\":\"10.0.0.1\",\"src_port\":40000,\"dst_host\":\"10.0.0.2\","
                   "\"dst_port\":80,\"payload\": [72,105]}\n");
  flow.key.family = 6;
  memset(flow.key.src, 0, 16);
  memset(flow.key.dst, 0, 16);
  flow.key.src[0] = 0x20, flow.key.src[1] = 0x01, flow.key.src[15] = 1;
  flow.key.dst[0] = 0x20, flow.key.dst[1] = 0x01, flow.key.dst[15] = 2;
  ck_assert_str_eq(capture(&flow, "x", "", 0), "");
  ck_assert_str_eq(capture(&flow, "x", "A", 1),
                   "{\"src_host\":\"2001::1\",\"src_port\":40000,\"dst_host\":\"2001::2\","
                   "\"dst_port\":80,\"payload\": [65]}\n");
}
END_TEST

START_TEST(colours_by_role)
{
  tf_opt.console_color = 1;
  flow.role = TF_ROLE_CLIENT;
  ck_assert_str_eq(capture(&flow, NAME, "x", 1), "\033[0;34m" NAME ": x\033[0m\n");
  flow.role = TF_ROLE_SERVER;
  ck_assert_str_eq(capture(&flow, NAME, "x", 1), "\033[0;31m" NAME ": x\033[0m\n");
  flow.role = TF_ROLE_UNKNOWN;
  ck_assert_str_eq(capture(&flow, NAME, "x", 1), "\033[0;32m" NAME ": x\033[0m\n");
}
END_TEST

START_TEST(max_bytes_per_flow)
{
  tf_opt.max_bytes = 5;
  tf_opt.console = TF_CONSOLE_NO_HEADER;
  ck_assert_str_eq(capture(&flow, NAME, "Hel", 3), "Hel\n");
  ck_assert_str_eq(capture(&flow, NAME, "lo, world", 9), "lo\n");
  ck_assert_str_eq(capture(&flow, NAME, "more", 4), "");
}
END_TEST

int main(void)
{
  Suite *s = suite_create("console");
  TCase *tc = tcase_create("formats");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, plain_and_stripped);
  tcase_add_test(tc, hex_dump_layout);
  tcase_add_test(tc, json_from_key);
  tcase_add_test(tc, colours_by_role);
  tcase_add_test(tc, max_bytes_per_flow);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
