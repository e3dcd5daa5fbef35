/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Streaming zlib inflation shared by the http and gzip scanners: one
 * decoder that auto-detects gzip/zlib framing, can fall back to raw deflate,
 * follows multi-member gzip streams and stops at a size or ratio cap so that
 * a decompression bomb cannot fill the disk.
 */
#ifndef TFL_INFLATE_H
#define TFL_INFLATE_H

#include <stddef.h>
#include <stdint.h>

enum tfl_inflate_status {
  TFL_INFLATE_OK = 0,     /* every stream that started also ended */
  TFL_INFLATE_TRUNCATED,  /* the input ended inside a stream */
  TFL_INFLATE_CORRUPT,    /* zlib rejected the data */
  TFL_INFLATE_CAPPED,     /* output stopped at the size or ratio cap */
  TFL_INFLATE_SINK_ERROR  /* the sink refused the output */
};

/* Receives decoded bytes; returns 0, or -1 to stop decoding. */
typedef int (*tfl_inflate_sink_fn)(void *arg, const uint8_t *buf, size_t len);

struct tfl_inflate_limits {
  uint64_t max_out;   /* bytes; 0 = unlimited */
  uint32_t max_ratio; /* decoded/encoded once past TFL_INFLATE_RATIO_FLOOR; 0 = off */
};

/* Output below this size is never ratio-capped: small highly repetitive
 * bodies (a page of spaces) are legitimate. */
#define TFL_INFLATE_RATIO_FLOOR (1024u * 1024u)

struct tfl_inflater;

/* raw_fallback: retry as raw deflate when the data has no zlib/gzip header
 * (HTTP "deflate" is sent both ways in the wild).  NULL when out of memory. */
struct tfl_inflater *Tfl_inflate_new(int raw_fallback, const struct tfl_inflate_limits *lim,
                                    tfl_inflate_sink_fn sink, void *arg);
/* Feeds input; returns 0 to go on, -1 once decoding has stopped (the status
 * says why; later input is ignored). */
int Tfl_inflate_feed(struct tfl_inflater *z, const uint8_t *buf, size_t len);
/* End of input: final status. */
enum tfl_inflate_status Tfl_inflate_finish(struct tfl_inflater *z);
uint64_t Tfl_inflate_out(const struct tfl_inflater *z);
uint64_t Tfl_inflate_in(const struct tfl_inflater *z);
void Tfl_inflate_free(struct tfl_inflater *z);

/* "ok", "truncated", "corrupt", "capped", "write_error". */
const char *Tfl_inflate_status_name(enum tfl_inflate_status st);

#endif
