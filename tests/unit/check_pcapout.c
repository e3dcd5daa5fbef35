/* -K and -w pcap output: right link types, appends after eviction from the
 * writer cache, reused 4-tuples in files of their own. */
#include "config.h"

#include <check.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flowtab.h"
#include "options.h"
#include "pcapout.h"
#include "testutil.h"

static struct tf_packet packet(int dlt)
{
  static uint8_t frame[64];
  struct tf_packet p;
  memset(&p, 0, sizeof(p));
  memset(frame, 0xab, sizeof(frame));
  p.dlt = dlt;
  p.ts.tv_sec = 1600000000;
  p.caplen = p.wirelen = sizeof(frame);
  p.frame = frame;
  return p;
}

/* Packets in a pcap file, and its link type in *dlt. */
static int count_packets(const char *path, int *dlt)
{
  char err[PCAP_ERRBUF_SIZE];
  struct pcap_pkthdr *h;
  const u_char *d;
  int n = 0;
  pcap_t *p = pcap_open_offline(path, err);
  if (!p)
    return -1;
  *dlt = pcap_datalink(p);
  while (pcap_next_ex(p, &h, &d) == 1)
    n++;
  pcap_close(p);
  return n;
}

START_TEST(per_flow_pcaps_survive_eviction)
{
  enum { FLOWS = 100 };
  struct tf_flow *flows[FLOWS];
  char path[512];
  int dlt;
  tu_setup();
  tf_opt.per_flow_pcap = 1;
  for (int i = 0; i < FLOWS; i++) {
    struct tf_flow_key k;
    memset(&k, 0, sizeof(k));
    k.family = 4;
    k.vlan = TF_NO_VLAN;
    k.src[0] = 10, k.src[3] = (uint8_t)i;
    k.dst[0] = 10, k.dst[3] = 200;
    k.sport = (uint16_t)(1000 + i);
    k.dport = 80;
    flows[i] = Tf_flowtab_insert(&k);
    flows[i]->vlan = -1;
  }
  /* three rounds over 100 flows with a cache of 64: every file is reopened */
  for (int round = 0; round < 3; round++)
    for (int i = 0; i < FLOWS; i++) {
      struct tf_packet p = packet(1);
      ck_assert_int_eq(Tf_pcapout_flow(flows[i], &p), TF_OK);
    }
  for (int i = 0; i < FLOWS; i++)
    Tf_pcapout_flow_close(flows[i]);
  for (int i = 0; i < FLOWS; i++) {
    snprintf(path, sizeof(path), "%s/010.000.000.%03d.%05d-010.000.000.200.00080.pcap",
             tu_outdir(), i, 1000 + i);
    ck_assert_int_eq(count_packets(path, &dlt), 3);
    ck_assert_int_eq(dlt, DLT_EN10MB); /* 1.6.1 wrote 6 */
  }
  Tf_pcapout_shutdown();
  tu_teardown();
}
END_TEST

START_TEST(unprocessed_keeps_first_link_type)
{
  char path[512];
  int dlt;
  struct tf_packet eth = packet(DLT_EN10MB), raw = packet(DLT_RAW);
  tu_setup();
  snprintf(path, sizeof(path), "%s/unprocessed.pcap", tu_outdir());
  Tf_pcapout_unprocessed_open(path);
  Tf_pcapout_unprocessed(&raw);
  Tf_pcapout_unprocessed(&eth); /* another link type: skipped with a warning */
  Tf_pcapout_unprocessed(&raw);
  Tf_pcapout_shutdown();
  ck_assert_int_eq(count_packets(path, &dlt), 2);
  ck_assert_int_eq(dlt, DLT_RAW);
  tu_teardown();
}
END_TEST

int main(void)
{
  Suite *s = suite_create("pcapout");
  TCase *tc = tcase_create("files");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, per_flow_pcaps_survive_eviction);
  tcase_add_test(tc, unprocessed_keeps_first_link_type);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
