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

static char *options;       /* malloc'd, grows */
static size_t options_len;
static struct shard_input *inputs;
static size_t ninputs, inputs_cap;

static void shard_append(const char *s)
{
  size_t n = strlen(s);
  char *p = realloc(options, options_len + n + 2);
  if (!p)
    return; /* the comparison will then fail: better than a crash */
  options = p;
  if (options_len)
    options[options_len++] = ' ';
  memcpy(options + options_len, s, n + 1);
  options_len += n;
}

void Tf_shard_add_option(const char *name, const char *arg)
{
  shard_append(name);
  if (arg)
    shard_append(arg);
}

void Tf_shard_add_input(const char *path, int continuation)
{
  if (ninputs == inputs_cap) {
    size_t cap = inputs_cap ? inputs_cap * 2 : 8;
    struct shard_input *n = realloc(inputs, cap * sizeof(*n));
    if (!n)
      return;
    inputs = n;
    inputs_cap = cap;
  }
  inputs[ninputs].path = path;
  inputs[ninputs].continuation = continuation;
  ninputs++;
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
  static uint8_t buf[SAMPLE];
  uint64_t h = 0xcbf29ce484222325ULL;
  uint8_t size_be[8];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n;
  if (fd < 0)
    return 0;
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
  return h;
}

static void shard_attr_u64(const char *name, unsigned long long v)
{
  char buf[32];
  snprintf(buf, sizeof(buf), "%llu", v);
  Tf_report_elem_attr(name, buf);
}

void Tf_shard_write_provenance(void)
{
  char buf[64];
  Tf_report_elem_start("tcpflow:partition");
  Tf_report_elem_attr("mode", tf_opt.fanout_group ? "fanout" : "shard");
  shard_attr_u64("index", tf_opt.part_index);
  shard_attr_u64("count", tf_opt.part_count);
  Tf_report_elem_attr("hash", TF_PARTITION_HASH);
  Tf_report_elem_attr("outdir", tf_opt.outdir);
  Tf_report_elem_attr("options", options ? options : "");
  Tf_report_elem_attr("filter", tf_opt.filter ? tf_opt.filter : "");
  for (size_t i = 0; i < ninputs; i++) {
    struct stat st;
    const char *base = strrchr(inputs[i].path, '/');
    Tf_report_elem_start("tcpflow:input");
    Tf_report_elem_attr("kind", inputs[i].continuation ? "R" : "r");
    Tf_report_elem_attr("name", base ? base + 1 : inputs[i].path);
    Tf_report_elem_attr("path", inputs[i].path);
    if (strcmp(inputs[i].path, "-") != 0 && stat(inputs[i].path, &st) == 0) {
      shard_attr_u64("size", (unsigned long long)st.st_size);
      snprintf(buf, sizeof(buf), "%lld.%09ld", (long long)st.st_mtim.tv_sec,
               (long)st.st_mtim.tv_nsec);
      Tf_report_elem_attr("mtime", buf);
      snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)shard_digest(inputs[i].path, &st));
      Tf_report_elem_attr("digest", buf);
    }
    Tf_report_elem_end();
  }
  Tf_report_elem_end();
}

void Tf_shard_free(void)
{
  free(options);
  options = NULL;
  options_len = 0;
  free(inputs);
  inputs = NULL;
  ninputs = inputs_cap = 0;
}
