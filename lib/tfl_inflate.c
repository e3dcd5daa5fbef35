/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Streaming zlib inflation shared by the http and gzip scanners (see
 * inflate.h).
 */
#include "tfl_inflate.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Enough to hold whatever may precede a zlib header error, so the raw
 * deflate retry can replay it. */
#define INFLATE_STASH 64
#define INFLATE_OUTBUF 16384

struct tfl_inflater {
  z_stream strm;
  int raw;          /* currently decoding raw deflate */
  int raw_fallback; /* a raw retry is still allowed */
  int mid_stream;   /* input was consumed since the last stream end */
  int stopped;
  enum tfl_inflate_status status;
  struct tfl_inflate_limits lim;
  tfl_inflate_sink_fn sink;
  void *arg;
  uint64_t in, out;
  uint8_t stash[INFLATE_STASH]; /* input seen before any output, for the retry */
  size_t stash_len;
};

const char *Tfl_inflate_status_name(enum tfl_inflate_status st)
{
  switch (st) {
  case TFL_INFLATE_OK: return "ok";
  case TFL_INFLATE_TRUNCATED: return "truncated";
  case TFL_INFLATE_CORRUPT: return "corrupt";
  case TFL_INFLATE_CAPPED: return "capped";
  case TFL_INFLATE_SINK_ERROR: return "write_error";
  }
  return "unknown";
}

static int inflate_start(struct tfl_inflater *z, int raw)
{
  memset(&z->strm, 0, sizeof(z->strm));
  z->raw = raw;
  /* 15+32: zlib picks gzip or zlib framing from the header itself. */
  return inflateInit2(&z->strm, raw ? -15 : 15 + 32) == Z_OK ? 0 : -1;
}

struct tfl_inflater *Tfl_inflate_new(int raw_fallback, const struct tfl_inflate_limits *lim,
                                    tfl_inflate_sink_fn sink, void *arg)
{
  struct tfl_inflater *z = calloc(1, sizeof(*z));
  if (!z)
    return NULL;
  z->raw_fallback = raw_fallback;
  z->lim = *lim;
  z->sink = sink;
  z->arg = arg;
  if (inflate_start(z, 0) != 0) {
    free(z);
    return NULL;
  }
  return z;
}

static void inflate_stop(struct tfl_inflater *z, enum tfl_inflate_status st)
{
  z->status = st;
  z->stopped = 1;
}

/* Hands decoded bytes to the sink, trimmed to the caps. */
static int inflate_emit(struct tfl_inflater *z, const uint8_t *buf, size_t n)
{
  uint64_t allowed = UINT64_MAX;
  int capped = 0;
  if (z->lim.max_out)
    allowed = z->lim.max_out;
  if (z->lim.max_ratio) {
    uint64_t by_ratio = z->in * (uint64_t)z->lim.max_ratio;
    if (by_ratio < TFL_INFLATE_RATIO_FLOOR)
      by_ratio = TFL_INFLATE_RATIO_FLOOR;
    if (by_ratio < allowed)
      allowed = by_ratio;
  }
  if (z->out + n > allowed) {
    n = allowed > z->out ? (size_t)(allowed - z->out) : 0;
    capped = 1;
  }
  if (n && z->sink(z->arg, buf, n) != 0) {
    inflate_stop(z, TFL_INFLATE_SINK_ERROR);
    return -1;
  }
  z->out += n;
  if (capped) {
    inflate_stop(z, TFL_INFLATE_CAPPED);
    return -1;
  }
  return 0;
}

/* Runs zlib over one input buffer; returns the zlib error that stopped it,
 * or Z_OK when all input was taken. */
static int inflate_run(struct tfl_inflater *z, const uint8_t *buf, size_t len)
{
  uint8_t out[INFLATE_OUTBUF];
  z_stream *s = &z->strm;
  s->next_in = (Bytef *)(uintptr_t)buf;
  s->avail_in = (uInt)len;
  while (!z->stopped) {
    uInt before = s->avail_in;
    int rc;
    s->next_out = out;
    s->avail_out = sizeof(out);
    if (s->avail_in)
      z->mid_stream = 1;
    rc = inflate(s, Z_NO_FLUSH);
    z->in += before - s->avail_in;
    if (sizeof(out) - s->avail_out > 0 && inflate_emit(z, out, sizeof(out) - s->avail_out) != 0)
      return Z_OK;
    if (rc == Z_STREAM_END) {
      z->mid_stream = 0;
      if (s->avail_in == 0)
        return Z_OK;
      /* Another gzip member follows (RFC 1952 allows several). */
      if (inflateReset(s) != Z_OK)
        return Z_MEM_ERROR;
      continue;
    }
    if (rc == Z_BUF_ERROR || (rc == Z_OK && s->avail_in == 0 && s->avail_out != 0))
      return Z_OK;
    if (rc != Z_OK)
      return rc;
  }
  return Z_OK;
}

int Tfl_inflate_feed(struct tfl_inflater *z, const uint8_t *buf, size_t len)
{
  int rc;
  if (z->stopped)
    return -1;
  if (len == 0)
    return 0;
  rc = inflate_run(z, buf, len);
  if (rc == Z_DATA_ERROR && z->raw_fallback && !z->raw && z->out == 0) {
    /* No zlib header: replay what came so far as raw deflate. */
    z->raw_fallback = 0;
    inflateEnd(&z->strm);
    z->in = 0;
    if (inflate_start(z, 1) != 0) {
      inflate_stop(z, TFL_INFLATE_CORRUPT);
      return -1;
    }
    rc = inflate_run(z, z->stash, z->stash_len);
    if (rc == Z_OK && !z->stopped)
      rc = inflate_run(z, buf, len);
  }
  if (z->stopped)
    return -1;
  if (rc != Z_OK) {
    inflate_stop(z, TFL_INFLATE_CORRUPT);
    return -1;
  }
  if (z->raw_fallback && z->out == 0) {
    if (z->stash_len + len <= sizeof(z->stash)) {
      memcpy(z->stash + z->stash_len, buf, len);
      z->stash_len += len;
    } else {
      z->raw_fallback = 0; /* too late for a header error anyway */
    }
  }
  return 0;
}

enum tfl_inflate_status Tfl_inflate_finish(struct tfl_inflater *z)
{
  if (!z->stopped && z->mid_stream)
    inflate_stop(z, TFL_INFLATE_TRUNCATED);
  return z->status;
}

uint64_t Tfl_inflate_out(const struct tfl_inflater *z)
{
  return z->out;
}

uint64_t Tfl_inflate_in(const struct tfl_inflater *z)
{
  return z->in;
}

void Tfl_inflate_free(struct tfl_inflater *z)
{
  if (!z)
    return;
  inflateEnd(&z->strm);
  free(z);
}
