/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * netviz accounting (see nv_stats.h).  Frames are decoded with the host's
 * own link and IP decoders, linked into this module, so the classification
 * is the host's by construction.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tfl_bytes.h"
#include "tfl_defrag.h"
#include "tfl_ip.h"
#include "tfl_link.h"
#include "nv_stats.h"
#include "tfl_packet.h"

/* One open flow direction, kept in the host's per-flow slot and in our
 * table of open flows (chained by 4-tuple hash). */
struct nv_flow {
  struct nv_flow *next;
  uint8_t family;
  uint8_t src[16], dst[16];
  uint16_t sport, dport;
  uint64_t packets, bytes; /* the frames we attributed to it */
  int syn_seen, has_data;
};

/* Ladder of stored widths (us): each divides the next. */
static const int64_t nv_ladder[] = {
    1000LL,          10000LL,          100000LL,          1000000LL,
    10000000LL,      60000000LL,       600000000LL,       3600000000LL,
    86400000000LL,   864000000000LL,   8640000000000LL,   86400000000000LL,
    864000000000000LL};
#define NV_LADDER_N (sizeof(nv_ladder) / sizeof(nv_ladder[0]))

/* Times are clamped to +-3000 years so microseconds never overflow, even
 * for the 64-bit timestamps of crafted pcapng files. */
#define NV_MAX_SEC 95000000000LL

int64_t Nv_floordiv(int64_t a, int64_t b)
{
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0)))
    q--;
  return q;
}

static const uint16_t nv_http_ports[] = {80, 8080, 8000, 8888, 81, 82, 8090};
static const uint16_t nv_mail_ports[] = {25, 465, 587, 110, 995, 143, 993};

static int nv_in(uint16_t p, const uint16_t *set, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (set[i] == p)
      return 1;
  return 0;
}

static enum nv_class nv_class_of_port(uint16_t p)
{
  if (nv_in(p, nv_http_ports, sizeof(nv_http_ports) / sizeof(nv_http_ports[0])))
    return NV_HTTP;
  if (p == 443 || p == 8443)
    return NV_HTTPS;
  if (p == 22)
    return NV_SSH;
  if (p == 20 || p == 21)
    return NV_FTP;
  if (nv_in(p, nv_mail_ports, sizeof(nv_mail_ports) / sizeof(nv_mail_ports[0])))
    return NV_MAIL;
  if (p == 53)
    return NV_DNS;
  if (p == 139 || p == 445)
    return NV_SMB;
  return NV_TCP_OTHER;
}

/* The service end of a connection is usually the lower, well-known port;
 * when both ports are known services the lower one names the class. */
enum nv_class Nv_class_of_ports(uint16_t a, uint16_t b)
{
  enum nv_class ca = nv_class_of_port(a), cb = nv_class_of_port(b);
  if (ca == NV_TCP_OTHER)
    return cb;
  if (cb == NV_TCP_OTHER)
    return ca;
  return a <= b ? ca : cb;
}

const char *Nv_class_name(enum nv_class c)
{
  static const char *const names[NV_NCLASS] = {"HTTP", "HTTPS", "SSH", "FTP", "mail",
                                               "DNS", "SMB", "other TCP", "not TCP"};
  return (unsigned)c < NV_NCLASS ? names[c] : "?";
}

/* ------------------------------------------------------------ timeline */

/* Moves the stored buckets to the next wider step of the ladder. */
static int nv_timeline_coarsen(struct nv_timeline *tl)
{
  size_t step = 0;
  int64_t w, base;
  size_t n = 0;
  while (step < NV_LADDER_N && nv_ladder[step] != tl->width_us)
    step++;
  if (step + 1 >= NV_LADDER_N)
    return -1;
  w = nv_ladder[step + 1];
  base = Nv_floordiv(tl->base * tl->width_us, w);
  for (size_t i = 0; i < tl->n; i++) {
    size_t j = (size_t)(Nv_floordiv((tl->base + (int64_t)i) * tl->width_us, w) - base);
    if (j != i) {
      for (int c = 0; c < NV_NCLASS; c++)
        tl->b[j].bytes[c] += tl->b[i].bytes[c];
      memset(&tl->b[i], 0, sizeof(tl->b[i]));
    }
    n = j + 1;
  }
  tl->width_us = w;
  tl->base = base;
  tl->n = n;
  return 0;
}

