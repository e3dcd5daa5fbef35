/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Captures compressed as a whole file (.gz, .bz2, .xz, .lzma, .zip) are
 * read through the external decompressor, as tcpflow 1.6.1 did: the
 * program runs as a child (no shell; the capture is its standard input,
 * or its argument for unzip) and libpcap reads its output through a pipe.
 */
#ifndef TF_DECOMPRESS_H
#define TF_DECOMPRESS_H

#include <stdio.h>
#include <sys/types.h>

/* The command for path by its suffix ("gzip -dc", ...), or NULL when the
 * file is not compressed. */
const char *Tf_decompress_command(const char *path);

/* Starts the decompressor for path; returns the read end of its output
 * (for pcap_fopen_offline) and its pid, or NULL with a message in err. */
FILE *Tf_decompress_open(const char *path, pid_t *pid, char *err, size_t errlen);

/* Waits for the child (after its output was read to the end or closed).
 * 0 when it succeeded; otherwise -1 with what happened in err. */
int Tf_decompress_wait(pid_t pid, char *err, size_t errlen);

#endif
