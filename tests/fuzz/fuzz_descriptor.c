/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The plugin loader's descriptor validation (host/loader.c) fed hostile
 * descriptors: wrong ABI numbers, struct_size smaller or larger than the
 * struct (the descriptor is allocated with only the bytes it claims, so
 * reading a member it does not have is caught), NULL, empty, overlong and
 * non-[a-z0-9_] names, settings tables that are long, have empty, '='-
 * holding, overlong or duplicate names or names the host or the other
 * module already declared.  Loading goes through Tf_plugins_discover on
 * copies of desc_shim.so; then -hh, -a selection, start and shutdown run
 * on whatever was accepted.
 *
 * Input: 1 byte (module count 0-3), then per descriptor: abi_major,
 * abi_minor, struct_size (2 bytes, relative to the real size), flags,
 * name, version, description (each a length byte, 255 = NULL, then the
 * bytes), settings count (2 bytes, up to 300), and per setting a name in
 * the same form (its default and help are fixed).  Missing bytes read as 0.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tcpflow/scanner.h>

#include "fuzz.h"
#include "dispatch.h"
#include "loader.h"
#include "log.h"
#include "options.h"
#include "plugins.h"
#include "run.h"

#ifndef SHIM_PATH
#error "SHIM_PATH must name the built desc_shim.so"
#endif

#define MAX_MODS 3

/* The options of the harness's run (the program keeps its own in main()). */
static struct tf_options tf_opt;
static struct tf_plugins *plugins; /* the registry, kept across inputs */
static struct tf_run run;

struct reader {
  const uint8_t *p;
  size_t left;
};

static struct tfs_scanner *descs[MAX_MODS];
static struct tfs_setting *tables[MAX_MODS];
static char **strings;
static size_t nstrings, capstrings;
static int ndescs;
static FILE *devnull;

static const struct tfs_setting host_table[] = {
  {"tcp_timeout", "0", "host"},
  {"max_bytes", "0", "host"},
  {NULL, NULL, NULL},
};

static const char *const shim_names[MAX_MODS] = {"alpha.so", "beta.so", "gamma.so"};

/* The descriptor of the copy at module_path (alpha, beta, gamma). */
const struct tfs_scanner *Fuzz_descriptor_for(const char *module_path);
const struct tfs_scanner *Fuzz_descriptor_for(const char *module_path)
{
  const char *base = strrchr(module_path, '/');
  base = base ? base + 1 : module_path;
  for (int k = 0; k < ndescs; k++)
    if (strcmp(base, shim_names[k]) == 0)
      return descs[k];
  return NULL;
}

static unsigned rd8(struct reader *r)
{
  if (!r->left)
    return 0;
  r->left--;
  return *r->p++;
}

static void *must(void *p)
{
  if (!p)
    abort();
  return p;
}

/* A NUL-terminated copy in a buffer of exactly its size, or NULL (255). */
static const char *rd_str(struct reader *r)
{
  unsigned n = rd8(r);
  char *s;
  if (n == 255)
    return NULL;
  if (n > r->left)
    n = (unsigned)r->left;
  s = must(malloc(n + 1));
  memcpy(s, r->p, n);
  s[n] = '\0';
  r->p += n;
  r->left -= n;
  if (nstrings == capstrings) {
    capstrings = capstrings ? capstrings * 2 : 64;
    strings = must(realloc(strings, capstrings * sizeof(*strings)));
  }
  strings[nstrings++] = s;
  return s;
}

