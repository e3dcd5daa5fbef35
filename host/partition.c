/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The connection partition function (see partition.h and tcpflow(1),
 * PARTITIONING).  It is applied by demux.c to the key of a TCP segment,
 * after IP fragments were reassembled, so a fragmented segment lands with
 * its connection.  No seed, no pointer, no byte-order dependence: the
 * canonical key is built byte by byte.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "partition.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define CANON_LEN 39

static uint64_t partition_fnv(const uint8_t *p, size_t n)
{
  uint64_t h = FNV_OFFSET;
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= FNV_PRIME;
  }
  return h;
}

static uint64_t partition_fmix(uint64_t h)
{
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

/* Address then port, as bytes: <0, 0 or >0. */
static int partition_cmp_end(const uint8_t *a, uint16_t ap, const uint8_t *b, uint16_t bp)
{
  int c = memcmp(a, b, 16);
  if (c != 0)
    return c;
  return (ap > bp) - (ap < bp);
}

static void partition_put_end(uint8_t *out, const uint8_t *addr, uint16_t port, int family)
{
  memset(out, 0, 16);
  memcpy(out, addr, family == 4 ? 4 : 16);
  out[16] = (uint8_t)(port >> 8);
  out[17] = (uint8_t)(port & 0xff);
}

uint64_t Tf_partition_hash(const struct tf_flow_key *k)
{
  uint8_t c[CANON_LEN];
  uint8_t s[16], d[16];
  int fam = k->family;
  /* IPv4 keys compare on their 4 bytes only: whatever the rest holds. */
  memset(s, 0, sizeof(s));
  memset(d, 0, sizeof(d));
  memcpy(s, k->src, fam == 4 ? 4 : 16);
  memcpy(d, k->dst, fam == 4 ? 4 : 16);
  c[0] = (uint8_t)fam;
  c[1] = (uint8_t)(k->vlan >> 8);
  c[2] = (uint8_t)(k->vlan & 0xff);
  if (partition_cmp_end(s, k->sport, d, k->dport) <= 0) {
    partition_put_end(c + 3, s, k->sport, fam);
    partition_put_end(c + 21, d, k->dport, fam);
  } else {
    partition_put_end(c + 3, d, k->dport, fam);
    partition_put_end(c + 21, s, k->sport, fam);
  }
  return partition_fmix(partition_fnv(c, sizeof(c)));
}

uint32_t Tf_partition_of(const struct tf_flow_key *k, uint32_t n)
{
  if (n <= 1)
    return 0;
  return (uint32_t)(Tf_partition_hash(k) % n);
}

int Tf_partition_parse(const char *s, uint32_t *k, uint32_t *n, char *err, size_t errlen)
{
  char *end;
  unsigned long kk, nn;
  if (!s || *s < '0' || *s > '9')
    goto bad;
  errno = 0;
  kk = strtoul(s, &end, 10);
  if (errno || *end != '/' || end[1] < '0' || end[1] > '9')
    goto bad;
  nn = strtoul(end + 1, &end, 10);
  if (errno || *end != '\0')
    goto bad;
  if (nn < 1 || nn > TF_PARTITION_MAX || kk >= nn) {
    snprintf(err, errlen, "'%s': K/N needs 0 <= K < N <= %d", s, TF_PARTITION_MAX);
    return -1;
  }
  *k = (uint32_t)kk;
  *n = (uint32_t)nn;
  return 0;
bad:
  snprintf(err, errlen, "'%s' is not of the form K/N (for example 0/4)", s ? s : "");
  return -1;
}
