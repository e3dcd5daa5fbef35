/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* IPv4/IPv6/TCP decoding: clamping, extension headers, fragments. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tfl_defrag.h"
#include "tfl_ip.h"
#include "testutil.h"

static struct tfl_defrag *df;

/* IPv4 header (ihl words) + TCP header (doff words) + payload at b. */
static size_t v4(uint8_t *b, int ihl, uint16_t total, uint16_t frag, uint16_t id,
                 int doff, const char *payload, size_t plen)
{
  size_t h = (size_t)ihl * 4, t = (size_t)doff * 4;
  memset(b, 0, h + t + plen);
  b[0] = (uint8_t)(0x40 | ihl);
  b[2] = (uint8_t)(total >> 8), b[3] = (uint8_t)total;
  b[4] = (uint8_t)(id >> 8), b[5] = (uint8_t)id;
  b[6] = (uint8_t)(frag >> 8), b[7] = (uint8_t)frag;
  b[9] = 6;
  b[12] = 10, b[15] = 1, b[16] = 10, b[19] = 2;
  b[h + 1] = 1, b[h + 3] = 2; /* ports 1 -> 2 */
  b[h + 12] = (uint8_t)(doff << 4);
  memcpy(b + h + t, payload, plen);
  return h + t + plen;
}

static enum tfl_ip_status decode(const uint8_t *b, size_t len, uint16_t ethertype,
                                struct tfl_packet *pkt)
{
  memset(pkt, 0, sizeof(*pkt));
  pkt->link.l3 = b;
  pkt->link.l3_len = len;
  pkt->link.ethertype = ethertype;
  return Tfl_ip_decode(df, pkt);
}

static void setup(void)
{
  df = Tfl_defrag_new();
}

static void teardown(void)
{
  Tfl_defrag_free(df);
}

START_TEST(ethernet_padding_is_not_payload)
{
  uint8_t b[128];
  struct tfl_packet p;
  size_t n = v4(b, 5, 42, 0, 1, 5, "hi", 2);
  memset(b + n, 0, 4); /* four padding bytes after the IP packet */
  ck_assert_int_eq(decode(b, n + 4, 0x0800, &p), TFL_IP_TCP);
  ck_assert_uint_eq(p.payload_len, 2);
  ck_assert_uint_eq(p.sport, 1);
  ck_assert_uint_eq(p.dport, 2);
}
END_TEST

START_TEST(ipv4_options_and_lies)
{
  uint8_t b[128];
  struct tfl_packet p;
  size_t n = v4(b, 6, 47, 0, 1, 5, "abc", 3);
  ck_assert_int_eq(decode(b, n, 0x0800, &p), TFL_IP_TCP);
  ck_assert_mem_eq(p.payload, "abc", 3);
  /* IHL running past the captured bytes (1.6.1 read heap memory here). */
  n = v4(b, 15, 100, 0, 1, 5, "", 0);
  ck_assert_int_eq(decode(b, 30, 0x0800, &p), TFL_IP_MALFORMED);
  /* total length shorter than the header */
  n = v4(b, 5, 10, 0, 1, 5, "", 0);
  ck_assert_int_eq(decode(b, n, 0x0800, &p), TFL_IP_MALFORMED);
  /* total length 0 (TSO captures): the capture decides */
  n = v4(b, 5, 0, 0, 1, 5, "tso", 3);
  ck_assert_int_eq(decode(b, n, 0x0800, &p), TFL_IP_TCP);
  ck_assert_uint_eq(p.payload_len, 3);
}
END_TEST

START_TEST(tcp_header_checks)
{
  uint8_t b[128];
  struct tfl_packet p;
  size_t n = v4(b, 5, 40 + 4, 0, 1, 2, "abcd", 4); /* data offset 2 */
  ck_assert_int_eq(decode(b, n, 0x0800, &p), TFL_IP_MALFORMED);
  n = v4(b, 5, 40, 0, 1, 5, "", 0);
  ck_assert_int_eq(decode(b, 30, 0x0800, &p), TFL_IP_MALFORMED); /* cut TCP header */
  b[9] = 17;
  ck_assert_int_eq(decode(b, n, 0x0800, &p), TFL_IP_NOT_TCP);
}
END_TEST

START_TEST(ipv4_fragments_reassembled_any_order)
{
  uint8_t b[128], b2[128];
  struct tfl_packet p;
  char payload[36];
  memset(payload, 'P', sizeof(payload));
  /* first fragment: 20 TCP bytes + 4 payload = 24 bytes, MF */
  size_t n1 = v4(b, 5, 20 + 24, 0x2000, 77, 5, payload, 4);
  /* second fragment: offset 24 (3 units), the remaining 32 payload bytes */
  memcpy(b2, b, 20);
  b2[2] = 0, b2[3] = 20 + 32, b2[6] = 0, b2[7] = 3;
  memcpy(b2 + 20, payload, 32);
  ck_assert_int_eq(decode(b2, 52, 0x0800, &p), TFL_IP_FRAGMENT_HELD);
  ck_assert_int_eq(decode(b, n1, 0x0800, &p), TFL_IP_TCP);
  ck_assert_uint_eq(p.payload_len, 36);
  ck_assert_mem_eq(p.payload, payload, 36);
}
END_TEST

