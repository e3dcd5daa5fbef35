/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Unit tests of the wifi scanner, driven through the fake host: real
 * radiotap frames read from tests/captures, crafted beacons, table limits,
 * and the text summary.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_host.h"

#ifndef TF_CAPTURES_DIR
#define TF_CAPTURES_DIR "../../tests/captures"
#endif

const struct tfs_scanner *tcpflow_scanner_describe(void);

static const struct tfs_scanner *sc;
static tfs_ctx *ctx;
static void *state;

static void setup(void)
{
  sc = tcpflow_scanner_describe();
  ctx = Fake_host_new(sc);
  state = NULL;
}

/* Fake_host_free removes the host's directory, the summary with it. */
static void teardown(void)
{
  if (state)
    sc->fini(state);
  Fake_host_free(ctx);
}

static void start(void)
{
  ck_assert_int_eq(sc->init(Fake_host_api(), ctx, &state), TFS_OK);
}

static void feed(int dlt, const uint8_t *data, size_t len)
{
  struct tfs_packet p;
  memset(&p, 0, sizeof(p));
  p.struct_size = sizeof(p);
  p.dlt = dlt;
  p.caplen = p.len = (uint32_t)len;
  p.data = data;
  sc->packet(state, &p);
}

/* Feeds every record of a little-endian microsecond pcap file. */
static void feed_pcap(const char *name)
{
  char path[512];
  uint8_t gh[24], rh[16];
  FILE *fp;
  int dlt;
  snprintf(path, sizeof(path), "%s/%s", TF_CAPTURES_DIR, name);
  fp = fopen(path, "rb");
  ck_assert_msg(fp != NULL, "cannot open %s", path);
  ck_assert_uint_eq(fread(gh, 1, sizeof(gh), fp), sizeof(gh));
  ck_assert_uint_eq(gh[0], 0xd4);
  dlt = gh[20] | (gh[21] << 8);
  while (fread(rh, 1, sizeof(rh), fp) == sizeof(rh)) {
    uint32_t n = (uint32_t)rh[8] | ((uint32_t)rh[9] << 8) | ((uint32_t)rh[10] << 16) |
                 ((uint32_t)rh[11] << 24);
    uint8_t *buf = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, n, fp), n);
    feed(dlt, buf, n);
    free(buf);
  }
  fclose(fp);
}

static char *read_summary(void)
{
  static char text[65536];
  char path[128];
  FILE *fp;
  size_t n;
  snprintf(path, sizeof(path), "%s/wifi-summary.txt", Fake_host_dir(ctx));
  fp = fopen(path, "r");
  ck_assert_msg(fp != NULL, "no %s", path);
  n = fread(text, 1, sizeof(text) - 1, fp);
  text[n] = '\0';
  fclose(fp);
  return text;
}

#define ck_assert_has(hay, needle) \
  ck_assert_msg(strstr((hay), (needle)) != NULL, "missing <%s> in <%s>", (needle), (hay))

/* A beacon in a radiotap header with FCS flag and 2437 MHz; the elements
 * are appended by the caller, then beacon_end adds the FCS. */
struct beacon {
  uint8_t b[512];
  size_t n;
};

static void beacon_add(struct beacon *bc, const void *p, size_t n)
{
  ck_assert_uint_le(bc->n + n, sizeof(bc->b));
  memcpy(bc->b + bc->n, p, n);
  bc->n += n;
}

static void beacon_start(struct beacon *bc, uint8_t last_mac_byte, uint16_t capability)
{
  static const uint8_t rt[] = {0x00, 0x00, 0x0e, 0x00, 0x0a, 0x00, 0x00, 0x00,
                               0x10, 0x00, 0x85, 0x09, 0xa0, 0x00}; /* flags, channel */
  uint8_t mac[24] = {0x80, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                     0x02, 0x00, 0x00, 0x00, 0x00, last_mac_byte,
                     0x02, 0x00, 0x00, 0x00, 0x00, last_mac_byte, 0x10, 0x00};
  uint8_t fixed[12] = {0};
  bc->n = 0;
  beacon_add(bc, rt, sizeof(rt));
  beacon_add(bc, mac, sizeof(mac));
  fixed[8] = 100;
  fixed[10] = (uint8_t)capability;
  fixed[11] = (uint8_t)(capability >> 8);
  beacon_add(bc, fixed, sizeof(fixed));
}

