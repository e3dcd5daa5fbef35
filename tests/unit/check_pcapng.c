/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Unit tests of host/pcapng.c, the reader for pcapng files with interfaces
 * of several link types: both byte orders, timestamp resolutions and
 * offsets, the packet block kinds, sections, and blocks whose lengths lie
 * (each must end in an error naming the offset, never a read past the
 * block).  Files are built here, block by block.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcapng.h"
#include "testutil.h"

static uint8_t file[320 * 1024]; /* room for one packet over 256 KiB */
static size_t used;
static int big; /* write the next blocks big-endian */

static void put(const void *p, size_t n)
{
  ck_assert_uint_le(used + n, sizeof(file));
  memcpy(file + used, p, n);
  used += n;
}

static void put16(uint16_t v)
{
  uint8_t b[2] = {(uint8_t)(big ? v >> 8 : v), (uint8_t)(big ? v : v >> 8)};
  put(b, 2);
}

static void put32(uint32_t v)
{
  uint8_t b[4];
  for (int i = 0; i < 4; i++)
    b[big ? 3 - i : i] = (uint8_t)(v >> (8 * i));
  put(b, 4);
}

static void put64(uint64_t v)
{
  put32(big ? (uint32_t)(v >> 32) : (uint32_t)v);
  put32(big ? (uint32_t)v : (uint32_t)(v >> 32));
}

/* A block whose body is `body`, padded to 4 bytes. */
static void block(uint32_t type, const uint8_t *body, size_t n)
{
  static const uint8_t zero[4];
  uint32_t len = (uint32_t)(12 + ((n + 3) & ~(size_t)3));
  put32(type);
  put32(len);
  put(body, n);
  put(zero, (4 - n % 4) % 4);
  put32(len);
}

static void section(void)
{
  put32(0x0A0D0D0A);
  put32(28);
  put32(0x1A2B3C4D);
  put16(1);
  put16(0);
  put64(UINT64_MAX);
  put32(28);
}

/* An interface with an optional if_tsresol (tsresol < 0: none) and
 * if_tsoffset (0: none). */
static void interface(uint16_t linktype, uint32_t snaplen, int tsresol, int64_t tsoffset)
{
  size_t start = used;
  uint32_t len = 20 + (tsresol >= 0 ? 8 : 0) + (tsoffset ? 12 : 0) + 4;
  put32(1);
  put32(len);
  put16(linktype);
  put16(0);
  put32(snaplen);
  if (tsresol >= 0) {
    uint8_t v[4] = {(uint8_t)tsresol, 0, 0, 0};
    put16(9);
    put16(1);
    put(v, 4);
  }
  if (tsoffset) {
    put16(14);
    put16(8);
    put64((uint64_t)tsoffset);
  }
  put16(0);
  put16(0);
  put32(len);
  ck_assert_uint_eq(used - start, len);
}

/* An Enhanced Packet Block of n bytes, captured and original length n. */
static void epb_bytes(uint32_t iface, uint64_t ts, const void *data, size_t n)
{
  static const uint8_t zero[4];
  uint32_t len = (uint32_t)(32 + ((n + 3) & ~(size_t)3));
  put32(6);
  put32(len);
  put32(iface);
  put32((uint32_t)(ts >> 32));
  put32((uint32_t)ts);
  put32((uint32_t)n);
  put32((uint32_t)n);
  put(data, n);
  put(zero, (4 - n % 4) % 4);
  put32(len);
}

static void epb(uint32_t iface, uint64_t ts, const char *data)
{
  epb_bytes(iface, ts, data, strlen(data));
}

static char path[4096];

static struct tf_pcapng *open_built(void)
{
  char err[256];
  FILE *f;
  struct tf_pcapng *r;
  snprintf(path, sizeof(path), "%s/check_pcapng.%ld", getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
  f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(file, 1, used, f), used);
  fclose(f);
  r = Tf_pcapng_open(path, err, sizeof(err));
  ck_assert_msg(r != NULL, "%s", err);
  unlink(path);
  return r;
}

static void setup(void)
{
  used = 0;
  big = 0;
}

