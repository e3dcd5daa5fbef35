/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The 802.11 decoder of the internal library (lib/tfl_dot11.c, linked by the
 * host and the wifi scanner): capture header, MAC header, LLC/SNAP payload and the
 * information elements of management frames.  Input: 1 byte choosing the
 * link type, then the frame.  Every pointer the decoder returns is read in
 * full so the sanitizers check that it lies inside the frame.
 */
#include <stdlib.h>
#include <string.h>

#include "tfl_dot11.h"
#include "fuzz.h"

static const int dlts[] = {TFL_DLT_IEEE802_11, TFL_DLT_PRISM_HEADER, TFL_DLT_IEEE802_11_RADIO,
                           TFL_DLT_IEEE802_11_RADIO_AVS};

static volatile uint8_t sink;

static void touch(const uint8_t *base, size_t base_len, const uint8_t *p, size_t n)
{
  uint8_t x = 0;
  if (n && (p < base || p + n > base + base_len))
    abort(); /* outside the frame even if the memory happens to be mapped */
  for (size_t i = 0; i < n; i++)
    x ^= p[i];
  sink ^= x;
}

struct ie_ctx {
  const uint8_t *frame;
  size_t len;
  unsigned count;
};

static void on_ie(void *arg, uint8_t id, const uint8_t *data, uint8_t len)
{
  struct ie_ctx *c = arg;
  touch(c->frame, c->len, data, len);
  c->count++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct tfl_dot11_frame f;
  struct ie_ctx ie;
  uint8_t *frame;
  size_t len;
  int dlt;
  if (size < 1)
    return 0;
  dlt = dlts[data[0] % 4];
  len = size - 1;
  frame = malloc(len ? len : 1);
  if (!frame)
    abort();
  memcpy(frame, data + 1, len);
  if (Tfl_dot11_decode(dlt, frame, len, &f) == TFL_DOT11_OK) {
    uint16_t ethertype;
    const uint8_t *payload;
    size_t payload_len;
    touch(frame, len, f.body, f.body_len);
    if (Tfl_dot11_llc_payload(&f, &ethertype, &payload, &payload_len))
      touch(frame, len, payload, payload_len);
    ie.frame = frame;
    ie.len = len;
    ie.count = 0;
    Tfl_dot11_walk_ies(&f, on_ie, &ie);
  }
  free(frame);
  return 0;
}
