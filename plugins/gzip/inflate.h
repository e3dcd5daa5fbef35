/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Streaming zlib inflation shared by the http and gzip scanners: one
 * decoder that auto-detects gzip/zlib framing, can fall back to raw deflate,
 * follows multi-member gzip streams and stops at a size or ratio cap so that
 * a decompression bomb cannot fill the disk.
 */
#ifndef TF_GZ_INFLATE_H
#define TF_GZ_INFLATE_H

#include <stddef.h>
#include <stdint.h>

enum gz_status {
  GZ_OK = 0,     /* every stream that started also ended */
  GZ_TRUNCATED,  /* the input ended inside a stream */
  GZ_CORRUPT,    /* zlib rejected the data */
  GZ_CAPPED,     /* output stopped at the size or ratio cap */
  GZ_SINK_ERROR  /* the sink refused the output */
};

/* Receives decoded bytes; returns 0, or -1 to stop decoding. */
typedef int (*gz_sink_fn)(void *arg, const uint8_t *buf, size_t len);

struct gz_limits {
  uint64_t max_out;   /* bytes; 0 = unlimited */
  uint32_t max_ratio; /* decoded/encoded once past GZ_RATIO_FLOOR; 0 = off */
};

/* Output below this size is never ratio-capped: small highly repetitive
 * bodies (a page of spaces) are legitimate. */
#define GZ_RATIO_FLOOR (1024u * 1024u)

struct gz_inflater;

/* raw_fallback: retry as raw deflate when the data has no zlib/gzip header
 * (HTTP "deflate" is sent both ways in the wild).  NULL when out of memory. */
struct gz_inflater *Gz_inflater_new(int raw_fallback, const struct gz_limits *lim,
                                    gz_sink_fn sink, void *arg);
/* Feeds input; returns 0 to go on, -1 once decoding has stopped (the status
 * says why; later input is ignored). */
int Gz_inflater_feed(struct gz_inflater *z, const uint8_t *buf, size_t len);
/* End of input: final status. */
enum gz_status Gz_inflater_finish(struct gz_inflater *z);
uint64_t Gz_inflater_out(const struct gz_inflater *z);
uint64_t Gz_inflater_in(const struct gz_inflater *z);
void Gz_inflater_free(struct gz_inflater *z);

/* "ok", "truncated", "corrupt", "capped", "write_error". */
const char *Gz_status_name(enum gz_status st);

#endif
