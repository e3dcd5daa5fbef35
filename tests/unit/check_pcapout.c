/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* -K and -w pcap output: files carry the link type of their frames (1.6.1
 * wrote 6 for Ethernet), -K writers survive eviction from the cache of 64
 * by reopening in append mode, a reused 4-tuple gets a file of its own,
 * frames of another link type are skipped. */
#include "config.h"

#include <check.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "flowtab.h"
#include "options.h"
#include "output.h"
#include "pcapout.h"
#include "testutil.h"

static uint8_t frame[64];

/* A 64-byte frame of link type dlt; its first byte and time tell it apart. */
static struct tfl_packet packet(int dlt, int tag)
{
  struct tfl_packet p;
  memset(&p, 0, sizeof(p));
  memset(frame, 0xab, sizeof(frame));
  frame[0] = (uint8_t)tag;
  p.dlt = dlt;
  p.ts.tv_sec = 1600000000 + tag;
  p.ts.tv_usec = 123456;
  p.caplen = p.wirelen = sizeof(frame);
  p.frame = frame;
  return p;
}

/* Packets in a pcap file (-1 when libpcap cannot read it), its link type
 * in *dlt, and the tag (first byte) of every packet in tags. */
static int read_pcap(const char *path, int *dlt, int *tags, int max)
{
  char err[PCAP_ERRBUF_SIZE];
  struct pcap_pkthdr *h;
  const u_char *d;
  int n = 0;
  pcap_t *p = pcap_open_offline(path, err);
  if (!p)
    return -1;
  *dlt = pcap_datalink(p);
  while (pcap_next_ex(p, &h, &d) == 1) {
    if (n < max && tags) {
      tags[n] = d[0];
      ck_assert_int_eq(h->ts.tv_sec, 1600000000 + d[0]);
      ck_assert_int_eq(h->ts.tv_usec, 123456);
      ck_assert_uint_eq(h->caplen, 64);
      ck_assert_uint_eq(h->len, 64);
    }
    n++;
  }
  pcap_close(p);
  return n;
}

static struct tf_flow *make_flow(int i)
{
  struct tf_flow_key k;
  struct tf_flow *f;
  memset(&k, 0, sizeof(k));
  k.family = 4;
  k.vlan = TF_NO_VLAN;
  k.src[0] = 10, k.src[3] = (uint8_t)i;
  k.dst[0] = 10, k.dst[3] = 200;
  k.sport = (uint16_t)(1000 + i);
  k.dport = 80;
  f = Tf_flowtab_insert(tu_ctx.flows, &k);
  ck_assert_ptr_nonnull(f);
  f->vlan = -1;
  return f;
}

static const char *flow_pcap(int i, const char *suffix)
{
  static char path[512];
  snprintf(path, sizeof(path), "%s/010.000.000.%03d.%05d-010.000.000.200.00080%s.pcap",
           tu_outdir(), i, 1000 + i, suffix);
  return path;
}

static void setup(void)
{
  tu_setup();
  tf_opt.per_flow_pcap = 1;
  ck_assert_int_eq(Tf_pcapout_init(&tu_ctx), TF_OK);
}

static void teardown(void)
{
  Tf_pcapout_shutdown(&tu_ctx);
  tu_teardown();
}

START_TEST(per_flow_pcaps_survive_eviction)
{
  enum { FLOWS = 100, ROUNDS = 3 };
  struct tf_flow *flows[FLOWS];
  int dlt, tags[ROUNDS];
  for (int i = 0; i < FLOWS; i++)
    flows[i] = make_flow(i);
  /* three rounds over 100 flows with a cache of 64: every file is evicted
   * and reopened in append mode at least once */
  for (int round = 0; round < ROUNDS; round++)
    for (int i = 0; i < FLOWS; i++) {
      struct tfl_packet p = packet(DLT_EN10MB, round);
      ck_assert_int_eq(Tf_pcapout_flow(&tu_ctx, flows[i], &p), TF_OK);
    }
  for (int i = 0; i < FLOWS; i++) {
    Tf_pcapout_flow_close(&tu_ctx, flows[i]);
    ck_assert_ptr_null(flows[i]->kpcap);
    ck_assert_str_eq(flows[i]->path, flow_pcap(i, ""));
  }
  for (int i = 0; i < FLOWS; i++) {
    ck_assert_int_eq(read_pcap(flow_pcap(i, ""), &dlt, tags, ROUNDS), ROUNDS);
    ck_assert_int_eq(dlt, DLT_EN10MB); /* 1.6.1 wrote 6 */
    for (int r = 0; r < ROUNDS; r++)
      ck_assert_int_eq(tags[r], r); /* in arrival order */
  }
}
END_TEST

