/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* Reassembly edge cases, built in code and run through Tf_demux_packet. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "demux.h"
#include "options.h"
#include "output.h"
#include "tfl_packet.h"
#include "testutil.h"

#define C "10.0.0.1"
#define S "10.0.0.2"
#define CFILE "010.000.000.001.40000-010.000.000.002.00080"
#define SFILE "010.000.000.002.00080-010.000.000.001.40000"
#define SYN TFL_TCP_SYN
#define ACK TFL_TCP_ACK
#define FIN (TFL_TCP_FIN | TFL_TCP_ACK)
#define RST TFL_TCP_RST
#define PA (TFL_TCP_PSH | TFL_TCP_ACK)

static void client(uint32_t seq, uint8_t flags, const char *data)
{
  tu_seg(C, 40000, S, 80, seq, flags, data, data ? strlen(data) : 0, 1577934245);
}

static void server(uint32_t seq, uint8_t flags, const char *data)
{
  tu_seg(S, 80, C, 40000, seq, flags, data, data ? strlen(data) : 0, 1577934245);
}

static void assert_file(const char *name, const void *want, size_t wantlen)
{
  size_t len;
  char *got = tu_read(name, &len);
  ck_assert_msg(got != NULL, "%s missing", name);
  ck_assert_msg(len == wantlen, "%s: %zu bytes, expected %zu", name, len, wantlen);
  ck_assert_msg(memcmp(got, want, len) == 0, "%s: content differs", name);
  free(got);
}

static void assert_str(const char *name, const char *want)
{
  assert_file(name, want, strlen(want));
}

START_TEST(basic_handshake_and_fin)
{
  tu_setup();
  client(1000, SYN, NULL);
  server(5000, SYN | ACK, NULL);
  client(1001, ACK, NULL);
  client(1001, PA, "Hello, ");
  client(1008, PA, "world!\n");
  server(5001, PA, "Server says hi\n");
  client(1015, FIN, NULL);
  server(5016, FIN, NULL);
  assert_str(CFILE, "Hello, world!\n");
  assert_str(SFILE, "Server says hi\n");
  tu_teardown();
}
END_TEST


START_TEST(out_of_order_content)
{
  tu_setup();
  client(0, SYN, NULL);
  client(21, PA, "3333333333");
  client(1, PA, "1111111111");
  client(11, PA, "2222222222");
  client(31, FIN, NULL);
  assert_str(CFILE, "111111111122222222223333333333");
  tu_teardown();
}
END_TEST

START_TEST(retransmission_written_once_last_write_wins)
{
  tu_setup();
  client(0, SYN, NULL);
  client(1, PA, "ORIGINAL-DATA");
  client(1, PA, "RETRANSMITTED");
  client(14, PA, "+tail\n");
  client(20, FIN, NULL);
  assert_str(CFILE, "RETRANSMITTED+tail\n");
  tu_teardown();
}
END_TEST

START_TEST(partial_overlap)
{
  tu_setup();
  client(0, SYN, NULL);
  client(1, PA, "aaaaaaaaaa");
  client(6, PA, "BBBBBBBBBB");
  client(16, FIN, NULL);
  assert_str(CFILE, "aaaaaBBBBBBBBBB");
  tu_teardown();
}
END_TEST

START_TEST(hole_is_zero_filled)
{
  tu_setup();
  client(0, SYN, NULL);
  client(1, PA, "1111111111");
  client(21, PA, "3333333333");
  client(31, FIN, NULL);
  Tf_demux_close_all(&tu_ctx);
  assert_file(CFILE, "1111111111\0\0\0\0\0\0\0\0\0\0" "3333333333", 30);
  tu_teardown();
}
END_TEST

START_TEST(trailing_hole_not_materialised)
{
  tu_setup();
  client(0, SYN, NULL);
  client(1, PA, "1111111111");
  client(21, FIN, NULL);
  Tf_demux_close_all(&tu_ctx);
  assert_str(CFILE, "1111111111");
  tu_teardown();
}
END_TEST

START_TEST(no_syn_first_byte_at_zero)
{
  tu_setup();
  client(777777, PA, "mid-stream");
  Tf_demux_close_all(&tu_ctx);
  assert_str(CFILE, "mid-stream");
  tu_teardown();
}
END_TEST

START_TEST(no_syn_earlier_data_is_prepended)
{
  tu_setup();
  client(101, PA, "middle-part|");
  client(113, PA, "end-part\n");
  client(91, PA, "EARLY-BYTE");
  Tf_demux_close_all(&tu_ctx);
  assert_str(CFILE, "EARLY-BYTEmiddle-part|end-part\n");
  tu_teardown();
}
END_TEST

