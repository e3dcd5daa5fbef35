/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * 802.11 decoding: capture headers (radiotap, Prism, AVS) and the MAC header.
 *
 * Part of the internal library: the host and the wifi scanner link it.  It
 * uses nothing but the C library and tfl_bytes.h: every read is a Tfl_get_*
 * or follows a Tfl_has() of the same bytes, because the input is hostile (1.6.1 overflowed in exactly this kind of code,
 * GHSA-q5q6-frrv-9rj6).
 */
#include "tfl_dot11.h"

#include "tfl_bytes.h"

#include <string.h>

/* Frame control flag bits (second byte). */
#define D11_FC_TO_DS 0x01
#define D11_FC_FROM_DS 0x02
#define D11_FC_PROTECTED 0x40
#define D11_FC_ORDER 0x80

/* Radiotap Flags field bits. */
#define D11_RT_FLAG_FCS 0x10
#define D11_RT_FLAG_DATAPAD 0x20

/* Radiotap presence bits that are not fields. */
#define D11_RT_BIT_TLV 28
#define D11_RT_BIT_RADIOTAP_NS 29
#define D11_RT_BIT_VENDOR_NS 30
#define D11_RT_BIT_EXT 31

/* The two capture headers that have a fixed layout. */
#define D11_PRISM_LEN 144
#define D11_PRISM_CHANNEL_OFF 56 /* msgcode, msglen, devname[16], 2 items, did/status/len */
#define D11_AVS_MAGIC_MASK 0xfffff000u
#define D11_AVS_MAGIC 0x80211000u
#define D11_AVS_MIN_LEN 64
#define D11_AVS_CHANNEL_OFF 28

/* Channel number of a centre frequency in MHz, or -1. */
static int d11_freq_to_channel(unsigned mhz)
{
  if (mhz == 2484)
    return 14;
  if (mhz >= 2412 && mhz <= 2472)
    return (int)(mhz - 2407) / 5;
  if (mhz >= 5955 && mhz <= 7115) /* 6 GHz starts a new numbering at 5950 */
    return (int)(mhz - 5950) / 5;
  if (mhz >= 5000 && mhz <= 5925)
    return (int)(mhz - 5000) / 5;
  if (mhz >= 4915 && mhz <= 4980) /* Japan 4.9 GHz */
    return (int)(mhz - 4000) / 5;
  return -1;
}

/* Alignment and size of the radiotap fields of the default namespace, by
 * presence bit.  Needed because a field's offset depends on every field
 * before it. */
static const struct {
  uint8_t align, size;
} d11_rt_fields[28] = {
    {8, 8},  /* 0 TSFT */
    {1, 1},  /* 1 Flags */
    {1, 1},  /* 2 Rate */
    {2, 4},  /* 3 Channel: u16 frequency, u16 flags */
    {2, 2},  /* 4 FHSS */
    {1, 1},  /* 5 dBm antenna signal */
    {1, 1},  /* 6 dBm antenna noise */
    {2, 2},  /* 7 lock quality */
    {2, 2},  /* 8 TX attenuation */
    {2, 2},  /* 9 dB TX attenuation */
    {1, 1},  /* 10 dBm TX power */
    {1, 1},  /* 11 antenna */
    {1, 1},  /* 12 dB antenna signal */
    {1, 1},  /* 13 dB antenna noise */
    {2, 2},  /* 14 RX flags */
    {2, 2},  /* 15 TX flags */
    {1, 1},  /* 16 RTS retries */
    {1, 1},  /* 17 data retries */
    {4, 8},  /* 18 XChannel: u32 flags, u16 freq, u8 channel, u8 max power */
    {1, 3},  /* 19 MCS */
    {4, 8},  /* 20 A-MPDU status */
    {2, 12}, /* 21 VHT */
    {8, 12}, /* 22 timestamp */
    {2, 12}, /* 23 HE */
    {2, 12}, /* 24 HE-MU */
    {2, 6},  /* 25 HE-MU-other-user */
    {1, 1},  /* 26 zero-length PSDU */
    {2, 4},  /* 27 L-SIG */
};

/* What the radiotap header tells us. */
struct d11_radiotap {
  size_t hdr_len;
  int flags; /* the Flags field, or -1 */
  int channel;
};

/* Walks the radiotap fields in data order.  Offsets are relative to the
 * start of the header (alignment is too).  Stops at the first field it
 * cannot size (past the known bits, or TLVs); Flags and Channel come first
 * in practice, so that costs nothing. */
