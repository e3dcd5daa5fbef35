/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Unit tests of lib/tfl_dot11.c: capture headers, MAC header forms, LLC/SNAP
 * and element walking, including hostile lengths.  Frames are copied into
 * exactly-sized heap buffers so that AddressSanitizer sees any over-read.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "tfl_dot11.h"

/* The first 112 bytes of the real frames in
 * pn_80211_qos_data_frame_ipv4_tcp.pcap (radiotap with three present words
 * and FCS flag, QoS data from DS, IPv4/TCP) and
 * pn_80211_unencrypted_data_frame.pcap (radiotap, data to DS). */
static const uint8_t real_qos[] = {
    0x00, 0x00, 0x29, 0x00, 0x2b, 0x40, 0x08, 0xa0, 0x20, 0x08, 0x00, 0xa0,
    0x20, 0x08, 0x00, 0x00, 0xc4, 0x50, 0xea, 0xdc, 0x00, 0x00, 0x00, 0x00,
    0x10, 0x00, 0x85, 0x09, 0x80, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x27, 0x00,
    0x06, 0xce, 0x00, 0xca, 0x01, 0x88, 0x02, 0x2c, 0x00, 0xcc, 0x61, 0xe5,
    0xbe, 0x1a, 0xdb, 0x90, 0x03, 0xb7, 0xeb, 0x2a, 0xa2, 0x90, 0x03, 0xb7,
    0xeb, 0x2a, 0xa2, 0x00, 0xc8, 0x00, 0x00, 0xaa, 0xaa, 0x03, 0x00, 0x00,
    0x00, 0x08, 0x00, 0x45, 0x00, 0x05, 0x8f, 0x16, 0x01, 0x40, 0x00, 0x40,
    0x06, 0x9c, 0x14, 0xc0, 0xa8, 0x01, 0x01, 0xc0, 0xa8, 0x01, 0x02, 0x15,
    0xb3, 0xd3, 0x14, 0x52, 0x25, 0x61, 0x4d, 0x12, 0x68, 0xf9, 0x6b, 0x80,
    0x18, 0x05, 0xa8, 0xdc,
};
static const uint8_t real_plain[] = {
    0x00, 0x00, 0x1a, 0x00, 0x6f, 0x18, 0x00, 0x00, 0xbb, 0xfd, 0x7a, 0xa9,
    0x2b, 0x00, 0x00, 0x00, 0x10, 0x6c, 0x80, 0x09, 0xc0, 0x00, 0xef, 0xac,
    0x00, 0x43, 0x08, 0x01, 0x2c, 0x00, 0x00, 0x24, 0xb2, 0xf8, 0xd7, 0x06,
    0x00, 0x17, 0x3f, 0xb7, 0x2c, 0x29, 0x00, 0x24, 0xb2, 0xf8, 0xd7, 0x06,
    0x80, 0xa9, 0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00, 0x45, 0x00,
    0x02, 0xa1, 0x04, 0xec, 0x40, 0x00, 0x80, 0x06, 0xc9, 0xa2, 0xc0, 0xa8,
    0x00, 0x06, 0xd0, 0x50, 0x98, 0xc9, 0xe5, 0xa4, 0x00, 0x50, 0x53, 0x4c,
    0xdb, 0xab, 0x51, 0xae, 0x73, 0xb2, 0x50, 0x18, 0x0f, 0xc5, 0xea, 0x3e,
    0x00, 0x00, 0x47, 0x45, 0x54, 0x20, 0x2f, 0x77, 0x69, 0x6b, 0x69, 0x2f,
    0x50, 0x72, 0x61, 0x76,
};

static const uint8_t MAC_A[6] = {0x02, 0, 0, 0, 0, 0xaa};
static const uint8_t MAC_B[6] = {0x02, 0, 0, 0, 0, 0xbb};
static const uint8_t MAC_C[6] = {0x02, 0, 0, 0, 0, 0xcc};
static const uint8_t MAC_D[6] = {0x02, 0, 0, 0, 0, 0xdd};
static const uint8_t ZERO[6] = {0};
static const uint8_t SNAP_IPV4[] = {0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00, 0x45, 0x00};

