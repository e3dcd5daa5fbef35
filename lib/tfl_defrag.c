/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tfl_defrag.h"

#define DEFRAG_SLOTS 256      /* datagrams in progress at once */
#define DEFRAG_MAX_LEN 65535  /* largest datagram payload */
#define DEFRAG_MAX_RANGES 64  /* fragments per datagram */
#define DEFRAG_TIMEOUT 30     /* seconds of packet time */

struct defrag_range {
  uint32_t start, end;
};

struct defrag_slot {
  int in_use;
  int family;
  uint8_t src[16], dst[16];
  uint32_t id;
  uint8_t proto;
  int64_t first_seen;
  int64_t total;         /* -1 until the last fragment arrives */
  int nranges;
  struct defrag_range ranges[DEFRAG_MAX_RANGES];
  uint8_t *buf;          /* allocated on first use, kept for reuse */
};

struct tfl_defrag {
  struct defrag_slot slots[DEFRAG_SLOTS];
  uint64_t dropped;
};

struct tfl_defrag *Tfl_defrag_new(void)
{
  return calloc(1, sizeof(struct tfl_defrag));
}

void Tfl_defrag_free(struct tfl_defrag *df)
{
  if (!df)
    return;
  for (int i = 0; i < DEFRAG_SLOTS; i++)
    free(df->slots[i].buf);
  free(df);
}

uint64_t Tfl_defrag_dropped(const struct tfl_defrag *df)
{
  return df->dropped;
}

static void defrag_release(struct tfl_defrag *df, struct defrag_slot *s, int count_drop)
{
  s->in_use = 0;
  if (count_drop)
    df->dropped++;
}

static int defrag_matches(const struct defrag_slot *s, const struct tfl_frag *f)
{
  size_t alen = f->family == 4 ? 4 : 16;
  return s->in_use && s->family == f->family && s->id == f->id && s->proto == f->proto &&
         memcmp(s->src, f->src, alen) == 0 && memcmp(s->dst, f->dst, alen) == 0;
}

/* Find the datagram of f, expiring old ones on the way; start a new one
 * (evicting the oldest when all slots are busy) if there is none. */
static struct defrag_slot *defrag_slot_for(struct tfl_defrag *df, const struct tfl_frag *f)
{
  struct defrag_slot *free_slot = NULL, *oldest = NULL;
  for (int i = 0; i < DEFRAG_SLOTS; i++) {
    struct defrag_slot *s = &df->slots[i];
    if (s->in_use && f->now - s->first_seen > DEFRAG_TIMEOUT)
      defrag_release(df, s, 1);
    if (defrag_matches(s, f))
      return s;
    if (!s->in_use) {
      if (!free_slot)
        free_slot = s;
    } else if (!oldest || s->first_seen < oldest->first_seen) {
      oldest = s;
    }
  }
  if (!free_slot) {
    defrag_release(df, oldest, 1);
    free_slot = oldest;
  }
  if (!free_slot->buf) {
    free_slot->buf = malloc(DEFRAG_MAX_LEN);
    if (!free_slot->buf)
      return NULL;
  }
  size_t alen = f->family == 4 ? 4 : 16;
  free_slot->in_use = 1;
  free_slot->family = f->family;
  memcpy(free_slot->src, f->src, alen);
  memcpy(free_slot->dst, f->dst, alen);
  free_slot->id = f->id;
  free_slot->proto = f->proto;
  free_slot->first_seen = f->now;
  free_slot->total = -1;
  free_slot->nranges = 0;
  return free_slot;
}

/* Insert [start,end) keeping ranges sorted and merged; 0 on overlap. */
static int defrag_add_range(struct defrag_slot *s, uint32_t start, uint32_t end)
{
  int i = 0;
  while (i < s->nranges && s->ranges[i].end <= start)
    i++;
  if (i < s->nranges && s->ranges[i].start < end)
    return 0;
  if (i > 0 && s->ranges[i - 1].end == start) {
    s->ranges[i - 1].end = end;
    if (i < s->nranges && s->ranges[i].start == end) {
      s->ranges[i - 1].end = s->ranges[i].end;
      memmove(&s->ranges[i], &s->ranges[i + 1], (size_t)(s->nranges - i - 1) * sizeof(s->ranges[0]));
      s->nranges--;
    }
    return 1;
  }
  if (i < s->nranges && s->ranges[i].start == end) {
    s->ranges[i].start = start;
    return 1;
  }
  if (s->nranges == DEFRAG_MAX_RANGES)
    return 0;
  memmove(&s->ranges[i + 1], &s->ranges[i], (size_t)(s->nranges - i) * sizeof(s->ranges[0]));
  s->ranges[i].start = start;
  s->ranges[i].end = end;
  s->nranges++;
  return 1;
}

int Tfl_defrag_add(struct tfl_defrag *df, const struct tfl_frag *f, const uint8_t **out,
                  size_t *out_len, uint8_t *out_proto)
{
  struct defrag_slot *s;
  uint64_t end = (uint64_t)f->offset + f->len;
  if (end > DEFRAG_MAX_LEN || (f->more && (f->len == 0 || (f->len & 7) != 0))) {
    df->dropped++;
    return -1;
  }
  s = defrag_slot_for(df, f);
  if (!s) {
    df->dropped++;
    return -1;
  }
  if (f->len > 0 && !defrag_add_range(s, f->offset, (uint32_t)end)) {
    defrag_release(df, s, 1);
    return -1;
  }
  if (!f->more) {
    if (s->total >= 0 && s->total != (int64_t)end) {
      defrag_release(df, s, 1);
      return -1;
    }
    s->total = (int64_t)end;
  }
  /* Data beyond a known end is as bad as an overlap. */
  if (s->total >= 0 && s->nranges > 0 && s->ranges[s->nranges - 1].end > s->total) {
    defrag_release(df, s, 1);
    return -1;
  }
  memcpy(s->buf + f->offset, f->data, f->len);
  if (s->total >= 0 && s->nranges == 1 && s->ranges[0].start == 0 &&
      s->ranges[0].end == s->total) {
    *out = s->buf;
    *out_len = (size_t)s->total;
    *out_proto = s->proto;
    defrag_release(df, s, 0);
    return 1;
  }
  return 0;
}
