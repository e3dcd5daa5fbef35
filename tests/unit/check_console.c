/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* Console formats byte for byte as tcpflow 1.6.1 prints them: the expected
 * bytes below were taken from /usr/bin/tcpflow 1.6.1 runs (-c, -C, -D, -B,
 * -0, -g, -J, -b) on captures holding these payloads, plus our deliberate
 * fixes: green for undecided flows, -J from the flow key, -s beats -B. */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "options.h"
#include "testutil.h"

static char captured[16384];
static size_t captured_len;

/* Run print with fd 1 going to a temporary file; return what was printed. */
static const char *capture(struct tf_flow *f, const char *name, const void *data, size_t len)
{
  FILE *tmp = tmpfile();
  int saved = dup(1);
  ck_assert_ptr_nonnull(tmp);
  ck_assert_int_ge(saved, 0);
  fflush(stdout);
  dup2(fileno(tmp), 1);
  Tf_console_print(&tu_ctx, f, name, (const uint8_t *)data, len);
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  rewind(tmp);
  captured_len = fread(captured, 1, sizeof(captured) - 1, tmp);
  captured[captured_len] = '\0';
  fclose(tmp);
  return captured;
}

/* Compare everything printed, NUL bytes included. */
#define ck_printed(f, name, data, len, want)                               \
  do {                                                                     \
    capture(f, name, data, len);                                           \
    ck_assert_uint_eq(captured_len, sizeof(want) - 1);                     \
    ck_assert_mem_eq(captured, want, sizeof(want) - 1);                    \
  } while (0)

static struct tf_flow flow;

static void setup(void)
{
  tu_setup();
  tf_opt.store_output = 0;
  tf_opt.console = TF_CONSOLE_WITH_HEADER;
  memset(&flow, 0, sizeof(flow));
  flow.key.family = 4;
  flow.key.vlan = TF_NO_VLAN;
  memcpy(flow.key.src, "\x0a\x00\x00\x01", 4);
  memcpy(flow.key.dst, "\x0a\x00\x00\x02", 4);
  flow.key.sport = 40000;
  flow.key.dport = 80;
  ck_assert_int_eq(Tf_console_init(&tu_ctx), TF_OK);
}

static void teardown(void)
{
  (void)Tf_console_shutdown(&tu_ctx); /* the tests that check its result call it themselves */
  tu_teardown();
}

#define NAME "010.000.000.001.40000-010.000.000.002.00080"

/* The four payloads of the reference capture: 7, 32, 33 and 70 bytes. */
static const uint8_t p7[] = "He\x01l\tlo";
static uint8_t p32[32], p70[70];
static const uint8_t p33[] = "Hello\x00\x01\x02world\x7f\x80\xff\r\nabcdefghijklmno";

static void fill(void)
{
  for (int i = 0; i < 32; i++)
    p32[i] = (uint8_t)(0x40 + i);
  for (int i = 0; i < 70; i++)
    p70[i] = (uint8_t)((i * 7 + 3) % 256);
}

START_TEST(text_with_header)
{
  fill();
  ck_printed(&flow, NAME, p7, 7, NAME ": He.l.lo\n");
  ck_printed(&flow, NAME, p32, 32, NAME ": @ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\n");
  /* \r and \n kept, every other non-printable (\t, NUL, DEL, 0x80) is '.' */
  ck_printed(&flow, NAME, p33, 33, NAME ": Hello...world...\r\nabcdefghijklmno\n");
  ck_printed(&flow, NAME, p70, 70,
             NAME ": .\n...&-4;BIPW^elsz....................\r..\")07>ELSZahov}..........."
                  "....\n");
}
END_TEST

