/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * IPv4 / IPv6 and TCP header decoding.  The IP payload is clamped to both
 * the IP length field and the captured bytes (Ethernet padding is never
 * payload); IPv6 extension headers are walked; fragments go through the
 * defragmenter.
 */
#ifndef TFL_IP_H
#define TFL_IP_H

#include "tfl_defrag.h"
#include "tfl_packet.h"

enum tfl_ip_status {
  TFL_IP_TCP = 0,        /* pkt's IP and TCP fields are filled */
  TFL_IP_NOT_TCP,        /* a good IP packet of another protocol */
  TFL_IP_FRAGMENT_HELD,  /* a fragment, kept until its datagram completes */
  TFL_IP_MALFORMED       /* short or lying header */
};

/* Decode pkt->link.l3 (IPv4 or IPv6 per pkt->link.ethertype). */
enum tfl_ip_status Tfl_ip_decode(struct tfl_defrag *df, struct tfl_packet *pkt);

/* Decode a TCP header at p (len bytes of IP payload) into pkt. */
enum tfl_ip_status Tfl_ip_tcp_decode(const uint8_t *p, size_t len, struct tfl_packet *pkt);

#endif
