/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Capture sources: savefiles (pcap, pcapng, "-" for standard input) and
 * live interfaces, each run through the decoding pipeline
 * (link -> IP -> TCP -> demux) until it ends, fails, or a signal asks us
 * to stop.  A source is opened, used and closed by its caller.
 */
#ifndef TF_SOURCE_H
#define TF_SOURCE_H

#include <pcap/pcap.h>
#include <sys/types.h>

#include "error.h"

#define TF_SOURCE_MAX_LINKS 16

/* A link type met in a pcapng file of several (see pcapng.h). */
struct tf_source_link {
  int dlt;
  int usable;              /* the filter compiles for it */
  int have_prog;
  struct bpf_program prog; /* the filter for this link type */
};

struct tf_run;

struct tf_source {
  struct tf_run *run;      /* the run its packets go to */
  pcap_t *pcap;
  const char *name;        /* file name or interface, for messages */
  int live;
  int dlt;
  int nano;                /* timestamps come in ns (else in us) */
  int have_prog;
  struct bpf_program prog; /* the filter; files apply it packet by packet */
  uint64_t delivered;      /* packets libpcap returned from this file */
  pid_t child;             /* decompressor of a compressed file, or 0 */
  char *iobuf;             /* the stdio buffer of a plain file; owned */
  struct tf_pcapfile *fast; /* reads a plain pcap file in place (pcapfile.h); owned */
  struct tf_source_link links[TF_SOURCE_MAX_LINKS];
  int nlinks;
  char dev_name[256];      /* the interface found when none was named */
};

/* Open a savefile or an interface and compile the BPF filter for its link
 * type.  Errors are printed with the file name.  Files ending in .gz,
 * .bz2, .xz, .lzma or .zip are read through their decompressor
 * (decompress.h). */
tf_err Tf_source_open_file(struct tf_run *run, struct tf_source *s, const char *path);
tf_err Tf_source_open_live(struct tf_run *run, struct tf_source *s, const char *iface);
/* Read every packet; returns TF_ERR_INPUT for a read error (truncation),
 * after every packet before the error was processed.  A pcapng file with
 * interfaces of several link types is read to the end (pcapng.h). */
tf_err Tf_source_run(struct tf_source *s);
void Tf_source_close(struct tf_source *s);

/* Set by signal handlers; the loop stops at the next packet. */
void Tf_source_request_stop(void);
int Tf_source_stop_requested(void);

/* Frame counters for the report. */
struct tf_run_stats;
void Tf_source_stats(const struct tf_run *run, struct tf_run_stats *st);

tf_err Tf_source_init(struct tf_run *run);
void Tf_source_shutdown(struct tf_run *run);

#endif
