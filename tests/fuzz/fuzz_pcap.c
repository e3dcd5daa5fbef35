/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * A whole capture file (pcap or pcapng) through libpcap's reader and the
 * host's source loop (Tf_source_open_file / Tf_source_run), as
 * `tcpflow -r FILE` does, then through the host's own pcapng reader alone
 * (host/pcapng.c, which the source loop reaches only for files with
 * interfaces of several link types).  The input is written to a scratch
 * file because the host opens captures by name.  Every run closes all
 * flows at its end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "demux.h"
#include "fuzz.h"
#include "hostenv.h"
#include "pcapng.h"
#include "source.h"

static char path[300];
static volatile uint8_t sink; /* keeps the reads of read_pcapng */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  He_setup("pcap");
  snprintf(path, sizeof(path), "%s/input.pcap", Fuzz_scratch_dir("pcapin"));
  if (Tf_source_init(&he_run) != TF_OK)
    abort();
  return 0;
}

/* Every byte of every packet is read, so an out-of-block pointer or
 * length is caught by ASan. */
static void read_pcapng(void)
{
  char err[256];
  struct tf_pcapng *r = Tf_pcapng_open(path, err, sizeof(err));
  struct pcap_pkthdr h;
  const uint8_t *d;
  int dlt;
  if (!r)
    abort();
  while (Tf_pcapng_next(r, &h, &d, &dlt) == 1)
    for (uint32_t i = 0; i < h.caplen; i++)
      sink ^= d[i];
  Tf_pcapng_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct tf_source s;
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
    abort();
  if (Tf_source_open_file(&he_run, &s, path) == TF_OK) {
    Tf_source_run(&s);
    Tf_source_close(&s);
  } else if (s.pcap) {
    Tf_source_close(&s);
  }
  He_recycle();
  read_pcapng();
  return 0;
}