static void d11_radiotap_fields(const uint8_t *p, size_t hdr_len, size_t nwords,
                                struct d11_radiotap *rt)
{
  size_t off = 8 + 4 * (nwords - 1); /* data starts after the last present word */
  int vendor = 0;  /* the current word belongs to a vendor namespace */
  int ns_word = 0; /* index of the current word inside the radiotap namespace */
  size_t w;
  for (w = 0; w < nwords; w++) {
    uint32_t present = 0; /* the words were counted inside the header */
    unsigned bit;
    if (!Tfl_get_le32(p, hdr_len, 4 + 4 * w, &present))
      return;
    if (!vendor) {
      for (bit = 0; bit < D11_RT_BIT_TLV; bit++) {
        size_t a, s;
        uint16_t freq;
        if (!(present & (1u << bit)))
          continue;
        /* No field is defined past bit 31 of the radiotap namespace. */
        if (ns_word > 0)
          return;
        a = d11_rt_fields[bit].align;
        s = d11_rt_fields[bit].size;
        off = (off + a - 1) & ~(a - 1);
        if (!Tfl_has(hdr_len, off, s))
          return;
        /* The first Flags and Channel win: later namespaces describe
         * further antennas or chains of the same frame. */
        if (bit == 1 && rt->flags < 0)
          rt->flags = p[off];
        else if (bit == 3 && rt->channel < 0 && Tfl_get_le16(p, hdr_len, off, &freq))
          rt->channel = d11_freq_to_channel(freq);
        else if (bit == 18 && rt->channel < 0)
          rt->channel = p[off + 6];
        off += s;
      }
      if (present & (1u << D11_RT_BIT_TLV))
        return; /* TLVs run to the end of the header */
    }
    if (!(present & (1u << D11_RT_BIT_EXT)))
      return;
    if (present & (1u << D11_RT_BIT_VENDOR_NS)) {
      /* A vendor namespace starts with a 2-aligned header (OUI, sub
       * namespace, skip length) followed by skip_length bytes of fields
       * we cannot read; all its present words share them. */
      off = (off + 1) & ~(size_t)1;
      uint16_t skip;
      if (!Tfl_has(hdr_len, off, 6) || !Tfl_get_le16(p, hdr_len, off + 4, &skip))
        return;
      off += 6 + (size_t)skip;
      vendor = 1;
    } else if (present & (1u << D11_RT_BIT_RADIOTAP_NS)) {
      vendor = 0;
      ns_word = 0;
    } else {
      ns_word++;
    }
  }
}

static enum tfl_dot11_status d11_radiotap(const uint8_t *p, size_t caplen,
                                         struct d11_radiotap *rt)
{
  size_t nwords = 1;
  uint16_t hdr_len;
  uint32_t word;
  rt->flags = -1;
  rt->channel = -1;
  if (!Tfl_has(caplen, 0, 8) || p[0] != 0 || !Tfl_get_le16(p, caplen, 2, &hdr_len))
    return TFL_DOT11_MALFORMED;
  rt->hdr_len = hdr_len;
  if (rt->hdr_len < 8 || rt->hdr_len > caplen)
    return TFL_DOT11_MALFORMED;
  /* Count the present words: each one with bit 31 set is followed by
   * another, and all of them must fit in the header. */
  while (Tfl_get_le32(p, rt->hdr_len, 4 + 4 * (nwords - 1), &word) &&
         (word & (1u << D11_RT_BIT_EXT))) {
    if (!Tfl_has(rt->hdr_len, 4 + 4 * nwords, 4))
      return TFL_DOT11_MALFORMED;
    nwords++;
  }
  d11_radiotap_fields(p, rt->hdr_len, nwords, rt);
  return TFL_DOT11_OK;
}

/* Capture header of the AVS format (big-endian, length in the header). */
static enum tfl_dot11_status d11_avs(const uint8_t *p, size_t caplen, size_t *hdr_len,
                                    int *channel)
{
  uint32_t magic, len, ch;
  if (!Tfl_has(caplen, 0, D11_AVS_MIN_LEN) || !Tfl_get_be32(p, caplen, 0, &magic) ||
      !Tfl_get_be32(p, caplen, 4, &len) || !Tfl_get_be32(p, caplen, D11_AVS_CHANNEL_OFF, &ch))
    return TFL_DOT11_MALFORMED;
  if ((magic & D11_AVS_MAGIC_MASK) != D11_AVS_MAGIC)
    return TFL_DOT11_MALFORMED;
  *hdr_len = len;
  if (*hdr_len < D11_AVS_MIN_LEN || *hdr_len > caplen)
    return TFL_DOT11_MALFORMED;
  *channel = (ch > 0 && ch < 256) ? (int)ch : -1;
  return TFL_DOT11_OK;
}

