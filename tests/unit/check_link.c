/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* Link-layer decoders on good and malformed frames. */
#include "config.h"

#include <check.h>
#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

#include "tfl_link.h"
#include "testutil.h"

START_TEST(ethernet_ipv4)
{
  uint8_t f[256];
  struct tfl_link_result r;
  size_t n = tu_frame_ipv4(f, sizeof(f), 0, 0, "hi", 2, 0);
  ck_assert_int_eq(Tfl_link_decode(DLT_EN10MB, f, n, &r), TFL_LINK_OK);
  ck_assert_uint_eq(r.ethertype, 0x0800);
  ck_assert_int_eq(r.vlan, -1);
  ck_assert_ptr_eq(r.l3, f + 14);
  ck_assert_int_eq(r.have_macs, 1);
  ck_assert_uint_eq(r.mac_src[5], 0xbb);
}
END_TEST

START_TEST(vlan_id_not_whole_tag)
{
  uint8_t f[256];
  struct tfl_link_result r;
  /* VID 100 at priority 5: 1.6.1 named it --41060, the VLAN ID is 100. */
  size_t n = tu_frame_ipv4(f, sizeof(f), (5 << 13) | 100, 1, "hi", 2, 0);
  ck_assert_int_eq(Tfl_link_decode(DLT_EN10MB, f, n, &r), TFL_LINK_OK);
  ck_assert_int_eq(r.vlan, 100);
  ck_assert_ptr_eq(r.l3, f + 18);
}
END_TEST

START_TEST(qinq_and_mpls)
{
  uint8_t f[128] = {0};
  struct tfl_link_result r;
  /* 0x88a8 (VID 10) + 0x8100 (VID 20) + IPv4 */
  memcpy(f + 12, "\x88\xa8\x00\x0a\x81\x00\x00\x14\x08\x00\x45", 11);
  ck_assert_int_eq(Tfl_link_decode(DLT_EN10MB, f, 60, &r), TFL_LINK_OK);
  ck_assert_int_eq(r.vlan, -1); /* only an outermost 802.1Q tag names a flow */
  ck_assert_ptr_eq(r.l3, f + 22);
  /* MPLS: two labels, bottom of stack on the second, then IPv6 */
  memset(f, 0, sizeof(f));
  memcpy(f + 12, "\x88\x47\x00\x01\x00\x40\x00\x01\x01\x40\x60", 11);
  ck_assert_int_eq(Tfl_link_decode(DLT_EN10MB, f, 80, &r), TFL_LINK_OK);
  ck_assert_uint_eq(r.ethertype, 0x86dd);
  ck_assert_ptr_eq(r.l3, f + 22);
}
END_TEST

START_TEST(truncated_and_not_ip)
{
  uint8_t f[64] = {0};
  struct tfl_link_result r;
  ck_assert_int_eq(Tfl_link_decode(DLT_EN10MB, f, 13, &r), TFL_LINK_MALFORMED);
  f[12] = 0x08, f[13] = 0x06; /* ARP */
  ck_assert_int_eq(Tfl_link_decode(DLT_EN10MB, f, 60, &r), TFL_LINK_NOT_IP);
  f[12] = 0x81, f[13] = 0x00; /* VLAN tag cut short */
  ck_assert_int_eq(Tfl_link_decode(DLT_EN10MB, f, 15, &r), TFL_LINK_MALFORMED);
  ck_assert_int_eq(Tfl_link_decode(12345, f, 60, &r), TFL_LINK_UNSUPPORTED);
}
END_TEST

START_TEST(sll_and_sll2)
{
  uint8_t f[64] = {0};
  struct tfl_link_result r;
  f[14] = 0x08, f[15] = 0x00, f[16] = 0x45;
  ck_assert_int_eq(Tfl_link_decode(DLT_LINUX_SLL, f, 40, &r), TFL_LINK_OK);
  ck_assert_ptr_eq(r.l3, f + 16);
  ck_assert_int_eq(r.have_macs, 0); /* no garbage MACs on cooked links */
  memset(f, 0, sizeof(f));
  f[0] = 0x86, f[1] = 0xdd, f[20] = 0x60;
  ck_assert_int_eq(Tfl_link_decode(276, f, 60, &r), TFL_LINK_OK);
  ck_assert_uint_eq(r.ethertype, 0x86dd);
  ck_assert_ptr_eq(r.l3, f + 20);
  ck_assert_int_eq(Tfl_link_decode(276, f, 19, &r), TFL_LINK_MALFORMED);
}
END_TEST