/* A frame under construction. */
struct frame {
  uint8_t b[1024];
  size_t n;
};

static void add(struct frame *f, const void *p, size_t n)
{
  ck_assert_uint_le(f->n + n, sizeof(f->b));
  memcpy(f->b + f->n, p, n);
  f->n += n;
}

static void add_u8(struct frame *f, uint8_t v)
{
  add(f, &v, 1);
}

static void add_le16(struct frame *f, uint16_t v)
{
  add_u8(f, (uint8_t)v);
  add_u8(f, (uint8_t)(v >> 8));
}

static void add_le32(struct frame *f, uint32_t v)
{
  add_le16(f, (uint16_t)v);
  add_le16(f, (uint16_t)(v >> 16));
}

static void add_be32(struct frame *f, uint32_t v)
{
  add_u8(f, (uint8_t)(v >> 24));
  add_u8(f, (uint8_t)(v >> 16));
  add_u8(f, (uint8_t)(v >> 8));
  add_u8(f, (uint8_t)v);
}

static void add_zeros(struct frame *f, size_t n)
{
  static const uint8_t z[256];
  ck_assert_uint_le(n, sizeof(z));
  add(f, z, n);
}

/* Frame control, duration and three addresses. */
static void add_mac3(struct frame *f, uint8_t fc0, uint8_t fc1, const uint8_t *a1,
                     const uint8_t *a2, const uint8_t *a3)
{
  add_u8(f, fc0);
  add_u8(f, fc1);
  add_le16(f, 0);
  add(f, a1, 6);
  add(f, a2, 6);
  add(f, a3, 6);
  add_le16(f, 0x1230); /* sequence control */
}

/* A minimal radiotap header: present = Flags only. */
static void add_radiotap_flags(struct frame *f, uint8_t flags)
{
  add_u8(f, 0);
  add_u8(f, 0);
  add_le16(f, 10);
  add_le32(f, 1u << 1);
  add_u8(f, flags);
  add_u8(f, 0); /* padding, counted in the length */
}

/* Decodes from an exactly-sized heap copy of the first n bytes. */
static enum tfl_dot11_status decode_n(int dlt, const uint8_t *p, size_t n,
                                     struct tfl_dot11_frame *out, uint8_t **copy)
{
  *copy = malloc(n ? n : 1);
  ck_assert_ptr_nonnull(*copy);
  memcpy(*copy, p, n);
  return Tfl_dot11_decode(dlt, *copy, n, out);
}

static int lnz(const uint8_t *mac)
{
  return memcmp(mac, ZERO, 6) != 0;
}

START_TEST(real_radiotap_qos_with_fcs)
{
  struct tfl_dot11_frame f;
  uint8_t *c;
  uint16_t et = 0;
  const uint8_t *pl = NULL;
  size_t pll = 0;
  static const uint8_t da[6] = {0xcc, 0x61, 0xe5, 0xbe, 0x1a, 0xdb};
  static const uint8_t ap[6] = {0x90, 0x03, 0xb7, 0xeb, 0x2a, 0xa2};
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO, real_qos, sizeof(real_qos), &f, &c),
                   TFL_DOT11_OK);
  ck_assert_int_eq(f.type, 2);
  ck_assert_int_eq(f.subtype, 8);
  ck_assert_int_eq(f.fcs_present, 1);
  ck_assert_int_eq(f.channel, 6); /* 2437 MHz */
  ck_assert_int_eq(f.from_ds, 1);
  ck_assert_int_eq(f.to_ds, 0);
  ck_assert_mem_eq(f.dst, da, 6);
  ck_assert_mem_eq(f.bssid, ap, 6);
  ck_assert_mem_eq(f.src, ap, 6);
  /* 41 radiotap + 24 MAC + 2 QoS, minus the FCS */
  ck_assert_ptr_eq(f.body, c + 67);
  ck_assert_uint_eq(f.body_len, sizeof(real_qos) - 67 - 4);
  ck_assert_int_eq(Tfl_dot11_llc_payload(&f, &et, &pl, &pll), 1);
  ck_assert_uint_eq(et, 0x0800);
  ck_assert_uint_eq(pl[0], 0x45);
  ck_assert_uint_eq(pll, f.body_len - 8);
  free(c);
}
END_TEST