void Nv_timeline_add(struct nv_timeline *tl, int64_t t_us, enum nv_class c, uint64_t bytes)
{
  for (;;) {
    int64_t idx = Nv_floordiv(t_us, tl->width_us);
    if (tl->n == 0) {
      tl->base = idx;
      tl->n = 1;
    }
    if (idx < tl->base) {
      int64_t grow = tl->base - idx;
      if ((int64_t)tl->n + grow <= NV_MAX_BUCKETS) {
        memmove(&tl->b[grow], &tl->b[0], tl->n * sizeof(tl->b[0]));
        memset(&tl->b[0], 0, (size_t)grow * sizeof(tl->b[0]));
        tl->n += (size_t)grow;
        tl->base = idx;
      } else if (nv_timeline_coarsen(tl) == 0) {
        continue;
      } else {
        return; /* beyond +-3000 years: cannot happen after clamping */
      }
    } else if (idx - tl->base >= (int64_t)tl->n) {
      if (idx - tl->base < NV_MAX_BUCKETS) {
        tl->n = (size_t)(idx - tl->base) + 1;
      } else if (nv_timeline_coarsen(tl) == 0) {
        continue;
      } else {
        return;
      }
    }
    tl->b[idx - tl->base].bytes[c] += bytes;
    return;
  }
}

/* -------------------------------------------------------- address tables */

static uint32_t nv_hash(const uint8_t *p, size_t n, uint32_t h)
{
  for (size_t i = 0; i < n; i++)
    h = (h ^ p[i]) * 16777619u; /* FNV-1a */
  return h;
}

static uint32_t nv_addr_hash(uint8_t family, const uint8_t *addr)
{
  return nv_hash(addr, 16, nv_hash(&family, 1, 2166136261u));
}

static int nv_addr_reindex(struct nv_addr_tab *t, size_t size)
{
  uint32_t *idx = calloc(size, sizeof(*idx));
  if (!idx)
    return -1;
  for (size_t i = 0; i < t->n; i++) {
    size_t s = nv_addr_hash(t->ents[i].family, t->ents[i].addr) & (size - 1);
    while (idx[s])
      s = (s + 1) & (size - 1);
    idx[s] = (uint32_t)(i + 1);
  }
  free(t->index);
  t->index = idx;
  t->index_size = size;
  return 0;
}

static void nv_addr_add(struct nv_addr_tab *t, uint8_t family, const uint8_t *addr,
                        uint64_t packets, uint64_t bytes)
{
  struct nv_addr_ent *e;
  size_t s = 0;
  if (t->index_size) {
    s = nv_addr_hash(family, addr) & (t->index_size - 1);
    while (t->index[s]) {
      e = &t->ents[t->index[s] - 1];
      if (e->family == family && memcmp(e->addr, addr, 16) == 0) {
        e->c.packets += packets;
        e->c.bytes += bytes;
        return;
      }
      s = (s + 1) & (t->index_size - 1);
    }
  }
  if (t->n >= t->max || ((t->n + 1) * 2 > t->index_size &&
                         nv_addr_reindex(t, t->index_size ? t->index_size * 2 : 256) != 0)) {
    t->others.packets += packets;
    t->others.bytes += bytes;
    t->others_keys++;
    return;
  }
  s = nv_addr_hash(family, addr) & (t->index_size - 1);
  while (t->index[s])
    s = (s + 1) & (t->index_size - 1);
  e = &t->ents[t->n];
  e->family = family;
  memcpy(e->addr, addr, 16);
  e->c.packets = packets;
  e->c.bytes = bytes;
  t->index[s] = (uint32_t)(++t->n);
}

