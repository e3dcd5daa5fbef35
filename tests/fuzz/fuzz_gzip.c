/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The inflate helper shared by the http and gzip scanners, with its caps,
 * and the gzip scanner through its descriptor.  Input layout:
 *   byte 0   bit0 raw-deflate fallback, bit1 small size cap, bit2 ratio cap,
 *            bit3 gaps allowed in the scanner's replay
 *   byte 1   feed size for the inflater (0: all at once)
 *   rest     the compressed stream (also the flow given to the scanner)
 * Both caps are checked: no sink may receive more than max_out bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tfl_inflate.h"
#include "fuzz.h"
#include "scanhost.h"

const struct tfs_scanner *tcpflow_scanner_describe(void);

#define SMALL_CAP 5000
static const char *dir;
static volatile uint8_t sink_x;

struct sink {
  uint64_t got;
  uint64_t cap;
};

static int sink_fn(void *arg, const uint8_t *buf, size_t len)
{
  struct sink *s = arg;
  uint8_t x = 0;
  for (size_t i = 0; i < len; i++)
    x ^= buf[i];
  sink_x ^= x;
  s->got += len;
  if (s->cap && s->got > s->cap) {
    fprintf(stderr, "inflater wrote %llu bytes past a cap of %llu\n",
            (unsigned long long)s->got, (unsigned long long)s->cap);
    abort();
  }
  return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  dir = Fuzz_scratch_dir("gzip");
  return 0;
}

static void run_inflater(int cfg, size_t feed, const uint8_t *z, size_t n)
{
  struct tfl_inflate_limits lim = {cfg & 2 ? SMALL_CAP : 64u << 20, cfg & 4 ? 3 : 0};
  struct sink s = {0, lim.max_out};
  struct tfl_inflater *inf = Tfl_inflate_new(cfg & 1, &lim, sink_fn, &s);
  size_t off = 0;
  enum tfl_inflate_status st;
  if (!inf)
    return;
  if (!feed)
    feed = n ? n : 1;
  while (off < n) {
    size_t k = n - off < feed ? n - off : feed;
    uint8_t *piece = malloc(k); /* exact size: overreads are caught */
    int rc;
    memcpy(piece, z + off, k);
    rc = Tfl_inflate_feed(inf, piece, k);
    free(piece);
    if (rc != 0)
      break;
    off += k;
  }
  st = Tfl_inflate_finish(inf);
  if (Tfl_inflate_out(inf) != s.got || !Tfl_inflate_status_name(st))
    abort();
  Tfl_inflate_free(inf);
}

static void run_scanner(int cfg, const uint8_t *plan, size_t plan_len, const uint8_t *z, size_t n)
{
  const struct tfs_scanner *sc = tcpflow_scanner_describe();
  struct tfs_flow_info f;
  void *state;
  Sh_begin(sc, dir);
  Sh_track_output("-GZIP");
  if (cfg & 2)
    Sh_set("gzip_max_decompressed", "5000");
  if (Sh_init(&state) != TFS_OK)
    abort();
  f = Sh_flow(0, 0, 0);
  Sh_replay(state, &f, z, n, plan, plan_len, cfg & 8);
  if ((cfg & 2) && Sh_max_output() > SMALL_CAP) {
    fprintf(stderr, "-GZIP file of %llu bytes past gzip_max_decompressed=5000\n",
            (unsigned long long)Sh_max_output());
    abort();
  }
  Sh_end(state);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 2)
    return 0;
  run_inflater(data[0], data[1], data + 2, size - 2);
  run_scanner(data[0], data + 1, 1, data + 2, size - 2);
  return 0;
}