START_TEST(real_radiotap_to_ds)
{
  struct tfl_dot11_frame f;
  uint8_t *c;
  static const uint8_t ap[6] = {0x00, 0x24, 0xb2, 0xf8, 0xd7, 0x06};
  static const uint8_t sta[6] = {0x00, 0x17, 0x3f, 0xb7, 0x2c, 0x29};
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO, real_plain, sizeof(real_plain), &f, &c),
                   TFL_DOT11_OK);
  ck_assert_int_eq(f.type, 2);
  ck_assert_int_eq(f.subtype, 0);
  ck_assert_int_eq(f.to_ds, 1);
  ck_assert_int_eq(f.channel, 5); /* 2432 MHz */
  ck_assert_mem_eq(f.bssid, ap, 6);
  ck_assert_mem_eq(f.src, sta, 6);
  ck_assert_mem_eq(f.dst, ap, 6);
  ck_assert_uint_eq(f.body_len, sizeof(real_plain) - 26 - 24 - 4);
  free(c);
}
END_TEST

START_TEST(radiotap_without_fcs_flag)
{
  struct frame fr = {0};
  struct tfl_dot11_frame f;
  uint8_t *c;
  add_radiotap_flags(&fr, 0);
  add_mac3(&fr, 0x08, 0x00, MAC_A, MAC_B, MAC_C);
  add(&fr, SNAP_IPV4, sizeof(SNAP_IPV4));
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(f.fcs_present, 0);
  ck_assert_uint_eq(f.body_len, sizeof(SNAP_IPV4));
  ck_assert_int_eq(f.channel, -1);
  free(c);

  /* Same frame, FCS flag on: the last 4 bytes go. */
  fr.b[8] = 0x10;
  add_le32(&fr, 0xdeadbeef);
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(f.fcs_present, 1);
  ck_assert_uint_eq(f.body_len, sizeof(SNAP_IPV4));
  free(c);
}
END_TEST

START_TEST(radiotap_extended_bitmap_alignment)
{
  struct frame fr = {0};
  struct tfl_dot11_frame f;
  uint8_t *c;
  /* Two present words: TSFT must be aligned to 8 (offset 16, not 12). */
  add_u8(&fr, 0);
  add_u8(&fr, 0);
  add_le16(&fr, 30);
  add_le32(&fr, (1u << 0) | (1u << 1) | (1u << 3) | (1u << 29) | (1u << 31));
  add_le32(&fr, 0);
  add_le32(&fr, 0x11111111); /* padding before TSFT; a misaligned reader sees 0x11 flags */
  add_le32(&fr, 0x22222222);
  add_le32(&fr, 0x22222222);
  add_u8(&fr, 0x10);  /* flags: FCS (offset 24) */
  add_u8(&fr, 0);     /* pad to 2 */
  add_le16(&fr, 5180); /* channel 36 */
  add_le16(&fr, 0x0140);
  ck_assert_uint_eq(fr.n, 30);
  add_mac3(&fr, 0x80, 0x00, MAC_A, MAC_B, MAC_B);
  add_zeros(&fr, 12);
  add_le32(&fr, 0); /* FCS */
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(f.fcs_present, 1);
  ck_assert_int_eq(f.channel, 36);
  ck_assert_uint_eq(f.body_len, 12);
  free(c);
}
END_TEST