START_TEST(two_link_types)
{
  struct tf_pcapng *r;
  struct pcap_pkthdr h;
  const uint8_t *d;
  int dlt;
  section();
  interface(1, 65535, -1, 0);
  epb(0, 1600000000ull * 1000000 + 5, "ether");
  block(5, (const uint8_t *)"stats", 5); /* an Interface Statistics Block: skipped */
  interface(101, 65535, -1, 0);
  epb(1, 1600000001ull * 1000000 + 250000, "rawip");
  r = open_built();
  ck_assert_int_eq(Tf_pcapng_next(r, &h, &d, &dlt), 1);
  ck_assert_int_eq(dlt, DLT_EN10MB);
  ck_assert_int_eq(h.caplen, 5);
  ck_assert_int_eq(memcmp(d, "ether", 5), 0);
  ck_assert_int_eq(h.ts.tv_sec, 1600000000);
  ck_assert_int_eq(h.ts.tv_usec, 5000); /* nanoseconds */
  ck_assert_int_eq(Tf_pcapng_next(r, &h, &d, &dlt), 1);
  ck_assert_int_eq(dlt, DLT_RAW); /* LINKTYPE_RAW is 101 in files */
  ck_assert_int_eq(memcmp(d, "rawip", 5), 0);
  ck_assert_int_eq(h.ts.tv_sec, 1600000001);
  ck_assert_int_eq(h.ts.tv_usec, 250000000);
  ck_assert_int_eq(Tf_pcapng_next(r, &h, &d, &dlt), 0);
  Tf_pcapng_close(r);
}
END_TEST

/* Resolutions and offsets, in both byte orders. */
START_TEST(timestamps)
{
  static const struct {
    int big;
    int tsresol;
    int64_t tsoffset;
    uint64_t ts;
    long sec, nsec;
  } cases[] = {
      {1, 9, 100, 1600000000ull * 1000000000 + 123456789, 1600000100, 123456789},
      {0, 0x80 | 10, 0, 5ull * 1024 + 512, 5, 500000000}, /* 2^-10 s */
      {0, 0x80 | 10, 0, 5ull * 1024 + 1, 5, 976562},       /* 1/1024 s, truncated */
      {1, 0, -10, 1600000000, 1599999990, 0},          /* whole seconds */
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    struct tf_pcapng *r;
    struct pcap_pkthdr h;
    const uint8_t *d;
    int dlt;
    setup();
    big = cases[i].big;
    section();
    interface(1, 0, cases[i].tsresol, cases[i].tsoffset);
    epb(0, cases[i].ts, "x");
    r = open_built();
    ck_assert_int_eq(Tf_pcapng_next(r, &h, &d, &dlt), 1);
    ck_assert_int_eq(dlt, DLT_EN10MB);
    ck_assert_int_eq(h.ts.tv_sec, cases[i].sec);
    ck_assert_int_eq(h.ts.tv_usec, cases[i].nsec); /* the reader gives ns */
    Tf_pcapng_close(r);
  }
}
END_TEST

START_TEST(simple_and_obsolete_packet_blocks)
{
  struct tf_pcapng *r;
  struct pcap_pkthdr h;
  const uint8_t *d;
  int dlt;
  uint8_t spb[4 + 8], pb[20 + 4];
  section();
  interface(1, 6, -1, 0); /* snaplen 6 */
  /* Simple Packet Block: original length 8, cut to the snaplen. */
  memcpy(spb, "\x08\x00\x00\x00" "abcdefgh", sizeof(spb));
  block(3, spb, sizeof(spb));
  /* Packet Block: interface 0 (16 bits), drops, time 0:7, caplen 4, len 9. */
  memcpy(pb, "\x00\x00\x00\x00" "\x00\x00\x00\x00" "\x07\x00\x00\x00"
             "\x04\x00\x00\x00" "\x09\x00\x00\x00" "wxyz", sizeof(pb));
  block(2, pb, sizeof(pb));
  r = open_built();
  ck_assert_int_eq(Tf_pcapng_next(r, &h, &d, &dlt), 1);
  ck_assert_int_eq(h.caplen, 6);
  ck_assert_int_eq(h.len, 8);
  ck_assert_int_eq(memcmp(d, "abcdef", 6), 0);
  ck_assert_int_eq(Tf_pcapng_next(r, &h, &d, &dlt), 1);
  ck_assert_int_eq(h.caplen, 4);
  ck_assert_int_eq(h.len, 9);
  ck_assert_int_eq(h.ts.tv_usec, 7000);
  ck_assert_int_eq(memcmp(d, "wxyz", 4), 0);
  Tf_pcapng_close(r);
}
END_TEST

/* Packets are cut to their interface's snapshot length, and snapshot length
 * 0 ("no limit") or one above 256 KiB means 256 KiB, as in libpcap: a block
 * may be 16 MiB, and a packet that large once overran the -s buffer. */