static struct tfs_scanner *rd_desc(struct reader *r, int k)
{
  struct tfs_scanner d;
  unsigned size_sel, nset;
  size_t alloc;
  struct tfs_scanner *out;
  memset(&d, 0, sizeof(d));
  /* Mostly the right ABI, so the later checks are reached. */
  d.abi_major = (uint16_t)(rd8(r) % 4 == 3 ? 2 : 1);
  d.abi_minor = (uint16_t)(rd8(r) % 3 == 2 ? 7 : 0);
  size_sel = rd8(r) << 8;
  size_sel |= rd8(r);
  /* 0..255 below the real size, the real size, or larger. */
  if (size_sel < 0x8000)
    d.struct_size = (uint32_t)sizeof(d);
  else if (size_sel < 0xc000)
    d.struct_size = (uint32_t)(sizeof(d) - (size_sel & 0xff) % sizeof(d));
  else
    d.struct_size = (uint32_t)sizeof(d) + (size_sel & 0x3fff);
  d.flags = rd8(r);
  d.name = rd_str(r);
  d.version = rd_str(r);
  d.description = rd_str(r);
  nset = rd8(r) << 8;
  nset |= rd8(r);
  if (nset & 0x8000) {
    d.settings = NULL;
  } else {
    nset %= 301;
    tables[k] = must(calloc(nset + 1, sizeof(struct tfs_setting)));
    for (unsigned i = 0; i < nset; i++) {
      const char *name = rd_str(r);
      tables[k][i].name = name ? name : "";
      tables[k][i].default_value = i & 1 ? NULL : "1";
      tables[k][i].help = i & 2 ? NULL : "help";
    }
    d.settings = tables[k];
  }
  /* Only the bytes the descriptor claims (at least its 8-byte header). */
  alloc = d.struct_size < sizeof(d) ? d.struct_size : sizeof(d);
  if (alloc < 8)
    alloc = 8;
  out = must(malloc(alloc));
  memcpy(out, &d, alloc);
  return out;
}

static void copy_file(const char *from, const char *to)
{
  char buf[65536];
  ssize_t n;
  int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0755);
  if (in < 0 || out < 0) {
    perror(in < 0 ? from : to);
    abort();
  }
  while ((n = read(in, buf, sizeof(buf))) > 0)
    if (write(out, buf, (size_t)n) != n)
      abort();
  close(in);
  close(out);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  const char *dir = Fuzz_scratch_dir("desc");
  char path[400];
  for (int i = 0; i < MAX_MODS; i++) {
    snprintf(path, sizeof(path), "%s/%s", dir, shim_names[i]);
    copy_file(SHIM_PATH, path);
  }
  Tf_options_defaults(&tf_opt);
  tf_opt.outdir = dir;
  plugins = must(Tf_plugins_new());
  Tf_run_init(&run, &tf_opt);
  run.plugins = plugins;
  Tf_plugins_add_dir(plugins, dir);
  Tf_plugins_set_host_settings(plugins, host_table);
  Tf_log_set_quiet(1); /* the loader warns about every refused module */
  Tf_plugins_cmd_all(plugins); /* the command list only grows: one -a for all runs */
  /* In process, so that the sanitizers see the reading of each descriptor. */
  Tf_plugins_set_probe_in_process(plugins);
  devnull = must(fopen("/dev/null", "w"));
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct reader r = {data, size};
  ndescs = (int)(rd8(&r) % (MAX_MODS + 1));
  for (int k = 0; k < ndescs; k++)
    descs[k] = rd_desc(&r, k);
  Tf_plugins_discover(plugins);
  Tf_plugins_print_help(plugins, devnull);
  (void)Tf_plugins_setting_known(plugins, "tcp_timeout");
  (void)Tf_plugins_setting_known(plugins, "x");
  if (Tf_plugins_select(plugins) == TF_OK && Tf_dispatch_start(&run) == TF_OK) {
    (void)Tf_dispatch_want_data(&run);
    (void)Tf_dispatch_want_packets(&run);
    Tf_dispatch_run_end(&run);
  }
  Tf_dispatch_fini(&run);
  Tf_plugins_shutdown(plugins);
  for (int k = 0; k < ndescs; k++) {
    free(descs[k]);
    free(tables[k]);
    tables[k] = NULL;
  }
  for (size_t i = 0; i < nstrings; i++)
    free(strings[i]);
  nstrings = 0;
  return 0;
}