START_TEST(text_without_header_binary_and_strip)
{
  fill();
  tf_opt.console = TF_CONSOLE_NO_HEADER;
  ck_printed(&flow, NAME, p7, 7, "He.l.lo\n");
  tf_opt.console_binary = 1; /* -B: raw bytes */
  ck_printed(&flow, NAME, p7, 7, "He\x01l\tlo\n");
  ck_printed(&flow, NAME, p33, 33,
             "Hello\x00\x01\x02world\x7f\x80\xff\r\nabcdefghijklmno\n");
  /* -s strips even with -B (1.6.1 let -B win; the manual says -s strips) */
  tf_opt.strip_nonprint = 1;
  ck_printed(&flow, NAME, p7, 7, "He.l.lo\n");
  tf_opt.console_binary = 0;
  ck_printed(&flow, NAME, "\t\x7f", 2, "..\n");
}
END_TEST

START_TEST(no_newline)
{
  tf_opt.console_no_newline = 1;
  ck_printed(&flow, NAME, "abc", 3, NAME ": abc");
  tf_opt.console = TF_CONSOLE_NO_HEADER;
  ck_printed(&flow, NAME, "abc", 3, "abc");
  tf_opt.console_hex = 1; /* -0 drops only the packet newline, not the line ends */
  ck_printed(&flow, NAME, "ab", 2, "0000: 6162  ab\n");
}
END_TEST

START_TEST(hex_dump_with_header)
{
  fill();
  tf_opt.console_hex = 1;
  ck_printed(&flow, NAME, p7, 7, NAME ": \n0000: 4865 016c 096c 6f He.l.lo\n\n");
  ck_printed(&flow, NAME, p32, 32,
             NAME ": \n"
             "0000: 4041 4243 4445 4647 4849 4a4b 4c4d 4e4f 5051 5253 5455 5657 5859 5a5b "
             "5c5d 5e5f  @ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\n\n");
  ck_printed(&flow, NAME, p33, 33,
             NAME ": \n"
             "0000: 4865 6c6c 6f00 0102 776f 726c 647f 80ff 0d0a 6162 6364 6566 6768 696a "
             "6b6c 6d6e  Hello...world.....abcdefghijklmn\n"
             "0020: 6f                                                                     "
             "          o\n\n");
  ck_printed(&flow, NAME, p70, 70,
             NAME ": \n"
             "0000: 030a 1118 1f26 2d34 3b42 4950 575e 656c 737a 8188 8f96 9da4 abb2 b9c0 "
             "c7ce d5dc  .....&-4;BIPW^elsz..............\n"
             "0020: e3ea f1f8 ff06 0d14 1b22 2930 373e 454c 535a 6168 6f76 7d84 8b92 99a0 "
             "a7ae b5bc  .........\")07>ELSZahov}.........\n"
             "0040: c3ca d1d8 dfe6                                                         "
             "          ......\n\n");
}
END_TEST

START_TEST(hex_dump_without_header)
{
  fill();
  tf_opt.console = TF_CONSOLE_NO_HEADER;
  tf_opt.console_hex = 1;
  ck_printed(&flow, NAME, p7, 7, "0000: 4865 016c 096c 6f He.l.lo\n\n");
  ck_printed(&flow, NAME, p33, 33,
             "0000: 4865 6c6c 6f00 0102 776f 726c 647f 80ff 0d0a 6162 6364 6566 6768 696a "
             "6b6c 6d6e  Hello...world.....abcdefghijklmn\n"
             "0020: 6f                                                                     "
             "          o\n\n");
  /* -B changes nothing in a hex dump */
  tf_opt.console_binary = 1;
  ck_printed(&flow, NAME, p7, 7, "0000: 4865 016c 096c 6f He.l.lo\n\n");
}
END_TEST

