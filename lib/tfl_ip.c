/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
#include "config.h"

#include <string.h>

#include "tfl_bytes.h"
#include "tfl_ip.h"

#define IPPROTO_TCP_ 6
#define IP6_HOPOPTS 0
#define IP6_ROUTING 43
#define IP6_FRAGMENT 44
#define IP6_AH 51
#define IP6_DSTOPTS 60
#define IP6_MOBILITY 135

/* Extension headers we walk before giving up on a crafted chain. */
#define IP6_MAX_EXT 16

enum tfl_ip_status Tfl_ip_tcp_decode(const uint8_t *p, size_t len, struct tfl_packet *pkt)
{
  uint8_t off_byte, flags;
  size_t hlen;
  if (!Tfl_get_be16(p, len, 0, &pkt->sport) || !Tfl_get_be16(p, len, 2, &pkt->dport) ||
      !Tfl_get_be32(p, len, 4, &pkt->seq) || !Tfl_get_be32(p, len, 8, &pkt->ack) ||
      !Tfl_get_u8(p, len, 12, &off_byte) || !Tfl_get_u8(p, len, 13, &flags))
    return TFL_IP_MALFORMED;
  hlen = (size_t)(off_byte >> 4) * 4;
  /* A data offset below 5 would make header bytes payload (1.6.1 does). */
  if (hlen < 20 || !Tfl_has(len, 0, hlen))
    return TFL_IP_MALFORMED;
  pkt->flags = flags;
  pkt->payload = p + hlen;
  pkt->payload_len = len - hlen;
  return TFL_IP_TCP;
}

/* A transport payload (whole datagram or reassembled) is ready. */
static enum tfl_ip_status ip_transport(uint8_t proto, const uint8_t *p, size_t len,
                                      struct tfl_packet *pkt)
{
  if (proto != IPPROTO_TCP_)
    return TFL_IP_NOT_TCP;
  return Tfl_ip_tcp_decode(p, len, pkt);
}

static enum tfl_ip_status ip_fragment(struct tfl_defrag *df, struct tfl_frag *frag,
                                     struct tfl_packet *pkt)
{
  const uint8_t *data;
  size_t len;
  uint8_t proto;
  frag->src = pkt->src;
  frag->dst = pkt->dst;
  frag->family = pkt->family;
  frag->now = pkt->ts.tv_sec;
  switch (Tfl_defrag_add(df, frag, &data, &len, &proto)) {
  case 1:
    return ip_transport(proto, data, len, pkt);
  case 0:
    return TFL_IP_FRAGMENT_HELD;
  default:
    return TFL_IP_MALFORMED;
  }
}

static enum tfl_ip_status ip_v4(struct tfl_defrag *df, const uint8_t *p, size_t len,
                               struct tfl_packet *pkt)
{
  uint8_t vihl, proto;
  uint16_t total, id, frag;
  size_t hlen;
  if (!Tfl_get_u8(p, len, 0, &vihl) || !Tfl_get_be16(p, len, 2, &total) ||
      !Tfl_get_be16(p, len, 4, &id) || !Tfl_get_be16(p, len, 6, &frag) ||
      !Tfl_get_u8(p, len, 9, &proto) || !Tfl_has(len, 12, 8))
    return TFL_IP_MALFORMED;
  hlen = (size_t)(vihl & 0x0f) * 4;
  if ((vihl >> 4) != 4 || hlen < 20 || !Tfl_has(len, 0, hlen))
    return TFL_IP_MALFORMED;
  /* Total length 0 is what TSO/LSO captures carry: trust the capture. */
  if (total != 0) {
    if (total < hlen)
      return TFL_IP_MALFORMED;
    if (total < len)
      len = total; /* link-layer padding is not payload */
  }
  pkt->family = 4;
  memset(pkt->src, 0, sizeof(pkt->src));
  memset(pkt->dst, 0, sizeof(pkt->dst));
  memcpy(pkt->src, p + 12, 4);
  memcpy(pkt->dst, p + 16, 4);
  if ((frag & 0x3fff) != 0) { /* MF set or a non-zero offset */
    struct tfl_frag f = {.id = id, .proto = proto, .offset = (uint32_t)(frag & 0x1fff) * 8,
                        .more = (frag & 0x2000) != 0, .data = p + hlen, .len = len - hlen};
    return ip_fragment(df, &f, pkt);
  }
  return ip_transport(proto, p + hlen, len - hlen, pkt);
}

static enum tfl_ip_status ip_v6(struct tfl_defrag *df, const uint8_t *p, size_t len,
                               struct tfl_packet *pkt)
{
  uint8_t vtc, next;
  uint16_t plen;
  size_t off = 40;
  if (!Tfl_get_u8(p, len, 0, &vtc) || !Tfl_get_be16(p, len, 4, &plen) ||
      !Tfl_get_u8(p, len, 6, &next) || !Tfl_has(len, 0, 40))
    return TFL_IP_MALFORMED;
  if ((vtc >> 4) != 6)
    return TFL_IP_MALFORMED;
  /* Payload length 0 means a jumbogram (or TSO): trust the capture.  Never
   * read past what was captured (1.6.1 does, and leaks heap memory). */
  if (plen != 0 && (size_t)plen + 40 < len)
    len = (size_t)plen + 40;
  pkt->family = 6;
  memcpy(pkt->src, p + 8, 16);
  memcpy(pkt->dst, p + 24, 16);
  for (int i = 0; i < IP6_MAX_EXT; i++) {
    uint8_t hdr_next, hdr_len;
    switch (next) {
    case IP6_HOPOPTS:
    case IP6_ROUTING:
    case IP6_DSTOPTS:
    case IP6_MOBILITY:
      if (!Tfl_get_u8(p, len, off, &hdr_next) || !Tfl_get_u8(p, len, off + 1, &hdr_len))
        return TFL_IP_MALFORMED;
      next = hdr_next;
      off += ((size_t)hdr_len + 1) * 8;
      break;
    case IP6_AH:
      if (!Tfl_get_u8(p, len, off, &hdr_next) || !Tfl_get_u8(p, len, off + 1, &hdr_len))
        return TFL_IP_MALFORMED;
      next = hdr_next;
      off += ((size_t)hdr_len + 2) * 4;
      break;
    case IP6_FRAGMENT: {
      uint16_t offm;
      uint32_t id;
      if (!Tfl_get_u8(p, len, off, &hdr_next) || !Tfl_get_be16(p, len, off + 2, &offm) ||
          !Tfl_get_be32(p, len, off + 4, &id))
        return TFL_IP_MALFORMED;
      off += 8;
      if ((offm & 0xfff9) == 0) /* atomic fragment: offset 0, no M bit */
        return ip_transport(hdr_next, p + off, len - off, pkt);
      struct tfl_frag f = {.id = id, .proto = hdr_next, .offset = (uint32_t)(offm & 0xfff8),
                          .more = (offm & 1) != 0, .data = p + off, .len = len - off};
      return ip_fragment(df, &f, pkt);
    }
    default:
      if (!Tfl_has(len, off, 0))
        return TFL_IP_MALFORMED;
      return ip_transport(next, p + off, len - off, pkt);
    }
  }
  return TFL_IP_MALFORMED;
}

enum tfl_ip_status Tfl_ip_decode(struct tfl_defrag *df, struct tfl_packet *pkt)
{
  const uint8_t *p = pkt->link.l3;
  size_t len = pkt->link.l3_len;
  if (pkt->link.ethertype == 0x86dd)
    return ip_v6(df, p, len, pkt);
  return ip_v4(df, p, len, pkt);
}