START_TEST(two_flows_interleaved_keep_their_frames)
{
  struct tf_flow *a = make_flow(1), *b = make_flow(2);
  int dlt, tags[4];
  struct tfl_packet p;
  p = packet(DLT_RAW, 1);
  ck_assert_int_eq(Tf_pcapout_flow(&tu_ctx, a, &p), TF_OK);
  p = packet(DLT_RAW, 2);
  ck_assert_int_eq(Tf_pcapout_flow(&tu_ctx, b, &p), TF_OK);
  /* released (flow finished), then more frames: appended, not truncated */
  Tf_pcapout_flow_close(&tu_ctx, a);
  p = packet(DLT_RAW, 3);
  ck_assert_int_eq(Tf_pcapout_flow(&tu_ctx, a, &p), TF_OK);
  Tf_pcapout_shutdown(&tu_ctx);
  ck_assert_ptr_null(a->kpcap);
  ck_assert_ptr_null(b->kpcap);
  ck_assert_int_eq(read_pcap(flow_pcap(1, ""), &dlt, tags, 4), 2);
  ck_assert_int_eq(dlt, DLT_RAW);
  ck_assert_int_eq(tags[0], 1);
  ck_assert_int_eq(tags[1], 3);
  ck_assert_int_eq(read_pcap(flow_pcap(2, ""), &dlt, tags, 4), 1);
  ck_assert_int_eq(tags[0], 2);
}
END_TEST

START_TEST(reused_tuple_gets_its_own_file)
{
  struct tf_flow *f = make_flow(7);
  struct tfl_packet p = packet(DLT_EN10MB, 1);
  int dlt;
  ck_assert_int_eq(Tf_pcapout_flow(&tu_ctx, f, &p), TF_OK);
  Tf_pcapout_flow_close(&tu_ctx, f);
  Tf_output_release(tu_ctx.output, f); /* the end of a flow, as demux does it */
  Tf_flowtab_remove(tu_ctx.flows, f);
  /* a later connection on the same endpoints (a new flow) */
  f = make_flow(7);
  p = packet(DLT_EN10MB, 2);
  ck_assert_int_eq(Tf_pcapout_flow(&tu_ctx, f, &p), TF_OK);
  Tf_pcapout_flow_close(&tu_ctx, f);
  ck_assert_str_eq(f->path, flow_pcap(7, "c1"));
  ck_assert_int_eq(read_pcap(flow_pcap(7, ""), &dlt, NULL, 0), 1);
  ck_assert_int_eq(read_pcap(flow_pcap(7, "c1"), &dlt, NULL, 0), 1);
}
END_TEST

START_TEST(flow_link_type_mismatch_skipped)
{
  struct tf_flow *f = make_flow(3);
  struct tfl_packet p;
  int dlt, tags[4];
  /* link type 0 (BSD loopback) must still count as "file started" */
  p = packet(DLT_NULL, 1);
  ck_assert_int_eq(Tf_pcapout_flow(&tu_ctx, f, &p), TF_OK);
  p = packet(DLT_EN10MB, 2); /* another -r file: warned, skipped */
  ck_assert_int_eq(Tf_pcapout_flow(&tu_ctx, f, &p), TF_OK);
  Tf_pcapout_flow_close(&tu_ctx, f);
  p = packet(DLT_EN10MB, 3); /* also after the writer was released */
  ck_assert_int_eq(Tf_pcapout_flow(&tu_ctx, f, &p), TF_OK);
  p = packet(DLT_NULL, 4);
  ck_assert_int_eq(Tf_pcapout_flow(&tu_ctx, f, &p), TF_OK);
  Tf_pcapout_flow_close(&tu_ctx, f);
  ck_assert_int_eq(read_pcap(flow_pcap(3, ""), &dlt, tags, 4), 2);
  ck_assert_int_eq(dlt, DLT_NULL);
  ck_assert_int_eq(tags[0], 1);
  ck_assert_int_eq(tags[1], 4);
}
END_TEST