START_TEST(bsd_null_every_af_inet6)
{
  static const uint32_t v6[] = {10, 24, 28, 30};
  uint8_t f[64] = {0};
  struct tfl_link_result r;
  for (unsigned i = 0; i < 4; i++) {
    memset(f, 0, 8);
    f[0] = (uint8_t)v6[i]; /* little-endian host */
    ck_assert_int_eq(Tfl_link_decode(DLT_NULL, f, 60, &r), TFL_LINK_OK);
    ck_assert_uint_eq(r.ethertype, 0x86dd);
    memset(f, 0, 8);
    f[3] = (uint8_t)v6[i]; /* big-endian host */
    ck_assert_int_eq(Tfl_link_decode(DLT_NULL, f, 60, &r), TFL_LINK_OK);
    ck_assert_uint_eq(r.ethertype, 0x86dd);
  }
  f[3] = 2;
  ck_assert_int_eq(Tfl_link_decode(DLT_NULL, f, 60, &r), TFL_LINK_OK);
  ck_assert_uint_eq(r.ethertype, 0x0800);
  ck_assert_int_eq(Tfl_link_decode(DLT_NULL, f, 3, &r), TFL_LINK_MALFORMED);
}
END_TEST

START_TEST(raw_ppp_pppoe)
{
  uint8_t f[64] = {0};
  struct tfl_link_result r;
  f[0] = 0x45;
  ck_assert_int_eq(Tfl_link_decode(DLT_RAW, f, 40, &r), TFL_LINK_OK);
  ck_assert_int_eq(r.have_macs, 0);
  f[0] = 0x15;
  ck_assert_int_eq(Tfl_link_decode(DLT_RAW, f, 40, &r), TFL_LINK_NOT_IP);
  /* PPP in HDLC framing */
  memcpy(f, "\xff\x03\x00\x21\x45", 5);
  ck_assert_int_eq(Tfl_link_decode(DLT_PPP, f, 40, &r), TFL_LINK_OK);
  ck_assert_ptr_eq(r.l3, f + 4);
  /* Cisco HDLC over DLT_PPP */
  memcpy(f, "\x0f\x00\x08\x00\x45", 5);
  ck_assert_int_eq(Tfl_link_decode(DLT_PPP, f, 40, &r), TFL_LINK_OK);
  ck_assert_ptr_eq(r.l3, f + 4);
  /* PPPoE session inside Ethernet, PPP protocol IPv6, length clamps */
  memset(f, 0, sizeof(f));
  memcpy(f + 12, "\x88\x64\x11\x00\x00\x01\x00\x0a\x00\x57\x60", 11);
  ck_assert_int_eq(Tfl_link_decode(DLT_EN10MB, f, 64, &r), TFL_LINK_OK);
  ck_assert_uint_eq(r.ethertype, 0x86dd);
  ck_assert_ptr_eq(r.l3, f + 22);
  ck_assert_uint_eq(r.l3_len, 8); /* PPPoE length 10 minus the 2-byte protocol */
}
END_TEST

int main(void)
{
  Suite *s = suite_create("link");
  TCase *tc = tcase_create("decoders");
  tcase_add_test(tc, ethernet_ipv4);
  tcase_add_test(tc, vlan_id_not_whole_tag);
  tcase_add_test(tc, qinq_and_mpls);
  tcase_add_test(tc, truncated_and_not_ip);
  tcase_add_test(tc, sll_and_sll2);
  tcase_add_test(tc, bsd_null_every_af_inet6);
  tcase_add_test(tc, raw_ppp_pppoe);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
