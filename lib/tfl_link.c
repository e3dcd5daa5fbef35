/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Link-layer decoders.  Each one strips its header and hands the rest to
 * Tfl_link_ethertype (for links that end in an Ethertype) or checks the IP
 * version itself (raw links).  Nothing here allocates.
 */
#include "config.h"

#include <pcap/dlt.h>
#include <string.h>

#include "tfl_bytes.h"
#include "tfl_dot11.h"
#include "tfl_link.h"

#define ETH_VLAN 0x8100
#define ETH_QINQ 0x88a8
#define ETH_QINQ_OLD 0x9100
#define ETH_MPLS_UC 0x8847
#define ETH_MPLS_MC 0x8848
#define ETH_PPPOE_SESSION 0x8864
#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86dd

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057

/* Tag stacks deeper than this are treated as malformed (loops in crafted
 * frames would otherwise cost time, not safety). */
#define MAX_LINK_TAGS 16

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

/* IP by version nibble: for links without a type field (raw, MPLS). */
static enum tfl_link_status link_ip_by_version(const uint8_t *p, size_t len,
                                              struct tfl_link_result *out)
{
  uint8_t v;
  if (!Tfl_get_u8(p, len, 0, &v))
    return TFL_LINK_MALFORMED;
  switch (v >> 4) {
  case 4:
    out->ethertype = ETH_IPV4;
    break;
  case 6:
    out->ethertype = ETH_IPV6;
    break;
  default:
    return TFL_LINK_NOT_IP;
  }
  out->l3 = p;
  out->l3_len = len;
  return TFL_LINK_OK;
}

/* MPLS label stack: 4 bytes per label until the bottom-of-stack bit. */
static enum tfl_link_status link_mpls(const uint8_t *p, size_t len, struct tfl_link_result *out)
{
  size_t off = 0;
  for (int i = 0; i < MAX_LINK_TAGS; i++) {
    uint32_t label;
    if (!Tfl_get_be32(p, len, off, &label))
      return TFL_LINK_MALFORMED;
    off += 4;
    if (label & 0x100)
      return link_ip_by_version(p + off, len - off, out);
  }
  return TFL_LINK_MALFORMED;
}

/* PPP protocol field (1 byte when compressed, else 2), then IP. */
static enum tfl_link_status link_ppp_protocol(const uint8_t *p, size_t len,
                                             struct tfl_link_result *out)
{
  uint8_t b0;
  uint16_t proto;
  size_t off;
  if (!Tfl_get_u8(p, len, 0, &b0))
    return TFL_LINK_MALFORMED;
  if (b0 & 1) { /* protocol-field compression: odd first byte is the whole field */
    proto = b0;
    off = 1;
  } else {
    if (!Tfl_get_be16(p, len, 0, &proto))
      return TFL_LINK_MALFORMED;
    off = 2;
  }
  if (proto == PPP_IPV4 || proto == PPP_IPV6) {
    out->ethertype = proto == PPP_IPV4 ? ETH_IPV4 : ETH_IPV6;
    out->l3 = p + off;
    out->l3_len = len - off;
    return TFL_LINK_OK;
  }
  return TFL_LINK_NOT_IP;
}

/* PPPoE session header: ver/type, code, session, length; then PPP. */
static enum tfl_link_status link_pppoe(const uint8_t *p, size_t len, struct tfl_link_result *out)
{
  uint16_t plen;
  if (!Tfl_get_be16(p, len, 4, &plen))
    return TFL_LINK_MALFORMED;
  len -= 6;
  if (plen < len)
    len = plen;
  return link_ppp_protocol(p + 6, len, out);
}

/* What follows an Ethertype: type is the value, p the bytes after it.
 * depth counts stacked tags (VLAN, QinQ) so crafted frames cannot loop. */