START_TEST(rst_closes_and_new_data_starts_c1)
{
  tu_setup();
  client(0, SYN, NULL);
  client(1, PA, "before-reset\n");
  client(14, RST, NULL);
  client(14, PA, "after-reset\n");
  Tf_demux_close_all(&tu_ctx);
  assert_str(CFILE, "before-reset\n");
  assert_str(CFILE "c1", "after-reset\n");
  tu_teardown();
}
END_TEST

/* n whole client connections, one after the other, on the same 4-tuple:
 * connection i sends "conn-i\n" from ISN 1000 * (i + 1), then FINs. */
static void client_connections(int n)
{
  for (int i = 0; i < n; i++) {
    uint32_t isn = 1000u * (uint32_t)(i + 1);
    char msg[16];
    snprintf(msg, sizeof(msg), "conn-%d\n", i);
    client(isn, SYN, NULL);
    client(isn + 1, PA, msg);
    client(isn + 1 + (uint32_t)strlen(msg), FIN, NULL);
  }
}

START_TEST(four_tuple_reuse)
{
  tu_setup();
  client_connections(3);
  assert_str(CFILE, "conn-0\n");
  assert_str(CFILE "c1", "conn-1\n");
  assert_str(CFILE "c2", "conn-2\n");
  tu_teardown();
}
END_TEST

/* Names taken before the run (an earlier run's c1, another program's c3)
 * are skipped, also once the search starts above the counter last used
 * for the 4-tuple (output.c's counter hints). */
START_TEST(four_tuple_reuse_around_existing_files)
{
  char path[4096];
  FILE *fp;
  tu_setup();
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof(path), "%s/%s%s", tu_outdir(), CFILE, i ? "c3" : "c1");
    fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs("earlier\n", fp);
    fclose(fp);
  }
  client_connections(4);
  assert_str(CFILE, "conn-0\n");
  assert_str(CFILE "c1", "earlier\n");
  assert_str(CFILE "c2", "conn-1\n");
  assert_str(CFILE "c3", "earlier\n");
  assert_str(CFILE "c4", "conn-2\n");
  assert_str(CFILE "c5", "conn-3\n");
  tu_teardown();
}
END_TEST

/* More flows open at once than descriptors (-f 4), each written in three
 * rounds of segments, with more bytes pending than the append buffers'
 * budget holds (200 x 24,000 bytes): every file still gets exactly its
 * bytes, and no more than 4 descriptors were ever open. */
START_TEST(many_flows_few_descriptors)
{
  enum { FLOWS = 200, SEG = 8000, ROUNDS = 3 };
  static char seg[SEG];
  tu_setup();
  Tf_output_shutdown(&tu_ctx);
  ck_assert_int_eq(Tf_output_init(&tu_ctx, 4), TF_OK);
  for (int f = 0; f < FLOWS; f++)
    tu_seg(C, (uint16_t)(20000 + f), S, 80, 0, SYN, NULL, 0, 1577934245);
  for (int r = 0; r < ROUNDS; r++) {
    for (int f = 0; f < FLOWS; f++) {
      memset(seg, 'a' + (f + r) % 26, sizeof(seg));
      tu_seg(C, (uint16_t)(20000 + f), S, 80, 1u + (uint32_t)(r * SEG), PA, seg, SEG,
             1577934245);
    }
  }
  for (int f = 0; f < FLOWS; f++)
    tu_seg(C, (uint16_t)(20000 + f), S, 80, 1u + ROUNDS * SEG, FIN, NULL, 0, 1577934245);
  ck_assert_int_le(Tf_output_max_open(tu_ctx.output), 4);
  for (int f = 0; f < FLOWS; f++) {
    char name[64];
    size_t len;
    char *got;
    snprintf(name, sizeof(name), "010.000.000.001.%05d-010.000.000.002.00080", 20000 + f);
    got = tu_read(name, &len);
    ck_assert_msg(got != NULL, "%s missing", name);
    ck_assert_uint_eq(len, (size_t)ROUNDS * SEG);
    for (int r = 0; r < ROUNDS; r++)
      for (size_t i = 0; i < SEG; i++)
        ck_assert_int_eq(got[(size_t)r * SEG + i], 'a' + (f + r) % 26);
    free(got);
  }
  ck_assert_int_eq(tu_count_files(), FLOWS);
  tu_teardown();
}
END_TEST

/* With a template that does not tell flows apart (%T: the start second),
 * names are taken in the order flows start, not the order they end: the
 * flow that started first keeps the plain name although it ends last. */
