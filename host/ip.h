/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * IPv4 / IPv6 and TCP header decoding.  The IP payload is clamped to both
 * the IP length field and the captured bytes (Ethernet padding is never
 * payload); IPv6 extension headers are walked; fragments go through the
 * defragmenter.
 */
#ifndef TF_IP_H
#define TF_IP_H

#include "defrag.h"
#include "packet.h"

enum tf_ip_status {
  TF_IP_TCP = 0,        /* pkt's IP and TCP fields are filled */
  TF_IP_NOT_TCP,        /* a good IP packet of another protocol */
  TF_IP_FRAGMENT_HELD,  /* a fragment, kept until its datagram completes */
  TF_IP_MALFORMED       /* short or lying header */
};

/* Decode pkt->link.l3 (IPv4 or IPv6 per pkt->link.ethertype). */
enum tf_ip_status Tf_ip_decode(struct tf_defrag *df, struct tf_packet *pkt);

/* Decode a TCP header at p (len bytes of IP payload) into pkt. */
enum tf_ip_status Tf_tcp_decode(const uint8_t *p, size_t len, struct tf_packet *pkt);

#endif