/* Prism (wlan-ng) header: fixed 144 bytes in host order of the capturing
 * machine, usually little-endian.  libpcap files of type 119 may hold an
 * AVS header instead, recognised by its magic, as tcpdump does. */
static enum tfl_dot11_status d11_prism(const uint8_t *p, size_t caplen, size_t *hdr_len,
                                      int *channel)
{
  uint32_t magic, ch, ch_be;
  if (Tfl_get_be32(p, caplen, 0, &magic) && (magic & D11_AVS_MAGIC_MASK) == D11_AVS_MAGIC)
    return d11_avs(p, caplen, hdr_len, channel);
  if (!Tfl_has(caplen, 0, D11_PRISM_LEN) ||
      !Tfl_get_le32(p, caplen, D11_PRISM_CHANNEL_OFF, &ch) ||
      !Tfl_get_be32(p, caplen, D11_PRISM_CHANNEL_OFF, &ch_be))
    return TFL_DOT11_MALFORMED;
  *hdr_len = D11_PRISM_LEN;
  if (ch == 0 || ch >= 256)
    ch = ch_be;
  *channel = (ch > 0 && ch < 256) ? (int)ch : -1;
  return TFL_DOT11_OK;
}

/* Length of the MAC header of a frame, or 0 when the frame is too short to
 * hold it.  Also fills the address fields. */
static size_t d11_mac_header(const uint8_t *p, size_t len, struct tfl_dot11_frame *out)
{
  size_t hl;
  uint8_t flags;
  if (!Tfl_has(len, 0, 10))
    return 0;
  out->type = (p[0] >> 2) & 3;
  out->subtype = (p[0] >> 4) & 15;
  flags = p[1];
  out->to_ds = !!(flags & D11_FC_TO_DS);
  out->from_ds = !!(flags & D11_FC_FROM_DS);
  out->protected_frame = !!(flags & D11_FC_PROTECTED);
  memcpy(out->addr1, p + 4, 6);
  memcpy(out->dst, p + 4, 6);

  if (out->type == 1) {
    /* Control frames: CTS and ACK carry only the receiver address; the
     * others (RTS, PS-Poll, BlockAck...) add the transmitter. */
    if (out->subtype == 12 || out->subtype == 13)
      return 10;
    if (!Tfl_has(len, 10, 6))
      return 0;
    memcpy(out->addr2, p + 10, 6);
    memcpy(out->src, p + 10, 6);
    return 16;
  }

  if (!Tfl_has(len, 0, 24))
    return 0;
  memcpy(out->addr2, p + 10, 6);
  memcpy(out->addr3, p + 16, 6);
  hl = 24;
  if (out->type == 2 && out->to_ds && out->from_ds) {
    if (!Tfl_has(len, 24, 6))
      return 0;
    memcpy(out->addr4, p + 24, 6);
    out->have_addr4 = 1;
    hl = 30;
  }

  /* Address meaning by DS bits (IEEE 802.11-2020 table 9-30); a WDS frame
   * has no BSSID, so bssid stays all zero. */
  if (out->type != 2 || (!out->to_ds && !out->from_ds)) {
    memcpy(out->src, out->addr2, 6);
    memcpy(out->bssid, out->addr3, 6);
  } else if (out->to_ds && !out->from_ds) {
    memcpy(out->bssid, out->addr1, 6);
    memcpy(out->src, out->addr2, 6);
    memcpy(out->dst, out->addr3, 6);
  } else if (!out->to_ds && out->from_ds) {
    memcpy(out->bssid, out->addr2, 6);
    memcpy(out->src, out->addr3, 6);
  } else {
    memcpy(out->dst, out->addr3, 6);
    memcpy(out->src, out->addr4, 6);
  }

  /* QoS data subtypes have bit 3 set and carry 2 bytes of QoS control;
   * with the order bit, QoS data and management frames also carry a
   * 4-byte HT control field (802.11n +HTC). */
  if (out->type == 2 && (out->subtype & 8)) {
    hl += 2;
    if (flags & D11_FC_ORDER)
      hl += 4;
  } else if (out->type == 0 && (flags & D11_FC_ORDER)) {
    hl += 4;
  }
  return Tfl_has(len, 0, hl) ? hl : 0;
}

/* The DS Parameter Set element of beacons and probe responses names the
 * channel when no capture header did. */
static void d11_ds_channel(void *arg, uint8_t id, const uint8_t *data, uint8_t len)
{
  int *channel = arg;
  if (id == 3 && len >= 1 && *channel < 0)
    *channel = data[0];
}

enum tfl_dot11_status Tfl_dot11_decode(int dlt, const uint8_t *frame, size_t caplen,
                                     struct tfl_dot11_frame *out)
{
  size_t hdr_len = 0, mac_len, end;
  int rt_flags = 0;
  enum tfl_dot11_status st;