START_TEST(radiotap_vendor_namespace)
{
  struct frame fr = {0};
  struct tfl_dot11_frame f;
  uint8_t *c;
  /* word0: antenna signal, then a vendor namespace; word1 (vendor) hands
   * back to radiotap; word2 has Flags and Channel after the vendor data. */
  add_u8(&fr, 0);
  add_u8(&fr, 0);
  add_le16(&fr, 34);
  add_le32(&fr, (1u << 5) | (1u << 30) | (1u << 31));
  add_le32(&fr, (1u << 0) | (1u << 29) | (1u << 31));
  add_le32(&fr, (1u << 1) | (1u << 3));
  add_u8(&fr, 0xc0);             /* offset 16: antenna signal */
  add_u8(&fr, 0);                /* align the vendor header to 2 */
  add(&fr, "\x00\x11\x22\x01", 4); /* OUI, sub namespace */
  add_le16(&fr, 5);              /* skip length */
  add(&fr, "\x10\x10\x10\x10\x10", 5); /* vendor data that looks like flags */
  add_u8(&fr, 0x10);             /* offset 29: flags, FCS */
  add_le16(&fr, 2412);           /* offset 30: channel 1 */
  add_le16(&fr, 0);
  ck_assert_uint_eq(fr.n, 34);
  add_mac3(&fr, 0x08, 0x02, MAC_A, MAC_B, MAC_C);
  add(&fr, SNAP_IPV4, sizeof(SNAP_IPV4));
  add_le32(&fr, 0);
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(f.channel, 1);
  ck_assert_int_eq(f.fcs_present, 1);
  ck_assert_uint_eq(f.body_len, sizeof(SNAP_IPV4));
  free(c);
}
END_TEST

START_TEST(radiotap_truncated)
{
  struct tfl_dot11_frame f;
  uint8_t *c;
  struct frame fr = {0};
  /* Shorter than the fixed radiotap header. */
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO, real_qos, 6, &f, &c), TFL_DOT11_MALFORMED);
  free(c);
  /* it_len below the minimum of 8. */
  add_u8(&fr, 0);
  add_u8(&fr, 0);
  add_le16(&fr, 4);
  add_le32(&fr, 0);
  add_mac3(&fr, 0x08, 0, MAC_A, MAC_B, MAC_C);
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO, fr.b, fr.n, &f, &c), TFL_DOT11_MALFORMED);
  free(c);
  /* A present chain that never ends inside it_len. */
  fr.n = 0;
  add_u8(&fr, 0);
  add_u8(&fr, 0);
  add_le16(&fr, 12);
  add_le32(&fr, 1u << 31);
  add_le32(&fr, 1u << 31);
  add_le32(&fr, 1u << 31);
  add_mac3(&fr, 0x08, 0, MAC_A, MAC_B, MAC_C);
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO, fr.b, fr.n, &f, &c), TFL_DOT11_MALFORMED);
  free(c);
  /* A non-zero version. */
  fr.b[0] = 1;
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO, fr.b, fr.n, &f, &c), TFL_DOT11_MALFORMED);
  free(c);
}
END_TEST

START_TEST(radiotap_length_beyond_caplen)
{
  struct tfl_dot11_frame f;
  uint8_t *c;
  /* it_len 41 but only 30 bytes captured. */
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO, real_qos, 30, &f, &c), TFL_DOT11_MALFORMED);
  free(c);
  /* Header complete, MAC header cut. */
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO, real_qos, 60, &f, &c), TFL_DOT11_MALFORMED);
  free(c);
}
END_TEST

START_TEST(every_truncation_is_safe)
{
  size_t n;
  for (n = 0; n <= sizeof(real_qos); n++) {
    struct tfl_dot11_frame f;
    uint8_t *c;
    uint16_t et;
    const uint8_t *pl;
    size_t pll;
    if (decode_n(TFL_DLT_IEEE802_11_RADIO, real_qos, n, &f, &c) == TFL_DOT11_OK) {
      ck_assert(f.body >= c);
      ck_assert(f.body + f.body_len <= c + n);
      (void)Tfl_dot11_llc_payload(&f, &et, &pl, &pll);
    }
    free(c);
    (void)decode_n(TFL_DLT_IEEE802_11, real_qos + 41, n > 41 ? n - 41 : 0, &f, &c);
    free(c);
  }
}
END_TEST

