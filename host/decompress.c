/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * External decompressors for whole-file compressed captures (see
 * decompress.h).  The table keeps the suffixes 1.6.1 knew; the child gets
 * SIGPIPE back to its default so that closing the pipe early (a signal, an
 * error in the capture) ends it quietly.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "decompress.h"

extern char **environ;

struct decompressor {
  const char *suffix;
  const char *text;     /* for messages */
  const char *argv[5];  /* NULL-terminated; the path is appended when by_path */
  int by_path;          /* unzip needs the file name, not standard input */
};

static const struct decompressor decompressors[] = {
    {".gz", "gzip -dc", {"gzip", "-dc", NULL}, 0},
    {".bz2", "bzip2 -dc", {"bzip2", "-dc", NULL}, 0},
    {".xz", "xz -dc", {"xz", "-dc", NULL}, 0},
    {".lzma", "xz -dc --format=lzma", {"xz", "-dc", "--format=lzma", NULL}, 0},
    {".zip", "unzip -p", {"unzip", "-p", NULL}, 1},
};

static const struct decompressor *decompress_find(const char *path)
{
  size_t n = strlen(path);
  for (size_t i = 0; i < sizeof(decompressors) / sizeof(decompressors[0]); i++) {
    size_t k = strlen(decompressors[i].suffix);
    if (n > k && strcmp(path + n - k, decompressors[i].suffix) == 0)
      return &decompressors[i];
  }
  return NULL;
}

const char *Tf_decompress_command(const char *path)
{
  const struct decompressor *d = decompress_find(path);
  return d ? d->text : NULL;
}

FILE *Tf_decompress_open(const char *path, pid_t *pid, char *err, size_t errlen)
{
  const struct decompressor *d = decompress_find(path);
  char *argv[8];
  char dotted[4200];
  int pipefd[2], in, rc, n = 0;
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t attr;
  sigset_t defaults;
  FILE *fp;
  if (!d) {
    snprintf(err, errlen, "not a compressed file");
    return NULL;
  }
  /* Opened here so that a missing or unreadable file is our own clear
   * error, not the decompressor's. */
  in = open(path, O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    snprintf(err, errlen, "%s", strerror(errno));
    return NULL;
  }
  if (pipe2(pipefd, O_CLOEXEC) != 0) {
    snprintf(err, errlen, "cannot make a pipe for %s: %s", d->text, strerror(errno));
    close(in);
    return NULL;
  }
  for (int i = 0; d->argv[i]; i++)
    argv[n++] = (char *)d->argv[i];
  if (d->by_path) {
    /* A name starting with '-' must not read as an option. */
    snprintf(dotted, sizeof(dotted), "%s%s", path[0] == '-' ? "./" : "", path);
    argv[n++] = dotted;
  }
  argv[n] = NULL;
  assert(argv[0] != NULL); /* every row of the table names its program */
  posix_spawn_file_actions_init(&fa);
  if (!d->by_path)
    posix_spawn_file_actions_adddup2(&fa, in, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
  posix_spawnattr_init(&attr);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  rc = posix_spawnp(pid, argv[0], &fa, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(in);
  close(pipefd[1]);
  if (rc != 0) {
    snprintf(err, errlen, "cannot run %s: %s", d->text, strerror(rc));
    close(pipefd[0]);
    return NULL;
  }
  fp = fdopen(pipefd[0], "rb");
  if (!fp) {
    snprintf(err, errlen, "cannot read from %s: %s", d->text, strerror(errno));
    close(pipefd[0]);
    (void)Tf_decompress_wait(*pid, err, 0); /* reaped; its status does not matter now */
    return NULL;
  }
  return fp;
}

int Tf_decompress_wait(pid_t pid, char *err, size_t errlen)
{
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      snprintf(err, errlen, "cannot wait for the decompressor: %s", strerror(errno));
      return -1;
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  if (WIFEXITED(status))
    snprintf(err, errlen, "the decompressor exited with status %d", WEXITSTATUS(status));
  else if (WIFSIGNALED(status))
    snprintf(err, errlen, "the decompressor was killed by signal %d", WTERMSIG(status));
  return -1;
}
