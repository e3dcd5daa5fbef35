/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The http scanner (plugins/http) driven through its descriptor by the
 * in-memory host.  Input layout:
 *   byte 0   settings: bit0 keep compressed bodies, bit1 small inflate cap,
 *            bit2 ratio cap 2, bit3 gaps allowed, bit4 response flow closes
 *            before the request flow
 *   byte 1   n, the number of chunking bytes that follow
 *   n bytes  piece sizes for flow_data (see Sh_replay)
 *   rest     flows separated by "@@FLOW@@": even ones client to server,
 *            odd ones the reply, pairs sharing a session
 */
#define _GNU_SOURCE /* memmem */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "scanhost.h"

const struct tfs_scanner *tcpflow_scanner_describe(void);

#define SEP "@@FLOW@@"
#define MAX_FLOWS 8

static const char *dir;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  dir = Fuzz_scratch_dir("http");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const struct tfs_scanner *sc = tcpflow_scanner_describe();
  const uint8_t *flow_at[MAX_FLOWS], *plan, *p, *end;
  size_t flow_len[MAX_FLOWS], plan_len;
  int nflows = 0, cfg;
  void *state;
  if (size < 2)
    return 0;
  cfg = data[0];
  plan_len = data[1] % 32;
  if (size < 2 + plan_len)
    return 0;
  plan = data + 2;
  p = plan + plan_len;
  end = data + size;
  while (nflows < MAX_FLOWS) {
    const uint8_t *s = memmem(p, (size_t)(end - p), SEP, strlen(SEP));
    flow_at[nflows] = p;
    flow_len[nflows++] = (size_t)((s ? s : end) - p);
    if (!s)
      break;
    p = s + strlen(SEP);
  }

  Sh_begin(sc, dir);
  Sh_set("http_keep_compressed", cfg & 1 ? "YES" : "NO");
  if (cfg & 2)
    Sh_set("http_max_decompressed", "3000");
  if (cfg & 4)
    Sh_set("http_max_ratio", "2");
  if (Sh_init(&state) != TFS_OK)
    abort(); /* the defaults and these values are all valid */
  for (int i = 0; i < nflows; i += 2) {
    /* Both closing orders occur in real runs: pairing must cope. */
    int first = (cfg & 16) && i + 1 < nflows ? i + 1 : i;
    for (int k = 0; k < 2; k++) {
      int j = k == 0 ? first : (first == i ? i + 1 : i);
      if (j >= nflows)
        continue;
      struct tfs_flow_info f = Sh_flow((uint64_t)j, (uint64_t)(j / 2), j & 1);
      Sh_replay(state, &f, flow_at[j], flow_len[j], plan, plan_len, cfg & 8);
    }
  }
  Sh_end(state);
  return 0;
}