  memset(out, 0, sizeof(*out));
  out->channel = -1;
  out->type = -1;
  switch (dlt) {
  case TFL_DLT_IEEE802_11:
    break;
  case TFL_DLT_IEEE802_11_RADIO: {
    struct d11_radiotap rt;
    st = d11_radiotap(frame, caplen, &rt);
    if (st != TFL_DOT11_OK)
      return st;
    hdr_len = rt.hdr_len;
    out->channel = rt.channel;
    rt_flags = rt.flags < 0 ? 0 : rt.flags;
    break;
  }
  case TFL_DLT_PRISM_HEADER:
    st = d11_prism(frame, caplen, &hdr_len, &out->channel);
    if (st != TFL_DOT11_OK)
      return st;
    break;
  case TFL_DLT_IEEE802_11_RADIO_AVS:
    st = d11_avs(frame, caplen, &hdr_len, &out->channel);
    if (st != TFL_DOT11_OK)
      return st;
    break;
  default:
    return TFL_DOT11_UNSUPPORTED;
  }

  end = caplen;
  if (rt_flags & D11_RT_FLAG_FCS) {
    if (end - hdr_len < 4)
      return TFL_DOT11_MALFORMED;
    end -= 4;
    out->fcs_present = 1;
  }
  mac_len = d11_mac_header(frame + hdr_len, end - hdr_len, out);
  if (mac_len == 0)
    return TFL_DOT11_MALFORMED;
  /* Some drivers pad the MAC header to a multiple of 4 bytes. */
  if (rt_flags & D11_RT_FLAG_DATAPAD)
    mac_len = (mac_len + 3) & ~(size_t)3;
  if (!Tfl_has(end - hdr_len, 0, mac_len))
    return TFL_DOT11_MALFORMED;
  out->body = frame + hdr_len + mac_len;
  out->body_len = end - hdr_len - mac_len;
  if (out->channel < 0 && out->type == 0)
    (void)Tfl_dot11_walk_ies(out, d11_ds_channel, &out->channel);
  return TFL_DOT11_OK;
}

int Tfl_dot11_llc_payload(const struct tfl_dot11_frame *f, uint16_t *ethertype,
                         const uint8_t **payload, size_t *payload_len)
{
  const uint8_t *b = f->body;
  /* Data subtypes with bit 2 set (Null, QoS Null, CF-Ack...) carry no
   * payload; protected bodies are ciphertext. */
  if (f->type != 2 || (f->subtype & 4) || f->protected_frame || b == NULL)
    return 0;
  if (!Tfl_has(f->body_len, 0, 8))
    return 0;
  if (b[0] != 0xaa || b[1] != 0xaa || b[2] != 0x03)
    return 0;
  /* RFC 1042 (00:00:00) or 802.1H bridge tunnel (00:00:f8). */
  if (b[3] != 0 || b[4] != 0 || (b[5] != 0 && b[5] != 0xf8))
    return 0;
  *ethertype = (uint16_t)((b[6] << 8) | b[7]);
  *payload = b + 8;
  *payload_len = f->body_len - 8;
  return 1;
}

/* Fixed fields before the elements of a management frame body, by subtype,
 * or -1 for subtypes whose elements we do not walk. */
static int d11_fixed_fields(int subtype)
{
  switch (subtype) {
  case 0: /* association request: capability, listen interval */
    return 4;
  case 1: /* association response: capability, status, AID */
  case 3: /* reassociation response */
    return 6;
  case 2: /* reassociation request: + current AP address */
    return 10;
  case 4: /* probe request */
    return 0;
  case 5: /* probe response: timestamp, beacon interval, capability */
  case 8: /* beacon */
    return 12;
  default:
    return -1;
  }
}

int Tfl_dot11_walk_ies(const struct tfl_dot11_frame *f, tfl_dot11_ie_fn fn, void *arg)
{
  int fixed;
  size_t off;
  if (f->type != 0 || f->body == NULL || f->protected_frame)
    return 0;
  fixed = d11_fixed_fields(f->subtype);
  if (fixed < 0)
    return 0;
  if (!Tfl_has(f->body_len, 0, (size_t)fixed))
    return -1;
  off = (size_t)fixed;
  while (off < f->body_len) {
    uint8_t id, len;
    if (!Tfl_has(f->body_len, off, 2))
      return -1;
    id = f->body[off];
    len = f->body[off + 1];
    if (!Tfl_has(f->body_len, off + 2, len))
      return -1;
    fn(arg, id, f->body + off + 2, len);
    off += 2 + (size_t)len;
  }
  return 0;
}
