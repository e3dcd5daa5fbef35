/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Link-layer decoding: from a captured frame to the network-layer packet
 * inside it.  Each decoder is small, reads only through lib/tfl_bytes.h and
 * never looks past the captured length.
 */
#ifndef TFL_LINK_H
#define TFL_LINK_H

#include <stddef.h>
#include <stdint.h>

/* What a link decoder found. */
enum tfl_link_status {
  TFL_LINK_OK = 0,        /* out->l3 / out->l3_len hold an IP packet */
  TFL_LINK_NOT_IP,        /* a well-formed frame that carries no IP (ARP, beacons...) */
  TFL_LINK_MALFORMED,     /* header shorter than it claims, bad field */
  TFL_LINK_UNSUPPORTED    /* the link type is not one we decode */
};

struct tfl_link_result {
  const uint8_t *l3;     /* network-layer bytes (inside the frame) */
  size_t l3_len;         /* captured bytes from l3 to the end of the frame */
  uint16_t ethertype;    /* 0x0800 (IPv4) or 0x86dd (IPv6) when TFL_LINK_OK */
  int vlan;              /* outermost 802.1Q VLAN ID (12 bits), or -1 */
  int have_macs;         /* 1 when the link has MAC addresses */
  uint8_t mac_src[6];
  uint8_t mac_dst[6];
};

/* Decode one frame of link type dlt (libpcap DLT_ value). */
enum tfl_link_status Tfl_link_decode(int dlt, const uint8_t *frame, size_t caplen,
                                   struct tfl_link_result *out);

/* 1 when Tfl_link_decode knows dlt. */
int Tfl_link_supported(int dlt);

/* Ethernet-style payload dispatch shared by the decoders that end in an
 * Ethertype (Ethernet, SLL, SLL2, 802.11 LLC/SNAP, PPPoE): skips VLAN tags
 * and MPLS labels and fills out.  p points at the 2-byte Ethertype. */
enum tfl_link_status Tfl_link_ethertype(const uint8_t *p, size_t len,
                                      struct tfl_link_result *out);

#endif