static enum tfl_link_status link_after_type(uint16_t type, const uint8_t *p, size_t len,
                                           struct tfl_link_result *out, int depth)
{
  uint16_t tci, inner;
  switch (type) {
  case ETH_IPV4:
  case ETH_IPV6:
    out->ethertype = type;
    out->l3 = p;
    out->l3_len = len;
    return TFL_LINK_OK;
  case ETH_VLAN:
  case ETH_QINQ:
  case ETH_QINQ_OLD:
    if (depth >= MAX_LINK_TAGS || !Tfl_get_be16(p, len, 0, &tci) || !Tfl_get_be16(p, len, 2, &inner))
      return TFL_LINK_MALFORMED;
    /* Only an outermost 802.1Q tag names the flow, as tcpflow 1.6.1 does;
     * the name carries the 12-bit VLAN ID, not the whole tag word. */
    if (depth == 0 && type == ETH_VLAN)
      out->vlan = tci & 0x0fff;
    return link_after_type(inner, p + 4, len - 4, out, depth + 1);
  case ETH_MPLS_UC:
  case ETH_MPLS_MC:
    return link_mpls(p, len, out);
  case ETH_PPPOE_SESSION:
    if (!Tfl_has(len, 0, 6))
      return TFL_LINK_MALFORMED;
    return link_pppoe(p, len, out);
  default:
    return TFL_LINK_NOT_IP;
  }
}

enum tfl_link_status Tfl_link_ethertype(const uint8_t *p, size_t len, struct tfl_link_result *out)
{
  uint16_t type;
  if (!Tfl_get_be16(p, len, 0, &type))
    return TFL_LINK_MALFORMED;
  return link_after_type(type, p + 2, len - 2, out, 0);
}

static enum tfl_link_status link_ethernet(const uint8_t *p, size_t len, struct tfl_link_result *out)
{
  uint16_t type;
  if (!Tfl_get_be16(p, len, 12, &type))
    return TFL_LINK_MALFORMED;
  memcpy(out->mac_dst, p, 6);
  memcpy(out->mac_src, p + 6, 6);
  out->have_macs = 1;
  if (type <= 1500) {
    /* 802.3 length field: IP only behind LLC/SNAP (AA AA 03 + OUI). */
    if (!Tfl_has(len, 14, 8) || p[14] != 0xaa || p[15] != 0xaa || p[16] != 0x03)
      return TFL_LINK_NOT_IP;
    return Tfl_link_ethertype(p + 20, len - 20, out);
  }
  return Tfl_link_ethertype(p + 12, len - 12, out);
}

/* BSD loopback: a 4-byte address family in the capturing host's byte order
 * (DLT_NULL) or in network order (DLT_LOOP).  AF_INET6 differs per OS. */
static enum tfl_link_status link_null(const uint8_t *p, size_t len, struct tfl_link_result *out)
{
  uint32_t le, be, af;
  if (!Tfl_get_le32(p, len, 0, &le) || !Tfl_get_be32(p, len, 0, &be))
    return TFL_LINK_MALFORMED;
  af = le < 256 ? le : be;
  switch (af) {
  case 2:
    out->ethertype = ETH_IPV4;
    break;
  case 10: /* Linux */
  case 23: /* Windows */
  case 24: /* NetBSD, OpenBSD, BSD/OS */
  case 28: /* FreeBSD, DragonFly */
  case 30: /* macOS */
    out->ethertype = ETH_IPV6;
    break;
  default:
    return TFL_LINK_NOT_IP;
  }
  out->l3 = p + 4;
  out->l3_len = len - 4;
  return TFL_LINK_OK;
}

/* DLT_PPP / PPP_SERIAL / C_HDLC: HDLC address+control, Cisco HDLC, or bare. */
static enum tfl_link_status link_ppp(const uint8_t *p, size_t len, struct tfl_link_result *out)
{
  uint8_t a, c;
  if (!Tfl_get_u8(p, len, 0, &a) || !Tfl_get_u8(p, len, 1, &c))
    return TFL_LINK_MALFORMED;
  if ((a == 0x0f || a == 0x8f) && c == 0x00) /* Cisco HDLC: an Ethertype follows */
    return Tfl_link_ethertype(p + 2, len - 2, out);
  if (a == 0xff && c == 0x03)
    return link_ppp_protocol(p + 2, len - 2, out);
  return link_ppp_protocol(p, len, out);
}