static void beacon_ie(struct beacon *bc, uint8_t id, const void *data, uint8_t len)
{
  beacon_add(bc, &id, 1);
  beacon_add(bc, &len, 1);
  beacon_add(bc, data, len);
}

static void beacon_send(struct beacon *bc)
{
  static const uint8_t fcs[4] = {0x12, 0x34, 0x56, 0x78};
  beacon_add(bc, fcs, 4);
  feed(127, bc->b, bc->n);
}

/* RSN element with one pairwise suite (CCMP) and one AKM. */
static void beacon_rsn(struct beacon *bc, uint8_t akm)
{
  uint8_t rsn[20] = {0x01, 0x00, 0x00, 0x0f, 0xac, 0x04, 0x01, 0x00, 0x00, 0x0f,
                     0xac, 0x04, 0x01, 0x00, 0x00, 0x0f, 0xac, akm,  0x00, 0x00};
  beacon_ie(bc, 48, rsn, sizeof(rsn));
}

START_TEST(real_radiotap_frames)
{
  const char *xml, *txt;
  start();
  feed_pcap("pn_80211_qos_data_frame_ipv4_tcp.pcap");
  feed_pcap("pn_80211_unencrypted_data_frame.pcap");
  ck_assert_int_eq(sc->run_end(state), TFS_OK);
  xml = Fake_host_xml(ctx);
  ck_assert_has(xml, "<ssids/>");
  ck_assert_has(xml, "<wifi frames='2' malformed='0' not_80211='0' protected='0'");
  ck_assert_has(xml, "<access_points count='0' dropped='0'/>");
  ck_assert_has(xml, "<stations count='2' dropped='0'>"
                     "<station mac='00:17:3f:b7:2c:29' bssid='00:24:b2:f8:d7:06' frames='1'/>"
                     "<station mac='cc:61:e5:be:1a:db' bssid='90:03:b7:eb:2a:a2' frames='1'/>"
                     "</stations>");
  ck_assert_has(xml, "<frame_type type='data' subtype='data' count='1'/>");
  ck_assert_has(xml, "<frame_type type='data' subtype='qos_data' count='1'/>");
  txt = read_summary();
  ck_assert_has(txt, "802.11 frames: 2 (");
  ck_assert_has(txt, "Stations: 2 (dropped 0)");
  ck_assert_has(txt, "  cc:61:e5:be:1a:db 90:03:b7:eb:2a:a2");
  ck_assert_has(txt, "qos_data");
}
END_TEST