START_TEST(colliding_template_names_in_start_order)
{
  tu_setup();
  tf_opt.template_str = "%T%C%c";
  client(1000, SYN, NULL);
  client(1001, PA, "first\n");
  tu_seg(C, 40001, S, 80, 5000, SYN, NULL, 0, 1577934245);
  tu_seg(C, 40001, S, 80, 5001, PA, "second\n", 7, 1577934245);
  tu_seg(C, 40001, S, 80, 5008, FIN, NULL, 0, 1577934245);
  client(1007, FIN, NULL);
  assert_str("2020-01-02T03:04:05Z", "first\n");
  assert_str("2020-01-02T03:04:05Zc1", "second\n");
  tu_teardown();
}
END_TEST

START_TEST(sequence_wraparound)
{
  tu_setup();
  client(0xfffffff8u, SYN, NULL);
  client(0xfffffff9u, PA, "0123456789");
  client(0x00000003u, PA, "ABCDEFGHIJ");
  client(0x0000000du, FIN, NULL);
  assert_str(CFILE, "0123456789ABCDEFGHIJ");
  tu_teardown();
}
END_TEST

START_TEST(max_seek_splits_flow)
{
  tu_setup();
  client(0, SYN, NULL);
  client(1, PA, "before-jump\n");
  client(1 + 20 * 1024 * 1024, PA, "after-jump\n");
  Tf_demux_close_all(&tu_ctx);
  assert_str(CFILE, "before-jump\n");
  assert_str(CFILE "c1", "after-jump\n");
  tu_teardown();
}
END_TEST

START_TEST(small_jump_is_a_hole)
{
  tu_setup();
  client(0, SYN, NULL);
  client(1, PA, "abc");
  client(104, PA, "xyz");
  Tf_demux_close_all(&tu_ctx);
  size_t len;
  char *got = tu_read(CFILE, &len);
  ck_assert_uint_eq(len, 106);
  ck_assert(memcmp(got, "abc", 3) == 0 && memcmp(got + 103, "xyz", 3) == 0);
  for (int i = 3; i < 103; i++)
    ck_assert_int_eq(got[i], 0);
  free(got);
  tu_teardown();
}
END_TEST

START_TEST(keepalive_probe_ignored)
{
  tu_setup();
  client(0, SYN, NULL);
  client(1, PA, "abcdefghij\n");
  client(11, ACK, "Z");
  client(12, FIN, NULL);
  assert_str(CFILE, "abcdefghij\n");
  tu_teardown();
}
END_TEST

START_TEST(syn_payload_is_stream_data)
{
  /* TCP Fast Open: data on the SYN starts at ISN + 1. */
  tu_setup();
  client(100, SYN, "GET / ");
  client(107, PA, "HTTP/1.1\r\n");
  client(117, FIN, NULL);
  assert_str(CFILE, "GET / HTTP/1.1\r\n");
  tu_teardown();
}
END_TEST

START_TEST(straggler_after_fin_ignored)
{
  tu_setup();
  client(0, SYN, NULL);
  client(1, PA, "Hello, world!\n");
  client(15, FIN, NULL);
  client(1, PA, "Hello, world!\n"); /* exact late retransmission */
  client(8, PA, "WORLD?\n");         /* different bytes: a new flow */
  Tf_demux_close_all(&tu_ctx);
  assert_str(CFILE, "Hello, world!\n");
  assert_str(CFILE "c1", "WORLD?\n");
  ck_assert_int_eq(tu_count_files(), 2);
  tu_teardown();
}
END_TEST

START_TEST(max_bytes_cuts_file)
{
  tu_setup();
  tf_opt.max_bytes = 10;
  client(0, SYN, NULL);
  client(1, PA, "Hello, world!\n");
  client(15, FIN, NULL);
  assert_str(CFILE, "Hello, wor");
  tu_teardown();
}
END_TEST

/* -s on a segment larger than any snapshot length (1 MiB, every byte value):
 * the whole segment is stripped and written.  The strip copy once was a
 * fixed 256 KiB buffer written from past its end (ASan: global overflow;
 * plain build: zeros in the file). */
START_TEST(strip_segment_larger_than_snaplen)
{
  size_t n = 1024 * 1024;
  uint8_t *seg = malloc(n), *want = malloc(n);
  ck_assert_ptr_nonnull(seg);
  ck_assert_ptr_nonnull(want);
  for (size_t i = 0; i < n; i++) {
    seg[i] = (uint8_t)(i * 7);
    want[i] = (seg[i] >= 0x20 && seg[i] < 0x7f) || seg[i] == '\n' || seg[i] == '\r' ? seg[i]
                                                                                   : '.';
  }
  tu_setup();
  tf_opt.strip_nonprint = 1;
  client(0, SYN, NULL);
  tu_seg(C, 40000, S, 80, 1, PA, seg, n, 1577934245);
  client(1 + (uint32_t)n, FIN, NULL);
  assert_file(CFILE, want, n);
  tu_teardown();
  free(seg);
  free(want);
}
END_TEST

