/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Plain replay driver: links with a harness instead of libFuzzer so that
 * every seed and every past crash runs in the normal test suite (and under
 * the sanitizers with --enable-sanitizers).  Arguments are files or
 * directories (one level deep); each file is one input.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  uint8_t *buf;
  long n;
  if (!f) {
    perror(path);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  /* An exact-size copy: ASan then catches reads one past the input. */
  buf = malloc(n > 0 ? (size_t)n : 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    fprintf(stderr, "%s: read error\n", path);
    fclose(f);
    free(buf);
    return 1;
  }
  fclose(f);
  LLVMFuzzerTestOneInput(buf, (size_t)n);
  free(buf);
  return 0;
}

static int run_path(const char *path, int *count)
{
  struct stat st;
  struct dirent **list;
  int n, bad = 0;
  if (stat(path, &st) != 0) {
    perror(path);
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    (*count)++;
    return run_file(path);
  }
  n = scandir(path, &list, NULL, alphasort);
  for (int i = 0; i < n; i++) {
    char sub[4096];
    if (list[i]->d_name[0] != '.') {
      snprintf(sub, sizeof(sub), "%s/%s", path, list[i]->d_name);
      if (stat(sub, &st) == 0 && S_ISREG(st.st_mode)) {
        (*count)++;
        bad |= run_file(sub);
      }
    }
    free(list[i]);
  }
  free(list);
  return n < 0 ? 1 : bad;
}

int main(int argc, char **argv)
{
  int bad = 0, count = 0;
  LLVMFuzzerInitialize(&argc, &argv);
  for (int i = 1; i < argc; i++)
    bad |= run_path(argv[i], &count);
  printf("%s: replayed %d inputs\n", argv[0], count);
  return bad ? 1 : 0;
}