START_TEST(crafted_beacons)
{
  struct beacon bc;
  static const uint8_t tim0[1] = {0};
  static const uint8_t ch11 = 11;
  static const uint8_t odd[5] = {'a', 0x01, 'b', '\\', 0xff};
  static const uint8_t wpa[8] = {0x00, 0x50, 0xf2, 0x01, 0x01, 0x00, 0x00, 0x50};
  const char *xml, *txt;
  int i;
  start();

  /* WPA2-PSK network "Test<SSID>" on channel 11 (DS element wins over the
   * radio's 6), seen twice; a TIM of length 0 on the way. */
  for (i = 0; i < 2; i++) {
    beacon_start(&bc, 0xaa, 0x0011);
    beacon_ie(&bc, 0, "Test<SSID>", 10);
    beacon_ie(&bc, 3, &ch11, 1);
    beacon_ie(&bc, 5, tim0, 0);
    beacon_rsn(&bc, 2);
    beacon_send(&bc);
  }
  /* WPA3 (SAE) with a non-printable name; no DS element: radio channel. */
  beacon_start(&bc, 0xbb, 0x0011);
  beacon_ie(&bc, 0, odd, sizeof(odd));
  beacon_rsn(&bc, 8);
  beacon_send(&bc);
  /* Open, WEP and WPA (vendor element) networks. */
  beacon_start(&bc, 0xcc, 0x0001);
  beacon_ie(&bc, 0, "open", 4);
  beacon_send(&bc);
  beacon_start(&bc, 0xdd, 0x0011);
  beacon_ie(&bc, 0, "wep", 3);
  beacon_send(&bc);
  beacon_start(&bc, 0xee, 0x0011);
  beacon_ie(&bc, 0, "wpa", 3);
  beacon_ie(&bc, 221, wpa, sizeof(wpa));
  beacon_send(&bc);
  /* An element running past the end: counted, earlier ones kept. */
  beacon_start(&bc, 0xf0, 0x0001);
  beacon_ie(&bc, 0, "cut", 3);
  beacon_add(&bc, "\x30\x40\x01", 3);
  beacon_send(&bc);
  /* Garbage and a non-802.11 frame. */
  feed(127, bc.b, 5);
  feed(1, bc.b, bc.n);

  ck_assert_int_eq(sc->run_end(state), TFS_OK);
  xml = Fake_host_xml(ctx);
  ck_assert_has(xml, "<ssids><ssid mac='02:00:00:00:00:aa' ssid='Test<SSID>' count='2'/>"
                     "<ssid mac='02:00:00:00:00:bb' ssid='a\\x01b\\x5c\\xff' count='1'/>"
                     "<ssid mac='02:00:00:00:00:cc' ssid='open' count='1'/>");
  ck_assert_has(xml, "<ssid mac='02:00:00:00:00:f0' ssid='cut' count='1'/></ssids>");
  ck_assert_has(xml, "<wifi frames='7' malformed='1' not_80211='1' protected='0' "
                     "bad_elements='1' ssids_dropped='0'>");
  ck_assert_has(xml, "<ap bssid='02:00:00:00:00:aa' ssid='Test<SSID>' channel='11' "
                     "encryption='WPA2' frames='2'/>");
  ck_assert_has(xml, "<ap bssid='02:00:00:00:00:bb' ssid='a\\x01b\\x5c\\xff' channel='6' "
                     "encryption='WPA3' frames='1'/>");
  ck_assert_has(xml, "ssid='open' channel='6' encryption='open'");
  ck_assert_has(xml, "ssid='wep' channel='6' encryption='WEP'");
  ck_assert_has(xml, "ssid='wpa' channel='6' encryption='WPA'");
  ck_assert_has(xml, "<stations count='0' dropped='0'/>");
  ck_assert_has(xml, "<frame_type type='management' subtype='beacon' count='7'/>");

  txt = read_summary();
  ck_assert_has(txt, "Access points: 6 (dropped 0)");
  ck_assert_has(txt, "  02:00:00:00:00:aa   11 WPA2          2  \"Test<SSID>\"\n");
  ck_assert_has(txt, "  02:00:00:00:00:bb    6 WPA3          1  \"a\\x01b\\x5c\\xff\"\n");
  ck_assert_has(txt, "SSIDs in beacons: 6 (dropped 0)");
}
END_TEST

START_TEST(utf8_ssid_kept)
{
  struct beacon bc;
  static const uint8_t name[] = {'c', 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xc3};
  start();
  beacon_start(&bc, 0xaa, 0x0001);
  beacon_ie(&bc, 0, name, sizeof(name));
  beacon_send(&bc);
  ck_assert_int_eq(sc->run_end(state), TFS_OK);
  /* Valid sequences stay, the dangling lead byte is escaped. */
  ck_assert_has(Fake_host_xml(ctx), "ssid='c\xc3\xa9\xe2\x82\xac\\xc3'");
}
END_TEST