START_TEST(overlapping_fragments_dropped)
{
  uint8_t b[128], b2[128];
  struct tfl_packet p;
  size_t n1 = v4(b, 5, 20 + 24, 0x2000, 78, 5, "AAAA", 4);
  memcpy(b2, b, 20);
  b2[2] = 0, b2[3] = 20 + 16, b2[6] = 0, b2[7] = 2; /* offset 16 overlaps 16..24 */
  memset(b2 + 20, 'B', 16);
  ck_assert_int_eq(decode(b, n1, 0x0800, &p), TFL_IP_FRAGMENT_HELD);
  ck_assert_int_eq(decode(b2, 36, 0x0800, &p), TFL_IP_MALFORMED);
  ck_assert_uint_ge(Tfl_defrag_dropped(df), 1);
}
END_TEST

/* IPv6 header with next header nh and payload length plen. */
static void v6hdr(uint8_t *b, uint8_t nh, uint16_t plen)
{
  memset(b, 0, 40);
  b[0] = 0x60;
  b[4] = (uint8_t)(plen >> 8), b[5] = (uint8_t)plen;
  b[6] = nh;
  b[8] = 0x20, b[9] = 0x01, b[23] = 1;
  b[24] = 0x20, b[25] = 0x01, b[39] = 2;
}

START_TEST(ipv6_payload_clamped_to_capture)
{
  uint8_t b[128] = {0};
  struct tfl_packet p;
  v6hdr(b, 6, 1000); /* claims 1000 bytes, 28 captured */
  b[40 + 12] = 0x50;
  memcpy(b + 60, "abcdefgh", 8);
  ck_assert_int_eq(decode(b, 68, 0x86dd, &p), TFL_IP_TCP);
  ck_assert_uint_eq(p.payload_len, 8);
  ck_assert_uint_eq(p.family, 6);
  /* payload length shorter than the capture: padding dropped */
  v6hdr(b, 6, 22);
  ck_assert_int_eq(decode(b, 68, 0x86dd, &p), TFL_IP_TCP);
  ck_assert_uint_eq(p.payload_len, 2);
}
END_TEST

START_TEST(ipv6_extension_chain)
{
  uint8_t b[160] = {0};
  struct tfl_packet p;
  v6hdr(b, 0, 8 + 16 + 20 + 3);     /* hop-by-hop first */
  b[40] = 60, b[41] = 0;            /* HBH: next dest-opts, 8 bytes */
  b[48] = 6, b[49] = 1;             /* dest-opts: next TCP, 16 bytes */
  b[64 + 12] = 0x50;
  memcpy(b + 84, "xyz", 3);
  ck_assert_int_eq(decode(b, 87, 0x86dd, &p), TFL_IP_TCP);
  ck_assert_mem_eq(p.payload, "xyz", 3);
  /* a chain that runs off the end */
  ck_assert_int_eq(decode(b, 50, 0x86dd, &p), TFL_IP_MALFORMED);
}
END_TEST

START_TEST(ipv6_fragments)
{
  uint8_t a[128] = {0}, c[128] = {0};
  struct tfl_packet p;
  /* fragment 1: 8-byte frag header + 24 bytes (TCP header + 4) with M */
  v6hdr(a, 44, 8 + 24);
  a[40] = 6, a[43] = 1, a[47] = 9; /* offset 0, M=1, id 9 */
  a[48 + 12] = 0x50;
  memcpy(a + 68, "1234", 4);
  /* fragment 2: offset 24, 4 bytes, last */
  v6hdr(c, 44, 8 + 4);
  c[40] = 6, c[42] = 0, c[43] = 24, c[47] = 9;
  memcpy(c + 48, "5678", 4);
  ck_assert_int_eq(decode(a, 72, 0x86dd, &p), TFL_IP_FRAGMENT_HELD);
  ck_assert_int_eq(decode(c, 52, 0x86dd, &p), TFL_IP_TCP);
  ck_assert_uint_eq(p.payload_len, 8);
  ck_assert_mem_eq(p.payload, "12345678", 8);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("ip");
  TCase *tc = tcase_create("decode");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, ethernet_padding_is_not_payload);
  tcase_add_test(tc, ipv4_options_and_lies);
  tcase_add_test(tc, tcp_header_checks);
  tcase_add_test(tc, ipv4_fragments_reassembled_any_order);
  tcase_add_test(tc, overlapping_fragments_dropped);
  tcase_add_test(tc, ipv6_payload_clamped_to_capture);
  tcase_add_test(tc, ipv6_extension_chain);
  tcase_add_test(tc, ipv6_fragments);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