static int nv_ent_cmp(const void *a, const void *b)
{
  const struct nv_addr_ent *x = *(const struct nv_addr_ent *const *)a;
  const struct nv_addr_ent *y = *(const struct nv_addr_ent *const *)b;
  if (x->c.bytes != y->c.bytes)
    return x->c.bytes > y->c.bytes ? -1 : 1;
  if (x->c.packets != y->c.packets)
    return x->c.packets > y->c.packets ? -1 : 1;
  if (x->family != y->family)
    return x->family < y->family ? -1 : 1;
  return memcmp(x->addr, y->addr, 16);
}

const struct nv_addr_ent **Nv_addr_sorted(const struct nv_addr_tab *t)
{
  const struct nv_addr_ent **v = calloc(t->n ? t->n : 1, sizeof(*v));
  if (!v)
    return NULL;
  for (size_t i = 0; i < t->n; i++)
    v[i] = &t->ents[i];
  qsort(v, t->n, sizeof(*v), nv_ent_cmp);
  return v;
}

/* ------------------------------------------------------------ open flows */

static uint32_t nv_flow_hash(uint8_t family, const uint8_t *src, const uint8_t *dst,
                             uint16_t sport, uint16_t dport)
{
  uint8_t ports[4] = {(uint8_t)(sport >> 8), (uint8_t)sport, (uint8_t)(dport >> 8),
                      (uint8_t)dport};
  uint32_t h = nv_hash(&family, 1, 2166136261u);
  h = nv_hash(src, 16, h);
  h = nv_hash(dst, 16, h);
  return nv_hash(ports, 4, h);
}

static struct nv_flow **nv_flow_slot(struct nv_stats *st, uint8_t family, const uint8_t *src,
                                     const uint8_t *dst, uint16_t sport, uint16_t dport)
{
  size_t b = nv_flow_hash(family, src, dst, sport, dport) & (st->open_size - 1);
  struct nv_flow **pp = &st->open[b];
  while (*pp) {
    const struct nv_flow *f = *pp;
    if (f->family == family && f->sport == sport && f->dport == dport &&
        memcmp(f->src, src, 16) == 0 && memcmp(f->dst, dst, 16) == 0)
      break;
    pp = &(*pp)->next;
  }
  return pp;
}

static int nv_open_grow(struct nv_stats *st)
{
  size_t size = st->open_size * 2;
  struct nv_flow **t = calloc(size, sizeof(*t));
  if (!t)
    return -1;
  for (size_t i = 0; i < st->open_size; i++) {
    struct nv_flow *f = st->open[i];
    while (f) {
      struct nv_flow *next = f->next;
      size_t b = nv_flow_hash(f->family, f->src, f->dst, f->sport, f->dport) & (size - 1);
      f->next = t[b];
      t[b] = f;
      f = next;
    }
  }
  free(st->open);
  st->open = t;
  st->open_size = size;
  return 0;
}

static int nv_pending_is(const struct nv_pending *p, const struct nv_flow *f)
{
  return p->valid && p->family == f->family && p->sport == f->sport && p->dport == f->dport &&
         memcmp(p->src, f->src, 16) == 0 && memcmp(p->dst, f->dst, 16) == 0;
}

static void nv_attribute(struct nv_stats *st, struct nv_flow *f)
{
  f->packets++;
  f->bytes += st->pending.wirelen;
  if (st->pending.syn)
    f->syn_seen = 1;
  if (st->pending.has_payload)
    f->has_data = 1;
  st->pending.valid = 0;
}

/* The host has finished with the pending frame without opening or closing
 * its flow: it went into the open flow of its 4-tuple, unless there is none
 * (a bare ACK after the close, a straggler) or it is the second SYN of a
 * flow that already carries data, which the host ignores. */
static void nv_settle(struct nv_stats *st)
{
  struct nv_pending *p = &st->pending;
  struct nv_flow *f;
  if (!p->valid)
    return;
  f = *nv_flow_slot(st, p->family, p->src, p->dst, p->sport, p->dport);
  if (f && !(p->syn && f->syn_seen && f->has_data))
    nv_attribute(st, f);
  p->valid = 0;
}