START_TEST(table_limit)
{
  struct beacon bc;
  uint8_t m;
  Fake_host_set(ctx, "wifi_max_entries", "2");
  start();
  for (m = 1; m <= 5; m++) {
    beacon_start(&bc, m, 0x0001);
    beacon_ie(&bc, 0, "net", 3);
    beacon_send(&bc);
  }
  beacon_start(&bc, 1, 0x0001); /* known entries still count */
  beacon_ie(&bc, 0, "net", 3);
  beacon_send(&bc);
  ck_assert_int_eq(sc->run_end(state), TFS_OK);
  ck_assert_has(Fake_host_xml(ctx), "ssids_dropped='3'");
  ck_assert_has(Fake_host_xml(ctx), "<access_points count='2' dropped='3'>"
                                    "<ap bssid='02:00:00:00:00:01' ssid='net' channel='6' "
                                    "encryption='open' frames='2'/>");
  ck_assert_has(read_summary(), "Access points: 2 (dropped 3)");
}
END_TEST

START_TEST(many_entries_rehash)
{
  struct beacon bc;
  int i;
  start();
  for (i = 0; i < 600; i++) {
    uint8_t name[2] = {(uint8_t)('a' + i / 26 % 26), (uint8_t)('a' + i % 26)};
    beacon_start(&bc, (uint8_t)i, 0x0001);
    bc.b[14 + 10 + 4] = (uint8_t)(i >> 8); /* second-to-last bytes of SA and BSSID */
    bc.b[14 + 16 + 4] = (uint8_t)(i >> 8);
    beacon_ie(&bc, 0, name, 2);
    beacon_send(&bc);
    beacon_send(&bc);
  }
  ck_assert_int_eq(sc->run_end(state), TFS_OK);
  ck_assert_has(Fake_host_xml(ctx), "<access_points count='600' dropped='0'>");
  ck_assert_has(Fake_host_xml(ctx), "<ssid mac='02:00:00:00:02:57' ssid='xb' count='2'/>");
}
END_TEST

START_TEST(bad_setting)
{
  Fake_host_set(ctx, "wifi_max_entries", "lots");
  ck_assert_int_eq(sc->init(Fake_host_api(), ctx, &state), TFS_ERROR);
  ck_assert_has(Fake_host_log(ctx), "E: wifi_max_entries must be a number");
  Fake_host_set(ctx, "wifi_max_entries", "-1");
  ck_assert_int_eq(sc->init(Fake_host_api(), ctx, &state), TFS_ERROR);
  state = NULL;
}
END_TEST

START_TEST(unwritable_outdir)
{
  Fake_host_set(ctx, "tcpflow.outdir", "/nonexistent/dir");
  start();
  ck_assert_int_eq(sc->run_end(state), TFS_ERROR);
  ck_assert_has(Fake_host_log(ctx), "E: cannot create /nonexistent/dir/wifi-summary.txt");
}
END_TEST

START_TEST(descriptor)
{
  ck_assert_str_eq(sc->name, "wifi");
  ck_assert_uint_eq(sc->flags & TFS_SCANNER_WANTS_PACKETS, TFS_SCANNER_WANTS_PACKETS);
  ck_assert_uint_eq(sc->flags & TFS_SCANNER_ENABLED_BY_DEFAULT, 0);
  ck_assert_uint_eq(sc->abi_major, TFS_ABI_MAJOR);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("wifi");
  TCase *t = tcase_create("scanner");
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_add_test(t, descriptor);
  tcase_add_test(t, real_radiotap_frames);
  tcase_add_test(t, crafted_beacons);
  tcase_add_test(t, utf8_ssid_kept);
  tcase_add_test(t, table_limit);
  tcase_add_test(t, many_entries_rehash);
  tcase_add_test(t, bad_setting);
  tcase_add_test(t, unwritable_outdir);
  suite_add_tcase(s, t);
  return Fake_host_run_suite(s);
}
