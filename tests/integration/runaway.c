/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * A scanner that ends or holds up the run behind the host's back, and one
 * that asks for colliding derived files, for tests/integration/containment.sh.
 * -S runaway_mode= picks what it does on the first flow with data:
 *   exit        exit(0) in flow_close
 *   loop        an endless loop in flow_data (after creating the file
 *               named by runaway_marker, so the test knows it is stuck)
 *   twice       opens the derived suffix runaway_suffix twice
 *   suffix      opens runaway_suffix once per flow and writes "runaway"
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tcpflow/scanner.h>

struct rw_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  const char *mode, *suffix, *marker;
  int done;
};

#ifndef RUNAWAY_DEFAULT_MODE
#define RUNAWAY_DEFAULT_MODE ""
#endif

static const struct tfs_setting rw_settings[] = {
    {"runaway_mode", RUNAWAY_DEFAULT_MODE, "exit, loop, twice or suffix"},
    {"runaway_suffix", "-RUNAWAY", "derived file suffix for twice and suffix"},
    {"runaway_marker", "", "file created when the loop starts"},
    {NULL, NULL, NULL}};

/* Static, not allocated: a scanner stopped in a hang never gets fini, and
 * its memory would be a leak the sanitizer runs report. */
static struct rw_state rw_storage;

static int rw_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  struct rw_state *st = &rw_storage;
  memset(st, 0, sizeof(*st));
  st->host = host;
  st->ctx = ctx;
  st->mode = host->setting(ctx, "runaway_mode");
  st->suffix = host->setting(ctx, "runaway_suffix");
  st->marker = host->setting(ctx, "runaway_marker");
  *state = st;
  return TFS_OK;
}

static int rw_data(void *state, const struct tfs_flow_info *flow, uint64_t offset,
                   const uint8_t *data, size_t len)
{
  struct rw_state *st = state;
  tfs_output *a = NULL, *b = NULL;
  (void)data;
  (void)len;
  if (offset != 0)
    return TFS_OK;
  if (strcmp(st->mode, "loop") == 0 && !st->done) {
    volatile unsigned long spin = 0;
    int fd = open(st->marker, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0)
      close(fd);
    for (;;)
      spin++;
  }
  if (strcmp(st->mode, "twice") == 0 && !st->done) {
    st->done = 1;
    if (st->host->output_open(st->ctx, flow, st->suffix, &a) != TFS_OK)
      return TFS_ERROR;
    st->host->output_write(a, "first", 5);
    if (st->host->output_open(st->ctx, flow, st->suffix, &b) == TFS_OK) {
      st->host->output_write(b, "second", 6);
      st->host->output_close(b, 1);
    }
    st->host->output_close(a, 1);
  }
  if (strcmp(st->mode, "suffix") == 0 &&
      st->host->output_open(st->ctx, flow, st->suffix, &a) == TFS_OK) {
    st->host->output_write(a, "runaway", 7);
    st->host->output_close(a, 1);
  }
  return TFS_OK;
}

static int rw_close(void *state, const struct tfs_flow_info *flow)
{
  struct rw_state *st = state;
  if (strcmp(st->mode, "exit") == 0 && flow->length > 0)
    exit(0);
  return TFS_OK;
}

static void rw_fini(void *state)
{
  (void)state;
}

static const struct tfs_scanner runaway = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = "runaway",
    .version = "1",
    .description = "test scanner that exits, hangs or collides",
    .flags = TFS_SCANNER_WANTS_DATA,
    .settings = rw_settings,
    .init = rw_init,
    .flow_data = rw_data,
    .flow_close = rw_close,
    .fini = rw_fini,
};

TFS_SCANNER_ENTRY(runaway)