START_TEST(unwritable_flow_file)
{
  struct tf_flow *f = make_flow(4);
  struct tfl_packet p = packet(DLT_EN10MB, 1);
  static char bad[600];
  snprintf(bad, sizeof(bad), "%s/file", tu_outdir());
  FILE *x = fopen(bad, "w");
  ck_assert_ptr_nonnull(x);
  fclose(x);
  tf_opt.outdir = bad; /* a file, not a directory */
  ck_assert_int_eq(Tf_pcapout_flow(&tu_ctx, f, &p), TF_ERR_OUTPUT);
  /* said once: later frames of that flow are dropped quietly */
  ck_assert_int_eq(Tf_pcapout_flow(&tu_ctx, f, &p), TF_OK);
  ck_assert_ptr_null(f->kpcap);
}
END_TEST

START_TEST(unprocessed_keeps_first_link_type)
{
  char path[512];
  int dlt, tags[4];
  struct tfl_packet raw1 = packet(DLT_RAW, 1);
  snprintf(path, sizeof(path), "%s/unprocessed.pcap", tu_outdir());
  ck_assert_int_eq(Tf_pcapout_unprocessed_open(&tu_ctx, path), TF_OK);
  Tf_pcapout_unprocessed(&tu_ctx, &raw1);
  struct tfl_packet eth = packet(DLT_EN10MB, 2);
  Tf_pcapout_unprocessed(&tu_ctx, &eth); /* another link type: skipped with a warning */
  struct tfl_packet raw3 = packet(DLT_RAW, 3);
  Tf_pcapout_unprocessed(&tu_ctx, &raw3);
  ck_assert_int_eq(Tf_pcapout_shutdown(&tu_ctx), TF_OK);
  ck_assert_int_eq(read_pcap(path, &dlt, tags, 4), 2);
  ck_assert_int_eq(dlt, DLT_RAW);
  ck_assert_int_eq(tags[0], 1);
  ck_assert_int_eq(tags[1], 3);
}
END_TEST

START_TEST(unprocessed_empty_is_a_valid_capture)
{
  char path[512];
  struct stat st;
  int dlt;
  snprintf(path, sizeof(path), "%s/unk.pcap", tu_outdir());
  ck_assert_int_eq(Tf_pcapout_unprocessed_open(&tu_ctx, path), TF_OK);
  Tf_pcapout_shutdown(&tu_ctx);
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_int_eq(st.st_size, 24); /* the header alone, as 1.6.1 */
  ck_assert_int_eq(read_pcap(path, &dlt, NULL, 0), 0);
}
END_TEST

START_TEST(unprocessed_unwritable_path)
{
  char path[512];
  snprintf(path, sizeof(path), "%s/no/such/dir/unk.pcap", tu_outdir());
  /* 1.6.1 died of an uncaught exception here */
  ck_assert_int_eq(Tf_pcapout_unprocessed_open(&tu_ctx, path), TF_ERR_OUTPUT);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("pcapout");
  TCase *tc = tcase_create("files");
  tcase_set_timeout(tc, 60);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, per_flow_pcaps_survive_eviction);
  tcase_add_test(tc, two_flows_interleaved_keep_their_frames);
  tcase_add_test(tc, reused_tuple_gets_its_own_file);
  tcase_add_test(tc, flow_link_type_mismatch_skipped);
  tcase_add_test(tc, unwritable_flow_file);
  tcase_add_test(tc, unprocessed_keeps_first_link_type);
  tcase_add_test(tc, unprocessed_empty_is_a_valid_capture);
  tcase_add_test(tc, unprocessed_unwritable_path);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