START_TEST(hex_dump_large_offsets)
{
  static uint8_t big[70000];
  memset(big, 'A', sizeof(big));
  tf_opt.console = TF_CONSOLE_NO_HEADER;
  tf_opt.console_hex = 1;
  tf_opt.max_bytes = 65568; /* keep the capture small: the last 2 lines */
  FILE *tmp = tmpfile();
  int saved = dup(1);
  fflush(stdout);
  dup2(fileno(tmp), 1);
  Tf_console_print(&tu_ctx, &flow, NAME, big, sizeof(big));
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  /* "%04x" is a minimum width: five digits past 0xffff (IPv6 jumbograms) */
  ck_assert_int_eq(fseek(tmp, -2 * (7 + 80 + 1 + 32 + 1) - 1, SEEK_END), 0);
  captured_len = fread(captured, 1, sizeof(captured) - 1, tmp);
  captured[captured_len] = '\0';
  fclose(tmp);
  ck_assert_ptr_nonnull(strstr(captured, "\n10000: 4141"));
  ck_assert_ptr_nonnull(strstr(captured, "AAAA\n\n"));
  ck_assert_uint_eq(flow.console_bytes, 65568);
}
END_TEST

START_TEST(colours_by_role)
{
  tf_opt.console_color = 1;
  /* as 1.6.1: colour, header, payload, reset, newline */
  flow.role = TF_ROLE_CLIENT;
  ck_printed(&flow, NAME, "GET /\r\n\tx", 9, "\033[0;34m" NAME ": GET /\r\n.x\033[0m\n");
  flow.role = TF_ROLE_SERVER;
  ck_printed(&flow, NAME, "HTTP\x01ok\r\n", 9, "\033[0;31m" NAME ": HTTP.ok\r\n\033[0m\n");
  /* 1.6.1 printed red here; its manual says green */
  flow.role = TF_ROLE_UNKNOWN;
  ck_printed(&flow, NAME, "x", 1, "\033[0;32m" NAME ": x\033[0m\n");
  tf_opt.console_hex = 1;
  tf_opt.console_no_newline = 1;
  tf_opt.console = TF_CONSOLE_NO_HEADER;
  flow.role = TF_ROLE_CLIENT;
  ck_printed(&flow, NAME, "ab", 2, "\033[0;34m0000: 6162  ab\n\033[0m");
}
END_TEST

#define JSON_V4                                                                  \
  "{\"src_host\":\"10.0.0.1\",\"src_port\":40000,\"dst_host\":\"10.0.0.2\",\"dst_port\":80,"

START_TEST(json_ipv4)
{
  tf_opt.console_json = 1;
  /* no "name: " header with -J, even with -c */
  ck_printed(&flow, NAME, "He\x01l", 4, JSON_V4 "\"payload\": [72,101,1,108]}\n");
  /* 1.6.1 re-parsed the name and printed "0.0.0.1" here */
  ck_printed(&flow, "out/" NAME, "\xff", 1, JSON_V4 "\"payload\": [255]}\n");
  /* -g wraps it, -0 drops the newline: as 1.6.1 */
  tf_opt.console_color = 1;
  tf_opt.console_no_newline = 1;
  flow.role = TF_ROLE_CLIENT;
  ck_printed(&flow, NAME, "Hi", 2, "\033[0;34m" JSON_V4 "\"payload\": [72,105]}\033[0m");
  /* -D wins over -J and prints no header: as 1.6.1 */
  tf_opt.console_color = 0;
  tf_opt.console_no_newline = 0;
  tf_opt.console_hex = 1;
  ck_printed(&flow, NAME, "Hi", 2, "0000: 4869  Hi\n\n");
}
END_TEST

START_TEST(json_ipv6)
{
  tf_opt.console_json = 1;
  flow.key.family = 6;
  memset(flow.key.src, 0, 16);
  memset(flow.key.dst, 0, 16);
  memcpy(flow.key.src, "\x20\x01\x0d\xb8", 4);
  memcpy(flow.key.dst, "\x20\x01\x0d\xb8", 4);
  flow.key.src[15] = 1;
  flow.key.dst[15] = 2;
  /* 1.6.1: {"src_host":"2001.40000.","src_port":1,"dst_host":"802001.",... */
  ck_printed(&flow, "out/2001:0db8:0000:0000:0000:0000:0000:0001.40000-"
                    "2001:0db8:0000:0000:0000:0000:0000:0002.00080",
             "Hi", 2,
             "{\"src_host\":\"2001:db8::1\",\"src_port\":40000,\"dst_host\":\"2001:db8::2\","
             "\"dst_port\":80,\"payload\": [72,105]}\n");
  ck_printed(&flow, "x", "", 0, "");
}
END_TEST