START_TEST(ipv6_names)
{
  tu_setup();
  tu_seg("2001:db8::1", 40000, "2001:db8::2", 80, 10, SYN, NULL, 0, 1);
  tu_seg("2001:db8::1", 40000, "2001:db8::2", 80, 11, PA, "v6", 2, 1);
  Tf_demux_close_all(&tu_ctx);
  assert_str("2001:db8::1.40000-2001:db8::2.00080", "v6");
  tu_teardown();
}
END_TEST

START_TEST(vlan_is_in_key_and_name)
{
  tu_setup();
  tu_seg_vlan(100, C, 40000, S, 80, 10, PA, "vlan100", 7, 1);
  tu_seg_vlan(200, C, 40000, S, 80, 10, PA, "vlan200", 7, 1);
  Tf_demux_close_all(&tu_ctx);
  assert_str(CFILE "--100", "vlan100");
  assert_str(CFILE "--200", "vlan200");
  tu_teardown();
}
END_TEST

START_TEST(flow_over_4gib_is_sparse_and_exact)
{
  struct stat st;
  char path[512];
  tu_setup();
  tf_opt.max_seek = INT32_MAX;
  uint32_t seq = 1;
  client(0, SYN, NULL);
  for (int i = 0; i < 4; i++) {
    client(seq, PA, "X");
    seq += 0x7fff0000u; /* ~2 GiB further each time */
  }
  Tf_demux_close_all(&tu_ctx);
  snprintf(path, sizeof(path), "%s/%s", tu_outdir(), CFILE);
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_uint_eq((uint64_t)st.st_size, 3ull * 0x7fff0000ull + 1);
  tu_teardown();
}
END_TEST

START_TEST(findx_sorted_after_out_of_order)
{
  tu_setup();
  tf_opt.findx = 1;
  tu_seg(C, 40000, S, 80, 0, SYN, NULL, 0, 100);
  tu_seg(C, 40000, S, 80, 21, PA, "3333333333", 10, 103);
  tu_seg(C, 40000, S, 80, 1, PA, "1111111111", 10, 104);
  tu_seg(C, 40000, S, 80, 11, PA, "2222222222", 10, 105);
  Tf_demux_close_all(&tu_ctx);
  char *fx = tu_read(CFILE ".findx", NULL);
  ck_assert_ptr_nonnull(fx);
  ck_assert_str_eq(fx, "0|104.000000|10\n10|105.000000|10\n20|103.000000|10\n");
  free(fx);
  tu_teardown();
}
END_TEST

static Suite *reasm_suite(void)
{
  Suite *s = suite_create("reassembly");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, basic_handshake_and_fin);
  tcase_add_test(tc, out_of_order_content);
  tcase_add_test(tc, retransmission_written_once_last_write_wins);
  tcase_add_test(tc, partial_overlap);
  tcase_add_test(tc, hole_is_zero_filled);
  tcase_add_test(tc, trailing_hole_not_materialised);
  tcase_add_test(tc, no_syn_first_byte_at_zero);
  tcase_add_test(tc, no_syn_earlier_data_is_prepended);
  tcase_add_test(tc, rst_closes_and_new_data_starts_c1);
  tcase_add_test(tc, four_tuple_reuse);
  tcase_add_test(tc, four_tuple_reuse_around_existing_files);
  tcase_add_test(tc, many_flows_few_descriptors);
  tcase_add_test(tc, colliding_template_names_in_start_order);
  tcase_add_test(tc, sequence_wraparound);
  tcase_add_test(tc, max_seek_splits_flow);
  tcase_add_test(tc, small_jump_is_a_hole);
  tcase_add_test(tc, keepalive_probe_ignored);
  tcase_add_test(tc, syn_payload_is_stream_data);
  tcase_add_test(tc, straggler_after_fin_ignored);
  tcase_add_test(tc, max_bytes_cuts_file);
  tcase_add_test(tc, strip_segment_larger_than_snaplen);
  tcase_add_test(tc, ipv6_names);
  tcase_add_test(tc, vlan_is_in_key_and_name);
  tcase_add_test(tc, flow_over_4gib_is_sparse_and_exact);
  tcase_add_test(tc, findx_sorted_after_out_of_order);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  return tu_run(reasm_suite());
}