START_TEST(plain_data_llc_snap_ipv4)
{
  struct frame fr = {0};
  struct tfl_dot11_frame f;
  uint8_t *c;
  uint16_t et;
  const uint8_t *pl;
  size_t pll;
  add_mac3(&fr, 0x08, 0x00, MAC_A, MAC_B, MAC_C);
  add(&fr, SNAP_IPV4, sizeof(SNAP_IPV4));
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(f.type, 2);
  ck_assert_int_eq(f.fcs_present, 0);
  ck_assert_uint_eq(f.body_len, sizeof(SNAP_IPV4)); /* no FCS assumed */
  ck_assert_int_eq(Tfl_dot11_llc_payload(&f, &et, &pl, &pll), 1);
  ck_assert_uint_eq(et, 0x0800);
  ck_assert_ptr_eq(pl, c + 24 + 8);
  ck_assert_uint_eq(pll, 2);
  free(c);

  /* 802.1H bridge tunnel OUI is accepted, another OUI is not. */
  fr.b[24 + 5] = 0xf8;
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(Tfl_dot11_llc_payload(&f, &et, &pl, &pll), 1);
  free(c);
  fr.b[24 + 5] = 0x0c;
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(Tfl_dot11_llc_payload(&f, &et, &pl, &pll), 0);
  free(c);

  /* Null function (subtype 4) carries no payload. */
  fr.b[24 + 5] = 0;
  fr.b[0] = 0x48;
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(Tfl_dot11_llc_payload(&f, &et, &pl, &pll), 0);
  free(c);
}
END_TEST

START_TEST(qos_data_and_ht_control)
{
  struct frame fr = {0};
  struct tfl_dot11_frame f;
  uint8_t *c;
  uint16_t et;
  const uint8_t *pl;
  size_t pll;
  add_mac3(&fr, 0x88, 0x01, MAC_A, MAC_B, MAC_C);
  add_le16(&fr, 0x0005); /* QoS control */
  add(&fr, SNAP_IPV4, sizeof(SNAP_IPV4));
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(f.subtype, 8);
  ck_assert_ptr_eq(f.body, c + 26);
  ck_assert_int_eq(Tfl_dot11_llc_payload(&f, &et, &pl, &pll), 1);
  free(c);

  /* Order bit: 4 more bytes of HT control. */
  fr.n = 0;
  add_mac3(&fr, 0x88, 0x81, MAC_A, MAC_B, MAC_C);
  add_le16(&fr, 0);
  add_le32(&fr, 0xffffffff);
  add(&fr, SNAP_IPV4, sizeof(SNAP_IPV4));
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_ptr_eq(f.body, c + 30);
  ck_assert_int_eq(Tfl_dot11_llc_payload(&f, &et, &pl, &pll), 1);
  free(c);

  /* Cut inside the HT control field. */
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, 28, &f, &c), TFL_DOT11_MALFORMED);
  free(c);
}
END_TEST

START_TEST(ds_addressing)
{
  struct frame fr = {0};
  struct tfl_dot11_frame f;
  uint8_t *c;

  /* IBSS: DA, SA, BSSID */
  add_mac3(&fr, 0x08, 0x00, MAC_A, MAC_B, MAC_C);
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_mem_eq(f.dst, MAC_A, 6);
  ck_assert_mem_eq(f.src, MAC_B, 6);
  ck_assert_mem_eq(f.bssid, MAC_C, 6);
  free(c);

  /* To DS: BSSID, SA, DA */
  fr.b[1] = 0x01;
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_mem_eq(f.bssid, MAC_A, 6);
  ck_assert_mem_eq(f.src, MAC_B, 6);
  ck_assert_mem_eq(f.dst, MAC_C, 6);
  ck_assert_int_eq(f.have_addr4, 0);
  free(c);

  /* From DS: DA, BSSID, SA */
  fr.b[1] = 0x02;
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_mem_eq(f.dst, MAC_A, 6);
  ck_assert_mem_eq(f.bssid, MAC_B, 6);
  ck_assert_mem_eq(f.src, MAC_C, 6);
  free(c);

  /* WDS: RA, TA, DA, SA; no BSSID.  Without the 4th address: malformed. */
  fr.b[1] = 0x03;
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, fr.n, &f, &c), TFL_DOT11_MALFORMED);
  free(c);
  add(&fr, MAC_D, 6);
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(f.have_addr4, 1);
  ck_assert_mem_eq(f.addr1, MAC_A, 6);
  ck_assert_mem_eq(f.addr2, MAC_B, 6);
  ck_assert_mem_eq(f.dst, MAC_C, 6);
  ck_assert_mem_eq(f.src, MAC_D, 6);
  ck_assert(!lnz(f.bssid));
  ck_assert_ptr_eq(f.body, c + 30);
  free(c);

  /* Control frames: an ACK has only the receiver. */
  fr.n = 0;
  add(&fr, "\xd4\x00\x00\x00", 4);
  add(&fr, MAC_A, 6);
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(f.type, 1);
  ck_assert_int_eq(f.subtype, 13);
  ck_assert_mem_eq(f.dst, MAC_A, 6);
  ck_assert_uint_eq(f.body_len, 0);
  free(c);
}
END_TEST

