/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * One captured frame through the host's decoding pipeline:
 * Tfl_link_decode -> Tfl_ip_decode (a defragmenter that lives across inputs,
 * so fragments of different inputs meet) -> Tf_demux_packet, writing flow
 * files into a scratch directory.  Input: 2 bytes choosing the link type
 * from the table below, then the frame.  Flows also live across inputs
 * (reassembly needs several segments); every RECYCLE inputs all flows are
 * closed and their files removed.
 */
#include <stdlib.h>
#include <string.h>

#include "tfl_defrag.h"
#include "demux.h"
#include "fuzz.h"
#include "hostenv.h"
#include "tfl_ip.h"
#include "tfl_link.h"
#include "tfl_packet.h"

#define RECYCLE 256

/* Every link type the host decodes: Ethernet, Linux SLL and SLL2, raw IP
 * (12 and 101-style), BSD loopback (0 and 108), PPP, PPPoE, the four
 * 802.11 flavours. */
static const int dlts[] = {1, 113, 276, 12, 0, 108, 9, 51, 105, 127, 119, 163};
#define NDLTS (sizeof(dlts) / sizeof(dlts[0]))

static struct tfl_defrag *defrag;
static unsigned long iterations;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  He_setup("packet");
  defrag = Tfl_defrag_new();
  if (!defrag)
    abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct tfl_packet pkt;
  uint8_t *frame;
  size_t len;
  if (size < 2)
    return 0;
  len = size - 2;
  /* An exact-size copy: the decoders must not read past caplen. */
  frame = malloc(len ? len : 1);
  if (!frame)
    abort();
  memcpy(frame, data + 2, len);
  memset(&pkt, 0, sizeof(pkt));
  pkt.dlt = dlts[((data[0] << 8) | data[1]) % NDLTS];
  pkt.ts.tv_sec = 1000000 + (long)(iterations / 4); /* slow packet time: some flows expire */
  pkt.caplen = pkt.wirelen = (uint32_t)len;
  pkt.frame = frame;
  if (Tfl_link_decode(pkt.dlt, frame, len, &pkt.link) == TFL_LINK_OK) {
    if (pkt.link.l3 < frame || pkt.link.l3 + pkt.link.l3_len > frame + len)
      abort(); /* the link layer must point inside the frame */
    if (Tfl_ip_decode(defrag, &pkt) == TFL_IP_TCP)
      Tf_demux_packet(&he_run, &pkt);
  }
  Tf_demux_expire(&he_run, pkt.ts.tv_sec);
  free(frame);
  if (++iterations % RECYCLE == 0)
    He_recycle();
  return 0;
}