START_TEST(max_bytes_per_flow)
{
  struct tf_flow other = flow;
  tf_opt.max_bytes = 5;
  ck_printed(&flow, NAME, "Hel", 3, NAME ": Hel\n");
  ck_printed(&flow, NAME, "lo, world", 9, NAME ": lo\n");
  ck_printed(&flow, NAME, "more", 4, "");
  ck_assert_uint_eq(flow.console_bytes, 5);
  /* the limit is per flow */
  ck_printed(&other, NAME, "Server says", 11, NAME ": Serve\n");
  /* -b 0 prints nothing at all */
  tf_opt.max_bytes = 0;
  other.console_bytes = 0;
  ck_printed(&other, NAME, "x", 1, "");
  tf_opt.max_bytes = 3;
  tf_opt.console_hex = 1;
  other.console_bytes = 0;
  ck_printed(&other, NAME, "GET /", 5, NAME ": \n0000: 4745 54 GET\n\n");
}
END_TEST

START_TEST(semaphore_lock)
{
  char name[64];
  sem_t *s;
  int v = -1;
  snprintf(name, sizeof(name), "/tf-check-console-%ld", (long)getpid());
  tf_opt.semlock = name;
  (void)Tf_console_shutdown(&tu_ctx); /* the fixture's, opened without -L */
  ck_assert_int_eq(Tf_console_init(&tu_ctx), TF_OK);
  ck_printed(&flow, NAME, "x", 1, NAME ": x\n");
  /* released after each packet */
  s = sem_open(name, 0);
  ck_assert(s != SEM_FAILED);
  ck_assert_int_eq(sem_getvalue(s, &v), 0);
  ck_assert_int_eq(v, 1);
  sem_close(s);
  ck_assert_int_eq(Tf_console_shutdown(&tu_ctx), TF_OK);
  sem_unlink(name);
}
END_TEST

START_TEST(broken_stdout_does_not_crash)
{
  int saved = dup(1);
  int full = open("/dev/full", O_WRONLY);
  ck_assert_int_ge(full, 0);
  (void)Tf_console_shutdown(&tu_ctx); /* the fixture's, opened without -L */
  ck_assert_int_eq(Tf_console_init(&tu_ctx), TF_OK);
  fflush(stdout);
  dup2(full, 1);
  close(full);
  for (int i = 0; i < 1000; i++)
    Tf_console_print(&tu_ctx, &flow, NAME, (const uint8_t *)"0123456789abcdef0123456789abcdef", 32);
  /* reports the error on stderr, and it is an output error */
  ck_assert_int_eq(Tf_console_shutdown(&tu_ctx), TF_ERR_OUTPUT);
  clearerr(stdout);
  dup2(saved, 1);
  close(saved);
  ck_assert_uint_eq(flow.console_bytes, 32000);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("console");
  TCase *tc = tcase_create("formats");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, text_with_header);
  tcase_add_test(tc, text_without_header_binary_and_strip);
  tcase_add_test(tc, no_newline);
  tcase_add_test(tc, hex_dump_with_header);
  tcase_add_test(tc, hex_dump_without_header);
  tcase_add_test(tc, hex_dump_large_offsets);
  tcase_add_test(tc, colours_by_role);
  tcase_add_test(tc, json_ipv4);
  tcase_add_test(tc, json_ipv6);
  tcase_add_test(tc, max_bytes_per_flow);
  tcase_add_test(tc, semaphore_lock);
  tcase_add_test(tc, broken_stdout_does_not_crash);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