START_TEST(protected_frame)
{
  struct frame fr = {0};
  struct tfl_dot11_frame f;
  uint8_t *c;
  uint16_t et;
  const uint8_t *pl;
  size_t pll;
  add_mac3(&fr, 0x08, 0x41, MAC_A, MAC_B, MAC_C);
  add(&fr, SNAP_IPV4, sizeof(SNAP_IPV4)); /* looks like SNAP, but it is ciphertext */
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(f.protected_frame, 1);
  ck_assert_int_eq(Tfl_dot11_llc_payload(&f, &et, &pl, &pll), 0);
  free(c);
}
END_TEST

/* Element collector for the walk tests. */
struct ies {
  int n;
  uint8_t id[16];
  uint8_t len[16];
  const uint8_t *data[16];
};

static void collect(void *arg, uint8_t id, const uint8_t *data, uint8_t len)
{
  struct ies *s = arg;
  ck_assert_int_lt(s->n, 16);
  s->id[s->n] = id;
  s->len[s->n] = len;
  s->data[s->n] = data;
  s->n++;
}

/* Decodes the first n bytes of fr, which must decode, and walks its
 * elements into s (cleared first); returns the walk's result.  *c is the
 * decoded copy that s's data point into; the caller frees it. */
static int walk_n(const struct frame *fr, size_t n, struct ies *s, uint8_t **c)
{
  struct tfl_dot11_frame f;
  memset(s, 0, sizeof(*s));
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr->b, n, &f, c), TFL_DOT11_OK);
  return Tfl_dot11_walk_ies(&f, collect, s);
}

static void add_beacon_head(struct frame *fr, uint8_t subtype)
{
  add_mac3(fr, (uint8_t)(subtype << 4), 0x00, (const uint8_t *)"\xff\xff\xff\xff\xff\xff",
           MAC_A, MAC_A);
  add_zeros(fr, 8);       /* timestamp */
  add_le16(fr, 100);      /* beacon interval */
  add_le16(fr, 0x0011);   /* ESS + privacy */
}

START_TEST(ie_walk_beacon)
{
  struct frame fr = {0};
  struct tfl_dot11_frame f;
  struct ies s = {0};
  uint8_t *c;
  add_beacon_head(&fr, 8);
  add(&fr, "\x00\x08TestSSID", 10);
  add(&fr, "\x03\x01\x0b", 3); /* DS parameter set: channel 11 */
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(f.channel, 11);
  ck_assert_int_eq(Tfl_dot11_walk_ies(&f, collect, &s), 0);
  ck_assert_int_eq(s.n, 2);
  ck_assert_uint_eq(s.id[0], 0);
  ck_assert_uint_eq(s.len[0], 8);
  ck_assert_mem_eq(s.data[0], "TestSSID", 8);
  ck_assert_uint_eq(s.id[1], 3);
  free(c);

  /* A probe request has no fixed fields. */
  fr.n = 0;
  add_mac3(&fr, 0x40, 0x00, MAC_A, MAC_B, MAC_A);
  add(&fr, "\x00\x03" "abc", 5);
  ck_assert_int_eq(walk_n(&fr, fr.n, &s, &c), 0);
  ck_assert_int_eq(s.n, 1);
  ck_assert_mem_eq(s.data[0], "abc", 3);
  free(c);

  /* An association request has 4 bytes of fixed fields. */
  fr.n = 0;
  add_mac3(&fr, 0x00, 0x00, MAC_A, MAC_B, MAC_A);
  add_le32(&fr, 0x000a0011);
  add(&fr, "\x00\x02hi", 4);
  ck_assert_int_eq(walk_n(&fr, fr.n, &s, &c), 0);
  ck_assert_int_eq(s.n, 1);
  ck_assert_mem_eq(s.data[0], "hi", 2);
  free(c);

  /* A beacon shorter than its fixed fields. */
  fr.n = 0;
  add_mac3(&fr, 0x80, 0x00, MAC_A, MAC_B, MAC_A);
  add_zeros(&fr, 11);
  ck_assert_int_eq(walk_n(&fr, fr.n, &s, &c), -1);
  ck_assert_int_eq(s.n, 0);
  free(c);
}
END_TEST