START_TEST(packets_clamped_to_snaplen)
{
  static uint8_t bigpkt[300000];
  struct tf_pcapng *r;
  struct pcap_pkthdr h;
  const uint8_t *d;
  int dlt;
  memset(bigpkt, 'x', sizeof(bigpkt));
  section();
  interface(101, 0, -1, 0);
  interface(101, 10, -1, 0);
  interface(101, 0x7fffffff, -1, 0);
  epb_bytes(0, 1, bigpkt, sizeof(bigpkt));
  epb(1, 2, "0123456789abcdef");
  epb(2, 3, "short");
  r = open_built();
  ck_assert_int_eq(Tf_pcapng_next(r, &h, &d, &dlt), 1);
  ck_assert_uint_eq(h.caplen, 262144);
  ck_assert_uint_eq(h.len, sizeof(bigpkt));
  ck_assert_int_eq(Tf_pcapng_next(r, &h, &d, &dlt), 1);
  ck_assert_uint_eq(h.caplen, 10);
  ck_assert_uint_eq(h.len, 16);
  ck_assert_int_eq(memcmp(d, "0123456789", 10), 0);
  ck_assert_int_eq(Tf_pcapng_next(r, &h, &d, &dlt), 1);
  ck_assert_uint_eq(h.caplen, 5);
  ck_assert_uint_eq(h.len, 5);
  ck_assert_int_eq(Tf_pcapng_next(r, &h, &d, &dlt), 0);
  Tf_pcapng_close(r);
}
END_TEST

/* Reads until the end; returns the error text (or "" when none). */
static const char *read_all(int *packets)
{
  static char msg[256];
  struct tf_pcapng *r = open_built();
  struct pcap_pkthdr h;
  const uint8_t *d;
  int dlt, rc;
  *packets = 0;
  while ((rc = Tf_pcapng_next(r, &h, &d, &dlt)) == 1)
    (*packets)++;
  snprintf(msg, sizeof(msg), "%s", rc < 0 ? Tf_pcapng_error(r) : "");
  Tf_pcapng_close(r);
  return msg;
}

static void expect_error(const char *what, int want_packets)
{
  int n;
  const char *msg = read_all(&n);
  ck_assert_msg(strstr(msg, what) != NULL, "wanted '%s', got '%s'", what, msg);
  ck_assert_msg(strstr(msg, "byte offset") != NULL, "no offset in '%s'", msg);
  ck_assert_int_eq(n, want_packets);
}

START_TEST(interfaces_are_per_section)
{
  section();
  interface(1, 0, -1, 0);
  interface(1, 0, -1, 0);
  epb(1, 0, "ok");
  section();
  interface(1, 0, -1, 0);
  epb(1, 0, "no such interface now");
  expect_error("packet for interface 1, but the section describes 1", 1);
}
END_TEST

START_TEST(lying_lengths)
{
  section();
  interface(1, 0, -1, 0);
  epb(0, 0, "good");
  size_t good = used;

  /* block length below the minimum */
  put32(6);
  put32(8);
  expect_error("impossible length 8", 1);

  used = good; /* not a multiple of 4 */
  put32(6);
  put32(33);
  expect_error("impossible length 33", 1);

  used = good; /* over the limit */
  put32(6);
  put32(0x7ffffff0);
  expect_error("impossible length", 1);

  used = good; /* trailer differs */
  epb(0, 0, "abcd");
  file[used - 4] ^= 4;
  expect_error("trailing length", 1);

  used = good; /* captured length past the block */
  epb(0, 0, "abcd");
  file[good + 20] = 200;
  expect_error("runs past its block", 1);

  used = good; /* cut in the middle of a block */
  epb(0, 0, "abcdefgh");
  used -= 6;
  expect_error("truncated block", 1);

  used = good; /* cut in the header */
  put32(6);
  used -= 1;
  expect_error("truncated block header", 1);
}
END_TEST

START_TEST(lying_interfaces_and_sections)
{
  uint8_t body[12] = {0};
  /* option length past the block */
  section();
  put32(1);
  put32(28);
  put16(1);
  put16(0);
  put32(0);
  put16(9);
  put16(200);
  put32(0);
  put32(28);
  expect_error("runs past its block", 0);

  setup(); /* timestamp resolution out of range */
  section();
  interface(1, 0, 20, 0);
  expect_error("10^-20 is out of range", 0);

  setup();
  section();
  interface(1, 0, 0x80 | 64, 0);
  expect_error("2^-64 is out of range", 0);

  setup(); /* interface description too short */
  section();
  block(1, body, 4);
  expect_error("interface description too short", 0);

  setup(); /* no section header first */
  interface(1, 0, -1, 0);
  expect_error("before any section header", 0);

  setup(); /* unknown byte order */
  section();
  file[8] = 0x55;
  expect_error("unknown byte-order magic", 0);

  setup(); /* another major version */
  section();
  file[12] = 2;
  expect_error("version 2.0 is not supported", 0);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("pcapng");
  TCase *t = tcase_create("reader");
  tcase_add_checked_fixture(t, setup, NULL);
  tcase_add_test(t, two_link_types);
  tcase_add_test(t, timestamps);
  tcase_add_test(t, simple_and_obsolete_packet_blocks);
  tcase_add_test(t, packets_clamped_to_snaplen);
  tcase_add_test(t, interfaces_are_per_section);
  tcase_add_test(t, lying_lengths);
  tcase_add_test(t, lying_interfaces_and_sections);
  suite_add_tcase(s, t);
  return tu_run(s);
}