static enum tfl_link_status link_80211(int dlt, const uint8_t *p, size_t len,
                                      struct tfl_link_result *out)
{
  struct tfl_dot11_frame f;
  uint16_t type;
  const uint8_t *payload;
  size_t plen;
  switch (Tfl_dot11_decode(dlt, p, len, &f)) {
  case TFL_DOT11_OK:
    break;
  case TFL_DOT11_UNSUPPORTED:
    return TFL_LINK_UNSUPPORTED;
  default:
    return TFL_LINK_MALFORMED;
  }
  if (f.type != 2 || f.protected_frame || !Tfl_dot11_llc_payload(&f, &type, &payload, &plen))
    return TFL_LINK_NOT_IP;
  memcpy(out->mac_src, f.src, 6);
  memcpy(out->mac_dst, f.dst, 6);
  out->have_macs = 1;
  if (plen < 2)
    return TFL_LINK_MALFORMED;
  /* Tfl_link_ethertype expects to start at the type field, which sits just
   * before the payload inside the same frame. */
  return Tfl_link_ethertype(payload - 2, plen + 2, out);
}

/* The DLT table: every link type the host decodes and its decoder.  The
 * decoders strip the link header and hand the rest to the network layer. */
typedef enum tfl_link_status (*link_decoder)(const uint8_t *p, size_t len,
                                            struct tfl_link_result *out);

static enum tfl_link_status link_sll(const uint8_t *p, size_t len, struct tfl_link_result *out)
{
  if (!Tfl_has(len, 0, 16))
    return TFL_LINK_MALFORMED;
  return Tfl_link_ethertype(p + 14, len - 14, out);
}

/* SLL2 puts the protocol first; the payload starts after 20 bytes. */
static enum tfl_link_status link_sll2(const uint8_t *p, size_t len, struct tfl_link_result *out)
{
  uint16_t type;
  if (!Tfl_has(len, 0, 20) || !Tfl_get_be16(p, len, 0, &type))
    return TFL_LINK_MALFORMED;
  return link_after_type(type, p + 20, len - 20, out, 0);
}

static enum tfl_link_status link_pppoe_session(const uint8_t *p, size_t len,
                                              struct tfl_link_result *out)
{
  if (!Tfl_has(len, 0, 6))
    return TFL_LINK_MALFORMED;
  return link_pppoe(p, len, out);
}

/* The four 802.11 link types share one decoder, which needs the DLT. */
#define LINK_DOT11 NULL

static const struct link_type {
  int dlt;
  link_decoder decode; /* LINK_DOT11: link_80211 */
} link_types[] = {
    {DLT_EN10MB, link_ethernet},
    {DLT_LINUX_SLL, link_sll},
    {DLT_LINUX_SLL2, link_sll2},
    {DLT_RAW, link_ip_by_version},
    {14, link_ip_by_version}, /* DLT_RAW on OpenBSD; libpcap may hand it through */
    {DLT_IPV4, link_ip_by_version},
    {DLT_IPV6, link_ip_by_version},
    {DLT_NULL, link_null},
    {DLT_LOOP, link_null},
    {DLT_PPP, link_ppp},
    {DLT_PPP_SERIAL, link_ppp},
    {DLT_C_HDLC, link_ppp},
    {DLT_PPP_ETHER, link_pppoe_session},
    {TFL_DLT_IEEE802_11, LINK_DOT11},
    {TFL_DLT_IEEE802_11_RADIO, LINK_DOT11},
    {TFL_DLT_PRISM_HEADER, LINK_DOT11},
    {TFL_DLT_IEEE802_11_RADIO_AVS, LINK_DOT11},
};

static const struct link_type *link_find(int dlt)
{
  for (size_t i = 0; i < sizeof(link_types) / sizeof(link_types[0]); i++)
    if (link_types[i].dlt == dlt)
      return &link_types[i];
  return NULL;
}

int Tfl_link_supported(int dlt)
{
  return link_find(dlt) != NULL;
}

enum tfl_link_status Tfl_link_decode(int dlt, const uint8_t *p, size_t len,
                                   struct tfl_link_result *out)
{
  const struct link_type *t = link_find(dlt);
  memset(out, 0, sizeof(*out));
  out->vlan = -1;
  if (!t)
    return TFL_LINK_UNSUPPORTED;
  if (t->decode == LINK_DOT11)
    return link_80211(dlt, p, len, out);
  return t->decode(p, len, out);
}