START_TEST(ie_walk_overrun)
{
  struct frame fr = {0};
  struct ies s = {0};
  uint8_t *c;
  add_beacon_head(&fr, 8);
  add(&fr, "\x00\x04" "abcd", 6);
  add(&fr, "\x30\x14\x01\x00", 4); /* RSN claims 20 bytes, 2 present */
  ck_assert_int_eq(walk_n(&fr, fr.n, &s, &c), -1);
  ck_assert_int_eq(s.n, 1);
  ck_assert_uint_eq(s.id[0], 0);
  free(c);

  /* A lone element id byte at the end. */
  fr.n -= 4;
  add_u8(&fr, 0x05);
  ck_assert_int_eq(walk_n(&fr, fr.n, &s, &c), -1);
  ck_assert_int_eq(s.n, 1);
  free(c);
}
END_TEST

START_TEST(ie_walk_tim_lengths)
{
  struct frame fr = {0};
  struct ies s = {0};
  uint8_t *c;
  size_t i;

  /* TIM of length 0 (1.6.1 read its fixed fields regardless). */
  add_beacon_head(&fr, 8);
  add(&fr, "\x05\x00", 2);
  ck_assert_int_eq(walk_n(&fr, fr.n, &s, &c), 0);
  ck_assert_int_eq(s.n, 1);
  ck_assert_uint_eq(s.id[0], 5);
  ck_assert_uint_eq(s.len[0], 0);
  free(c);

  /* TIM of length 255, complete. */
  fr.n = 0;
  add_beacon_head(&fr, 8);
  add(&fr, "\x05\xff", 2);
  for (i = 0; i < 255; i++)
    add_u8(&fr, 0xff);
  ck_assert_int_eq(walk_n(&fr, fr.n, &s, &c), 0);
  ck_assert_int_eq(s.n, 1);
  ck_assert_uint_eq(s.len[0], 255);
  ck_assert_ptr_eq(s.data[0] + 255, c + fr.n);
  free(c);

  /* TIM of length 255 with 10 bytes captured: not delivered. */
  ck_assert_int_eq(walk_n(&fr, 24 + 12 + 2 + 10, &s, &c), -1);
  ck_assert_int_eq(s.n, 0);
  free(c);
}
END_TEST

