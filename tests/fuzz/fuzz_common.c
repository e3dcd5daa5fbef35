/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* Scratch directories for the harnesses (see fuzz.h). */
#define _GNU_SOURCE
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_SCRATCH 4
static char scratch[MAX_SCRATCH][256];
static int nscratch;

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  /* Level 0 is the directory itself, which stays. */
  if (ftw->level > 0)
    remove(path);
  return 0;
}

void Fuzz_empty_dir(const char *dir)
{
  nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_all(void)
{
  for (int i = 0; i < nscratch; i++) {
    Fuzz_empty_dir(scratch[i]);
    remove(scratch[i]);
  }
}

const char *Fuzz_scratch_dir(const char *tag)
{
  const char *tmp = getenv("TMPDIR");
  char *d;
  if (nscratch == MAX_SCRATCH)
    abort();
  d = scratch[nscratch];
  snprintf(d, sizeof(scratch[0]), "%s/tf-fuzz-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
  if (!mkdtemp(d)) {
    perror(d);
    abort();
  }
  if (nscratch++ == 0)
    atexit(remove_all);
  return d;
}