int Nv_stats_flow_open(struct nv_stats *st, const struct tfs_flow_info *fi)
{
  struct nv_flow *f, **pp;
  uint8_t family = fi->family == 6 ? 6 : 4;
  if (st->open_n + 1 > st->open_size && nv_open_grow(st) != 0)
    return -1;
  pp = nv_flow_slot(st, family, fi->src_addr, fi->dst_addr, fi->src_port, fi->dst_port);
  if (*pp) /* the host reuses a 4-tuple only after closing it; be safe anyway */
    return 0;
  f = calloc(1, sizeof(*f));
  if (!f)
    return -1;
  f->family = family;
  memcpy(f->src, fi->src_addr, 16);
  memcpy(f->dst, fi->dst_addr, 16);
  f->sport = fi->src_port;
  f->dport = fi->dst_port;
  *pp = f;
  st->open_n++;
  if (fi->scanner_state)
    *fi->scanner_state = f;
  /* The frame being processed created this flow and is counted in it. */
  if (nv_pending_is(&st->pending, f))
    nv_attribute(st, f);
  return 0;
}

void Nv_stats_flow_close(struct nv_stats *st, const struct tfs_flow_info *fi)
{
  uint8_t family = fi->family == 6 ? 6 : 4;
  struct nv_flow **pp = nv_flow_slot(st, family, fi->src_addr, fi->dst_addr, fi->src_port,
                                     fi->dst_port);
  struct nv_flow *f = *pp;
  uint64_t bytes = 0;
  if (fi->scanner_state)
    *fi->scanner_state = NULL;
  if (f) {
    /* A flow closed while the host handles our pending frame either took
     * it first (FIN, RST: one packet more than we know of) or was closed to
     * make room for a new flow on the same 4-tuple (a sequence jump). */
    if (nv_pending_is(&st->pending, f) && fi->packets == f->packets + 1)
      nv_attribute(st, f);
    if (fi->packets != f->packets)
      st->flows_inexact++;
    bytes = f->bytes;
    *pp = f->next;
    st->open_n--;
    free(f);
  } else {
    st->flows_inexact++;
  }
  st->flows++;
  st->flow_packets += fi->packets;
  st->flow_bytes += bytes;
  nv_addr_add(&st->src, family, fi->src_addr, fi->packets, bytes);
  nv_addr_add(&st->dst, family, fi->dst_addr, fi->packets, bytes);
  st->sport[fi->src_port].packets += fi->packets;
  st->sport[fi->src_port].bytes += bytes;
  st->dport[fi->dst_port].packets += fi->packets;
  st->dport[fi->dst_port].bytes += bytes;
}

void Nv_stats_finish(struct nv_stats *st)
{
  nv_settle(st);
}

/* ---------------------------------------------------------------- frames */

/* ARP is not IP, so the link decoders only say "not IP"; look at the
 * Ethertype of the common links ourselves, skipping VLAN tags. */
static int nv_is_arp(const struct tfs_packet *pkt)
{
  const uint8_t *p = pkt->data;
  size_t len = pkt->caplen, off;
  uint16_t type;
  switch (pkt->dlt) {
  case 1: /* DLT_EN10MB */
    off = 12;
    break;
  case 113: /* DLT_LINUX_SLL */
    off = 14;
    break;
  case 276: /* DLT_LINUX_SLL2 */
    off = 0;
    break;
  default:
    return 0;
  }
  for (int i = 0; i < 8; i++) {
    if (!Tfl_get_be16(p, len, off, &type))
      return 0;
    if (type != 0x8100 && type != 0x88a8 && type != 0x9100)
      break;
    off += 4;
  }
  return type == 0x0806;
}

static enum nv_proto nv_ip_proto(const struct tfl_link_result *l)
{
  uint8_t proto = 0;
  size_t off = l->ethertype == 0x86dd ? 6 : 9;
  if (!Tfl_get_u8(l->l3, l->l3_len, off, &proto))
    return NV_PROTO_OTHER;
  if (proto == 17)
    return NV_PROTO_UDP;
  if (proto == 1 || proto == 58)
    return NV_PROTO_ICMP;
  if (proto == 6)
    return NV_PROTO_TCP; /* fragments and malformed segments of TCP */
  return NV_PROTO_OTHER;
}