START_TEST(prism_header)
{
  struct frame fr = {0};
  struct tfl_dot11_frame f;
  uint8_t *c;
  int i;
  add_le32(&fr, 0x00000044); /* msgcode */
  add_le32(&fr, 144);        /* msglen */
  add(&fr, "wlan0\0\0\0\0\0\0\0\0\0\0\0", 16);
  for (i = 0; i < 10; i++) { /* did, status, len, data */
    add_le32(&fr, 0x1044 + (uint32_t)i);
    add_le16(&fr, 0);
    add_le16(&fr, 4);
    add_le32(&fr, i == 2 ? 6 : 0); /* the third item is the channel */
  }
  ck_assert_uint_eq(fr.n, 144);
  add_mac3(&fr, 0x08, 0x01, MAC_A, MAC_B, MAC_C);
  add(&fr, SNAP_IPV4, sizeof(SNAP_IPV4));
  ck_assert_int_eq(decode_n(TFL_DLT_PRISM_HEADER, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(f.channel, 6);
  ck_assert_int_eq(f.fcs_present, 0);
  ck_assert_ptr_eq(f.body, c + 144 + 24);
  ck_assert_uint_eq(f.body_len, sizeof(SNAP_IPV4));
  free(c);
  ck_assert_int_eq(decode_n(TFL_DLT_PRISM_HEADER, fr.b, 100, &f, &c), TFL_DOT11_MALFORMED);
  free(c);
}
END_TEST

static void add_avs(struct frame *fr, uint32_t len, uint32_t channel)
{
  add_be32(fr, 0x80211001);
  add_be32(fr, len);
  add_zeros(fr, 16); /* mactime, hosttime */
  add_be32(fr, 1);   /* phytype */
  add_be32(fr, channel);
  add_zeros(fr, 32); /* rate ... encoding */
}

START_TEST(avs_header)
{
  struct frame fr = {0};
  struct tfl_dot11_frame f;
  uint8_t *c;
  add_avs(&fr, 64, 11);
  ck_assert_uint_eq(fr.n, 64);
  add_mac3(&fr, 0x08, 0x02, MAC_A, MAC_B, MAC_C);
  add(&fr, SNAP_IPV4, sizeof(SNAP_IPV4));
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO_AVS, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(f.channel, 11);
  ck_assert_ptr_eq(f.body, c + 64 + 24);
  free(c);
  /* libpcap's PRISM type may carry an AVS header. */
  ck_assert_int_eq(decode_n(TFL_DLT_PRISM_HEADER, fr.b, fr.n, &f, &c), TFL_DOT11_OK);
  ck_assert_int_eq(f.channel, 11);
  free(c);
  /* Header length beyond the capture, and a bad magic. */
  fr.b[7] = 0xff;
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO_AVS, fr.b, fr.n, &f, &c), TFL_DOT11_MALFORMED);
  free(c);
  fr.b[7] = 64;
  fr.b[0] = 0x12;
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO_AVS, fr.b, fr.n, &f, &c), TFL_DOT11_MALFORMED);
  free(c);
}
END_TEST

START_TEST(unsupported_and_fcs_too_short)
{
  struct frame fr = {0};
  struct tfl_dot11_frame f;
  uint8_t *c;
  ck_assert_int_eq(decode_n(1, real_qos, sizeof(real_qos), &f, &c), TFL_DOT11_UNSUPPORTED);
  free(c);
  add_radiotap_flags(&fr, 0x10);
  add_u8(&fr, 0xd4);
  add_u8(&fr, 0);
  ck_assert_int_eq(decode_n(TFL_DLT_IEEE802_11_RADIO, fr.b, fr.n, &f, &c), TFL_DOT11_MALFORMED);
  free(c);
}
END_TEST

static Suite *dot11_suite(void)
{
  Suite *s = suite_create("dot11");
  TCase *t = tcase_create("core");
  tcase_add_test(t, real_radiotap_qos_with_fcs);
  tcase_add_test(t, real_radiotap_to_ds);
  tcase_add_test(t, radiotap_without_fcs_flag);
  tcase_add_test(t, radiotap_extended_bitmap_alignment);
  tcase_add_test(t, radiotap_vendor_namespace);
  tcase_add_test(t, radiotap_truncated);
  tcase_add_test(t, radiotap_length_beyond_caplen);
  tcase_add_test(t, every_truncation_is_safe);
  tcase_add_test(t, plain_data_llc_snap_ipv4);
  tcase_add_test(t, qos_data_and_ht_control);
  tcase_add_test(t, ds_addressing);
  tcase_add_test(t, protected_frame);
  tcase_add_test(t, ie_walk_beacon);
  tcase_add_test(t, ie_walk_overrun);
  tcase_add_test(t, ie_walk_tim_lengths);
  tcase_add_test(t, prism_header);
  tcase_add_test(t, avs_header);
  tcase_add_test(t, unsupported_and_fcs_too_short);
  suite_add_tcase(s, t);
  return s;
}

int main(void)
{
  return tu_run(dot11_suite());
}
