/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * IPv4 and IPv6 fragment reassembly with bounded memory: a fixed number of
 * datagrams in progress, each at most 64 KiB, dropped after a timeout in
 * packet time.  Overlapping fragments drop the whole datagram (RFC 5722 for
 * IPv6; for IPv4 overlaps are the mark of evasion attacks, never of real
 * senders).  The defragmenter owns its buffers; a completed datagram stays
 * valid until the next call.
 */
#ifndef TFL_DEFRAG_H
#define TFL_DEFRAG_H

#include <stddef.h>
#include <stdint.h>

struct tfl_defrag;

struct tfl_frag {
  int family;            /* 4 or 6 */
  const uint8_t *src;    /* 4 or 16 bytes */
  const uint8_t *dst;
  uint32_t id;
  uint8_t proto;         /* transport protocol */
  uint32_t offset;       /* in bytes */
  int more;              /* more fragments follow */
  const uint8_t *data;   /* fragment payload */
  size_t len;
  int64_t now;           /* packet time, seconds */
};

struct tfl_defrag *Tfl_defrag_new(void);
void Tfl_defrag_free(struct tfl_defrag *df);

/* Returns 1 and sets *out, *out_len, *out_proto when this fragment completes
 * a datagram; 0 when it is held; -1 when it was dropped (malformed,
 * overlapping or too large). */
int Tfl_defrag_add(struct tfl_defrag *df, const struct tfl_frag *frag, const uint8_t **out,
                  size_t *out_len, uint8_t *out_proto);

/* Datagrams dropped so far (timeouts, overlaps, evictions). */
uint64_t Tfl_defrag_dropped(const struct tfl_defrag *df);

#endif
