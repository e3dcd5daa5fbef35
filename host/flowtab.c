/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "flowtab.h"
#include "run.h"

#define SLAB_FLOWS 1024
#define INITIAL_BUCKETS 4096

struct slab {
  struct slab *next;
  struct tf_flow flows[SLAB_FLOWS];
};

/* The flow table of a run; owned by the run (Tf_flowtab_init and
 * Tf_flowtab_free).  Flows live in slabs it owns. */
struct tf_flowtab {
  struct tf_flow **buckets;
  size_t nbuckets;
  size_t nflows;
  struct slab *slabs;
  struct tf_flow *free_flows;   /* reused through hash_next */
  struct tfl_list idle;         /* every flow, most recently seen first */
  uint64_t hash_seed;
};

/* A keyed 64-bit mix over the key's words.  The seed is random per run so
 * that crafted traffic cannot aim many flows at one bucket. */
static uint64_t flowtab_hash(const struct tf_flowtab *ft, const struct tf_flow_key *k)
{
  uint64_t words[5];
  uint64_t h = ft->hash_seed;
  memcpy(words, k, sizeof(words));
  for (int i = 0; i < 5; i++) {
    h ^= words[i];
    h *= 0x9e3779b97f4a7c15ULL;
    h ^= h >> 29;
  }
  h ^= h >> 32;
  return h;
}

_Static_assert(sizeof(struct tf_flow_key) == 40, "flow key must be 5 words without padding");

tf_err Tf_flowtab_init(struct tf_run *run)
{
  struct tf_flowtab *ft = calloc(1, sizeof(*ft));
  if (!ft)
    return TF_ERR_NOMEM;
  ft->nbuckets = INITIAL_BUCKETS;
  ft->buckets = calloc(ft->nbuckets, sizeof(*ft->buckets));
  if (!ft->buckets) {
    free(ft);
    return TF_ERR_NOMEM;
  }
  Tfl_list_init(&ft->idle);
  run->flows = ft;
  ft->hash_seed = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ (uint64_t)(uintptr_t)ft->buckets;
  return TF_OK;
}

void Tf_flowtab_free(struct tf_run *run)
{
  struct tf_flowtab *ft = run->flows;
  if (!ft)
    return;
  run->flows = NULL;
  while (ft->slabs) {
    struct slab *n = ft->slabs->next;
    free(ft->slabs);
    ft->slabs = n;
  }
  free(ft->buckets);
  free(ft);
}

static void flowtab_grow(struct tf_flowtab *ft)
{
  size_t nb = ft->nbuckets * 2;
  struct tf_flow **nbk = calloc(nb, sizeof(*nbk));
  if (!nbk)
    return; /* keep working with longer chains */
  for (size_t i = 0; i < ft->nbuckets; i++) {
    struct tf_flow *f = ft->buckets[i];
    while (f) {
      struct tf_flow *next = f->hash_next;
      size_t b = flowtab_hash(ft, &f->key) & (nb - 1);
      f->hash_next = nbk[b];
      nbk[b] = f;
      f = next;
    }
  }
  free(ft->buckets);
  ft->buckets = nbk;
  ft->nbuckets = nb;
}

struct tf_flow *Tf_flowtab_find(const struct tf_flowtab *ft, const struct tf_flow_key *key)
{
  struct tf_flow *f = ft->buckets[flowtab_hash(ft, key) & (ft->nbuckets - 1)];
  while (f && memcmp(&f->key, key, sizeof(*key)) != 0)
    f = f->hash_next;
  return f;
}

struct tf_flow *Tf_flowtab_insert(struct tf_flowtab *ft, const struct tf_flow_key *key)
{
  struct tf_flow *f;
  size_t b;
  if (!ft->free_flows) {
    struct slab *s = malloc(sizeof(*s));
    if (!s)
      return NULL;
    s->next = ft->slabs;
    ft->slabs = s;
    for (int i = SLAB_FLOWS - 1; i >= 0; i--) {
      s->flows[i].hash_next = ft->free_flows;
      ft->free_flows = &s->flows[i];
    }
  }
  if (ft->nflows >= ft->nbuckets)
    flowtab_grow(ft);
  f = ft->free_flows;
  ft->free_flows = f->hash_next;
  memset(f, 0, sizeof(*f));
  f->key = *key;
  f->fd = -1;
  Tfl_list_init(&f->lru); /* unlinked until output opens a file */
  f->vlan = -1;
  b = flowtab_hash(ft, key) & (ft->nbuckets - 1);
  f->hash_next = ft->buckets[b];
  ft->buckets[b] = f;
  Tfl_list_push_front(&ft->idle, &f->idle);
  ft->nflows++;
  return f;
}

void Tf_flowtab_remove(struct tf_flowtab *ft, struct tf_flow *f)
{
  struct tf_flow **pp = &ft->buckets[flowtab_hash(ft, &f->key) & (ft->nbuckets - 1)];
  while (*pp && *pp != f)
    pp = &(*pp)->hash_next;
  if (*pp)
    *pp = f->hash_next;
  Tfl_list_remove(&f->idle);
  ft->nflows--;
  f->hash_next = ft->free_flows;
  ft->free_flows = f;
}

void Tf_flowtab_touch(struct tf_flowtab *ft, struct tf_flow *f)
{
  Tfl_list_move_front(&ft->idle, &f->idle);
}

struct tf_flow *Tf_flowtab_oldest(const struct tf_flowtab *ft)
{
  struct tfl_list *n = Tfl_list_last(&ft->idle);
  return n ? TFL_LIST_ENTRY(n, struct tf_flow, idle) : NULL;
}

size_t Tf_flowtab_count(const struct tf_flowtab *ft)
{
  return ft->nflows;
}

static int flowtab_cmp_id(const void *a, const void *b)
{
  const struct tf_flow *x = *(struct tf_flow *const *)a, *y = *(struct tf_flow *const *)b;
  return x->flow_id < y->flow_id ? -1 : x->flow_id > y->flow_id;
}

struct tf_flow **Tf_flowtab_sorted(const struct tf_flowtab *ft, size_t *n)
{
  struct tf_flow **v = malloc((ft->nflows ? ft->nflows : 1) * sizeof(*v));
  size_t i = 0;
  const struct tfl_list *node;
  if (!v) {
    *n = 0;
    return NULL;
  }
  TFL_LIST_FOR_EACH(node, &ft->idle)
    v[i++] = TFL_LIST_ENTRY(node, struct tf_flow, idle);
  qsort(v, i, sizeof(*v), flowtab_cmp_id);
  *n = i;
  return v;
}

void Tf_flowtab_reverse_key(const struct tf_flow_key *k, struct tf_flow_key *rev)
{
  *rev = *k;
  rev->sport = k->dport;
  rev->dport = k->sport;
  memcpy(rev->src, k->dst, sizeof(rev->src));
  memcpy(rev->dst, k->src, sizeof(rev->dst));
}
