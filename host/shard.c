/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The provenance of a partitioned run (shard.h).  The options string keeps
 * the command-line order of the options that change names, bytes or the
 * report; -o, -X, -d, -v, -q, -f, -j, --shard, --fanout, -U, -z and
 * --plugin-dir do not, so shards may differ in them.  The input digest is
 * cheap on purpose (a terabyte capture set is not read twice): FNV-1a 64
 * over the size and the first and last 64 KiB.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "options.h"
#include "partition.h"
#include "report.h"
#include "shard.h"

#define SAMPLE (64 * 1024)

struct shard_input {
  const char *path;
  int continuation;
};

/* What a partitioned run records of its command line; owned by main.c's
 * command line (Tf_shard_new, Tf_shard_free). */
struct tf_shard {
  const struct tf_options *opt;
  char *options;              /* malloc'd, grows */
  size_t options_len;
  struct shard_input *inputs; /* malloc'd, grows */
  size_t ninputs, inputs_cap;
};

struct tf_shard *Tf_shard_new(const struct tf_options *opt)
{
  struct tf_shard *sh = calloc(1, sizeof(*sh));
  if (sh)
    sh->opt = opt;
  return sh;
}

static void shard_append(struct tf_shard *sh, const char *s)
{
  size_t n = strlen(s);
  char *p = realloc(sh->options, sh->options_len + n + 2);
  if (!p)
    return; /* the comparison will then fail: better than a crash */
  sh->options = p;
  if (sh->options_len)
    sh->options[sh->options_len++] = ' ';
  memcpy(sh->options + sh->options_len, s, n + 1);
  sh->options_len += n;
}

void Tf_shard_add_option(struct tf_shard *sh, const char *name, const char *arg)
{
  shard_append(sh, name);
  if (arg)
    shard_append(sh, arg);
}

void Tf_shard_add_input(struct tf_shard *sh, const char *path, int continuation)
{
  if (sh->ninputs == sh->inputs_cap) {
    size_t cap = sh->inputs_cap ? sh->inputs_cap * 2 : 8;
    struct shard_input *n = realloc(sh->inputs, cap * sizeof(*n));
    if (!n)
      return;
    sh->inputs = n;
    sh->inputs_cap = cap;
  }
  sh->inputs[sh->ninputs].path = path;
  sh->inputs[sh->ninputs].continuation = continuation;
  sh->ninputs++;
}

static uint64_t shard_fnv(uint64_t h, const uint8_t *p, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

/* 0 when the file cannot be read (standard input, gone): then only the
 * name is compared. */
static uint64_t shard_digest(const char *path, const struct stat *st)
{
  uint64_t h = 0xcbf29ce484222325ULL;
  uint8_t size_be[8];
  uint8_t *buf = malloc(SAMPLE);
  int fd = buf ? open(path, O_RDONLY | O_CLOEXEC) : -1;
  ssize_t n;
  if (fd < 0) {
    free(buf);
    return 0;
  }
  for (int i = 0; i < 8; i++)
    size_be[i] = (uint8_t)((uint64_t)st->st_size >> (56 - 8 * i));
  h = shard_fnv(h, size_be, sizeof(size_be));
  n = pread(fd, buf, SAMPLE, 0);
  if (n > 0)
    h = shard_fnv(h, buf, (size_t)n);
  if (st->st_size > SAMPLE) {
    off_t at = st->st_size > 2 * SAMPLE ? st->st_size - SAMPLE : SAMPLE;
    n = pread(fd, buf, SAMPLE, at);
    if (n > 0)
      h = shard_fnv(h, buf, (size_t)n);
  }
  close(fd);
  free(buf);
  return h;
}

static void shard_attr_u64(struct tf_report *rep, const char *name, unsigned long long v)
{
  char buf[32];
  snprintf(buf, sizeof(buf), "%llu", v);
  Tf_report_elem_attr(rep, name, buf);
}

void Tf_shard_write_provenance(struct tf_report *rep, void *arg)
{
  const struct tf_shard *sh = arg;
  char buf[64];
  Tf_report_elem_start(rep, "tcpflow:partition");
  Tf_report_elem_attr(rep, "mode", sh->opt->fanout_group ? "fanout" : "shard");
  shard_attr_u64(rep, "index", sh->opt->part_index);
  shard_attr_u64(rep, "count", sh->opt->part_count);
  Tf_report_elem_attr(rep, "hash", TF_PARTITION_HASH);
  Tf_report_elem_attr(rep, "outdir", sh->opt->outdir);
  Tf_report_elem_attr(rep, "options", sh->options ? sh->options : "");
  Tf_report_elem_attr(rep, "filter", sh->opt->filter ? sh->opt->filter : "");
  for (size_t i = 0; i < sh->ninputs; i++) {
    struct stat st;
    const char *base = strrchr(sh->inputs[i].path, '/');
    Tf_report_elem_start(rep, "tcpflow:input");
    Tf_report_elem_attr(rep, "kind", sh->inputs[i].continuation ? "R" : "r");
    Tf_report_elem_attr(rep, "name", base ? base + 1 : sh->inputs[i].path);
    Tf_report_elem_attr(rep, "path", sh->inputs[i].path);
    if (strcmp(sh->inputs[i].path, "-") != 0 && stat(sh->inputs[i].path, &st) == 0) {
      shard_attr_u64(rep, "size", (unsigned long long)st.st_size);
      snprintf(buf, sizeof(buf), "%lld.%09ld", (long long)st.st_mtim.tv_sec,
               (long)st.st_mtim.tv_nsec);
      Tf_report_elem_attr(rep, "mtime", buf);
      snprintf(buf, sizeof(buf), "%016llx",
               (unsigned long long)shard_digest(sh->inputs[i].path, &st));
      Tf_report_elem_attr(rep, "digest", buf);
    }
    Tf_report_elem_end(rep);
  }
  Tf_report_elem_end(rep);
}

void Tf_shard_free(struct tf_shard *sh)
{
  if (!sh)
    return;
  free(sh->options);
  free(sh->inputs);
  free(sh);
}
