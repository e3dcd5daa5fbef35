/*
 * A whole capture file (pcap or pcapng) through libpcap's reader and the
 * host's source loop (Tf_source_open_file / Tf_source_run), as
 * `tcpflow -r FILE` does.  The input is written to a scratch file because
 * the host opens captures by name.  Every run closes all flows at its end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "demux.h"
#include "fuzz.h"
#include "hostenv.h"
#include "source.h"

static char path[300];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  He_setup("pcap");
  snprintf(path, sizeof(path), "%s/input.pcap", Fuzz_scratch_dir("pcapin"));
  if (Tf_source_init() != TF_OK)
    abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct tf_source s;
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
    abort();
  if (Tf_source_open_file(&s, path) == TF_OK) {
    Tf_source_run(&s);
    Tf_source_close(&s);
  } else if (s.pcap) {
    Tf_source_close(&s);
  }
  He_recycle();
  return 0;
}