void Nv_stats_packet(struct nv_stats *st, const struct tfs_packet *pkt)
{
  struct tfl_packet tp;
  enum nv_class cls = NV_NOT_TCP;
  int64_t sec = pkt->sec, t_us;

  nv_settle(st);
  st->frames++;
  st->frame_bytes += pkt->len;
  if (sec > NV_MAX_SEC)
    sec = NV_MAX_SEC;
  if (sec < -NV_MAX_SEC)
    sec = -NV_MAX_SEC;
  t_us = sec * 1000000 + pkt->usec;
  if (!st->have_time || t_us < st->first_us)
    st->first_us = t_us;
  if (!st->have_time || t_us > st->last_us)
    st->last_us = t_us;
  st->have_time = 1;

  memset(&tp, 0, sizeof(tp));
  tp.dlt = pkt->dlt;
  tp.ts.tv_sec = (time_t)pkt->sec;
  tp.ts.tv_usec = pkt->usec;
  tp.caplen = pkt->caplen;
  tp.wirelen = pkt->len;
  tp.frame = pkt->data;
  switch (Tfl_link_decode(pkt->dlt, pkt->data, pkt->caplen, &tp.link)) {
  case TFL_LINK_OK:
    st->net_bytes[tp.link.ethertype == 0x86dd ? NV_NET_IPV6 : NV_NET_IPV4] += pkt->len;
    if (tp.link.vlan >= 0)
      st->vlan_bytes += pkt->len;
    if (Tfl_ip_decode(st->defrag, &tp) == TFL_IP_TCP) {
      struct nv_pending *p = &st->pending;
      st->proto_bytes[NV_PROTO_TCP] += pkt->len;
      cls = Nv_class_of_ports(tp.sport, tp.dport);
      p->valid = 1;
      p->family = tp.family == 6 ? 6 : 4;
      memcpy(p->src, tp.src, 16);
      memcpy(p->dst, tp.dst, 16);
      p->sport = tp.sport;
      p->dport = tp.dport;
      p->syn = (tp.flags & TFL_TCP_SYN) != 0;
      p->has_payload = tp.payload_len > 0;
      p->wirelen = pkt->len;
    } else {
      enum nv_proto pr = nv_ip_proto(&tp.link);
      st->proto_bytes[pr] += pkt->len;
    }
    break;
  default:
    st->net_bytes[nv_is_arp(pkt) ? NV_NET_ARP : NV_NET_OTHER] += pkt->len;
    break;
  }
  Nv_timeline_add(&st->tl, t_us, cls, pkt->len);
}

/* -------------------------------------------------------- life cycle */

struct nv_stats *Nv_stats_new(size_t addr_max)
{
  struct nv_stats *st = calloc(1, sizeof(*st));
  if (!st)
    return NULL;
  st->tl.width_us = nv_ladder[0];
  st->tl.b = calloc(NV_MAX_BUCKETS, sizeof(*st->tl.b));
  st->sport = calloc(65536, sizeof(*st->sport));
  st->dport = calloc(65536, sizeof(*st->dport));
  st->open_size = 256;
  st->open = calloc(st->open_size, sizeof(*st->open));
  st->defrag = Tfl_defrag_new();
  st->src.max = st->dst.max = addr_max;
  /* Zeroed pages cost memory only once entries are used. */
  st->src.ents = calloc(addr_max, sizeof(*st->src.ents));
  st->dst.ents = calloc(addr_max, sizeof(*st->dst.ents));
  if (!st->tl.b || !st->sport || !st->dport || !st->open || !st->defrag || !st->src.ents ||
      !st->dst.ents) {
    Nv_stats_free(st);
    return NULL;
  }
  return st;
}

void Nv_stats_free(struct nv_stats *st)
{
  if (!st)
    return;
  for (size_t i = 0; st->open && i < st->open_size; i++) {
    struct nv_flow *f = st->open[i];
    while (f) {
      struct nv_flow *next = f->next;
      free(f);
      f = next;
    }
  }
  free(st->open);
  free(st->tl.b);
  free(st->sport);
  free(st->dport);
  free(st->src.ents);
  free(st->src.index);
  free(st->dst.ents);
  free(st->dst.index);
  if (st->defrag)
    Tfl_defrag_free(st->defrag);
  free(st);
}
