/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * One captured frame as it moves through the decoders.  Lives on the stack
 * of the capture loop; every pointer borrows the capture buffer (or the
 * defragmenter's buffer) for the length of one packet's processing.
 */
#ifndef TFL_PACKET_H
#define TFL_PACKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "tfl_link.h"

#define TFL_TCP_FIN 0x01
#define TFL_TCP_SYN 0x02
#define TFL_TCP_RST 0x04
#define TFL_TCP_PSH 0x08
#define TFL_TCP_ACK 0x10

struct tfl_packet {
  /* capture */
  int dlt;
  struct timeval ts;     /* tdelta applied */
  uint32_t nsec;         /* ts's fraction of a second in nanoseconds, as
                            captured (ts.tv_usec is it / 1000) */
  uint32_t caplen;
  uint32_t wirelen;
  const uint8_t *frame;
  struct tfl_link_result link;
  /* IP */
  int family;            /* 4 or 6 */
  uint8_t src[16];
  uint8_t dst[16];
  /* TCP */
  uint16_t sport;
  uint16_t dport;
  uint32_t seq;
  uint32_t ack;
  uint8_t flags;
  const uint8_t *payload;
  size_t payload_len;
};

#endif
