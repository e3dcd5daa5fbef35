/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Fallback pcapng reader (see pcapng.h), after the pcapng specification
 * (draft-ietf-opsawg-pcapng): blocks are type, total length, body, total
 * length again; a Section Header Block sets the byte order and starts a new
 * list of interfaces; packets name their interface by index.
 *
 * The reader owns one block buffer that grows to the largest block seen
 * (at most TF_PCAPNG_MAX_BLOCK, libpcap's limit too) and the interface
 * table; both are freed by Tf_pcapng_close.
 *
 * Packets are clamped to their interface's snapshot length, and that to
 * TF_PCAPNG_MAX_SNAPLEN when it is 0 ("no limit") or larger, as libpcap
 * does: a block may hold 16 MiB, but nothing after the reader has to cope
 * with a packet larger than any libpcap would hand over.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng.h"

#define NG_SHB 0x0A0D0D0Au
#define NG_IDB 1u
#define NG_PB 2u /* obsolete Packet Block */
#define NG_SPB 3u
#define NG_EPB 6u
#define NG_BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define NG_SHB_MIN 28u /* header, magic, version, section length, trailer */
#define NG_OPT_END 0
#define NG_OPT_TSRESOL 9
#define NG_OPT_TSOFFSET 14
#define TF_PCAPNG_MAX_BLOCK (16u * 1024 * 1024)
#define NG_MAX_IFACES 65536u
/* libpcap's MAXIMUM_SNAPLEN: the largest packet it returns for any DLT. */
#define TF_PCAPNG_MAX_SNAPLEN 262144u

struct ng_iface {
  int dlt;
  uint32_t snaplen; /* 1 .. TF_PCAPNG_MAX_SNAPLEN */
  uint64_t units;  /* timestamp units per second */
  uint64_t offset; /* if_tsoffset, seconds (two's complement) */
};

struct tf_pcapng {
  FILE *fp;
  unsigned long long pos;  /* offset of the block being read */
  unsigned long long next; /* offset of the block after it */
  int swap;                /* the section is in the other byte order */
  int in_section;
  uint8_t *buf;
  size_t cap;
  struct ng_iface *ifaces;
  uint32_t nifaces;
  uint32_t cap_ifaces;
  char err[256];
};

static int ng_fail(struct tf_pcapng *r, const char *fmt, ...)
{
  char what[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof(what), fmt, ap);
  va_end(ap);
  snprintf(r->err, sizeof(r->err), "pcapng block at byte offset %llu: %s", r->pos, what);
  return -1;
}

static uint16_t ng_u16(const struct tf_pcapng *r, const uint8_t *p)
{
  uint16_t v;
  memcpy(&v, p, sizeof(v));
  return r->swap ? __builtin_bswap16(v) : v;
}

static uint32_t ng_u32(const struct tf_pcapng *r, const uint8_t *p)
{
  uint32_t v;
  memcpy(&v, p, sizeof(v));
  return r->swap ? __builtin_bswap32(v) : v;
}

static uint64_t ng_u64(const struct tf_pcapng *r, const uint8_t *p)
{
  uint64_t v;
  memcpy(&v, p, sizeof(v));
  return r->swap ? __builtin_bswap64(v) : v;
}

struct tf_pcapng *Tf_pcapng_open_stream(FILE *fp, char *err, size_t errlen)
{
  struct tf_pcapng *r = calloc(1, sizeof(*r));
  if (!r) {
    snprintf(err, errlen, "out of memory");
    fclose(fp);
    return NULL;
  }
  r->fp = fp;
  return r;
}

struct tf_pcapng *Tf_pcapng_open(const char *path, char *err, size_t errlen)
{
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    snprintf(err, errlen, "%s", strerror(errno));
    return NULL;
  }
  return Tf_pcapng_open_stream(fp, err, errlen);
}

void Tf_pcapng_close(struct tf_pcapng *r)
{
  if (!r)
    return;
  fclose(r->fp);
  free(r->buf);
  free(r->ifaces);
  free(r);
}

const char *Tf_pcapng_error(const struct tf_pcapng *r)
{
  return r->err;
}

/* Reads the next whole block into r->buf (length checked, trailer
 * included): 1, or 0 at a clean end of file, or -1. */
static int ng_read_block(struct tf_pcapng *r, uint32_t *type, uint32_t *len)
{
  uint8_t head[12];
  size_t have;
  uint32_t raw;
  r->pos = r->next;
  have = fread(head, 1, 8, r->fp);
  if (have == 0 && feof(r->fp))
    return 0;
  if (have < 8)
    return ng_fail(r, "truncated block header");
  memcpy(&raw, head, 4); /* the section header's type reads the same in both orders */
  if (raw == NG_SHB) {
    uint32_t magic;
    if (fread(head + 8, 1, 4, r->fp) < 4)
      return ng_fail(r, "truncated section header");
    have = 12;
    memcpy(&magic, head + 8, 4);
    if (magic == NG_BYTE_ORDER_MAGIC)
      r->swap = 0;
    else if (__builtin_bswap32(magic) == NG_BYTE_ORDER_MAGIC)
      r->swap = 1;
    else
      return ng_fail(r, "section header with an unknown byte-order magic 0x%08x", magic);
  } else if (!r->in_section) {
    return ng_fail(r, "block before any section header");
  }
  *type = ng_u32(r, head);
  *len = ng_u32(r, head + 4);
  if (*len < 12 || *len % 4 != 0 || *len > TF_PCAPNG_MAX_BLOCK ||
      (*type == NG_SHB && *len < NG_SHB_MIN))
    return ng_fail(r, "block of type %u with an impossible length %u", *type, *len);
  if (*len > r->cap) {
    uint8_t *b = realloc(r->buf, *len);
    if (!b)
      return ng_fail(r, "out of memory for a block of %u bytes", *len);
    r->buf = b;
    r->cap = *len;
  }
  memcpy(r->buf, head, have);
  if (fread(r->buf + have, 1, *len - have, r->fp) < *len - have)
    return ng_fail(r, "truncated block of type %u (%u bytes)", *type, *len);
  if (ng_u32(r, r->buf + *len - 4) != *len)
    return ng_fail(r, "block length %u and trailing length %u differ", *len,
                   ng_u32(r, r->buf + *len - 4));
  r->next = r->pos + *len;
  return 1;
}

static int ng_section(struct tf_pcapng *r)
{
  uint16_t major = ng_u16(r, r->buf + 12), minor = ng_u16(r, r->buf + 14);
  if (major != 1)
    return ng_fail(r, "pcapng version %u.%u is not supported", major, minor);
  r->in_section = 1;
  r->nifaces = 0; /* interface indexes are per section */
  return 0;
}

/* if_tsresol: 10^-n seconds, or 2^-n with the top bit set. */
static int ng_resolution(struct tf_pcapng *r, uint8_t code, uint64_t *units)
{
  uint8_t n = code & 0x7f;
  if (code & 0x80) {
    if (n > 63)
      return ng_fail(r, "timestamp resolution 2^-%u is out of range", n);
    *units = (uint64_t)1 << n;
    return 0;
  }
  if (n > 19)
    return ng_fail(r, "timestamp resolution 10^-%u is out of range", n);
  *units = 1;
  while (n--)
    *units *= 10;
  return 0;
}

/* Files carry LINKTYPE_ values; a few differ from the platform's DLT_
 * values that the rest of tcpflow (and libpcap's API) uses. */
static int ng_dlt(uint16_t linktype)
{
  switch (linktype) {
  case 100: /* LINKTYPE_ATM_RFC1483 */
    return DLT_ATM_RFC1483;
  case 101: /* LINKTYPE_RAW */
    return DLT_RAW;
  case 106: /* LINKTYPE_ATM_CLIP */
    return DLT_ATM_CLIP;
  default:
    return linktype;
  }
}

static int ng_interface(struct tf_pcapng *r, uint32_t len)
{
  const uint8_t *b = r->buf + 8;
  size_t blen = len - 12, o;
  struct ng_iface in = {.units = 1000000};
  if (blen < 8)
    return ng_fail(r, "interface description too short");
  in.dlt = ng_dlt(ng_u16(r, b));
  in.snaplen = ng_u32(r, b + 4);
  if (in.snaplen == 0 || in.snaplen > TF_PCAPNG_MAX_SNAPLEN)
    in.snaplen = TF_PCAPNG_MAX_SNAPLEN;
  for (o = 8; o + 4 <= blen;) {
    uint16_t code = ng_u16(r, b + o), olen = ng_u16(r, b + o + 2);
    o += 4;
    if (code == NG_OPT_END)
      break;
    if (olen > blen - o)
      return ng_fail(r, "option %u of an interface runs past its block", code);
    if (code == NG_OPT_TSRESOL && olen >= 1 && ng_resolution(r, b[o], &in.units) != 0)
      return -1;
    if (code == NG_OPT_TSOFFSET && olen >= 8)
      in.offset = ng_u64(r, b + o);
    o += ((size_t)olen + 3) & ~(size_t)3;
  }
  if (r->nifaces == r->cap_ifaces) {
    uint32_t n = r->cap_ifaces ? r->cap_ifaces * 2 : 8;
    struct ng_iface *t;
    if (r->nifaces >= NG_MAX_IFACES)
      return ng_fail(r, "more than %u interfaces in one section", NG_MAX_IFACES);
    t = realloc(r->ifaces, n * sizeof(*t));
    if (!t)
      return ng_fail(r, "out of memory for the interface table");
    r->ifaces = t;
    r->cap_ifaces = n;
  }
  r->ifaces[r->nifaces++] = in;
  return 0;
}

static void ng_time(const struct ng_iface *in, uint64_t ts, struct timeval *tv)
{
  uint64_t frac = ts % in->units;
  tv->tv_sec = (time_t)(ts / in->units + in->offset);
  tv->tv_usec = (suseconds_t)((unsigned __int128)frac * 1000000000u / in->units); /* ns */
}

/* A packet block of type `type` in r->buf: 1 with the outputs set, or -1. */
static int ng_packet(struct tf_pcapng *r, uint32_t type, uint32_t len, struct pcap_pkthdr *h,
                     const uint8_t **data, int *dlt)
{
  const uint8_t *b = r->buf + 8;
  size_t blen = len - 12, head = type == NG_SPB ? 4 : 20;
  uint32_t iface, caplen, wirelen;
  uint64_t ts = 0;
  if (blen < head)
    return ng_fail(r, "packet block too short");
  if (type == NG_SPB) {
    iface = 0;
    wirelen = ng_u32(r, b);
    caplen = wirelen < blen - head ? wirelen : (uint32_t)(blen - head);
  } else {
    iface = type == NG_PB ? ng_u16(r, b) : ng_u32(r, b);
    ts = (uint64_t)ng_u32(r, b + 4) << 32 | ng_u32(r, b + 8);
    caplen = ng_u32(r, b + 12);
    wirelen = ng_u32(r, b + 16);
    if (caplen > blen - head)
      return ng_fail(r, "packet data (%u bytes) runs past its block", caplen);
  }
  if (iface >= r->nifaces)
    return ng_fail(r, "packet for interface %u, but the section describes %u", iface,
                   r->nifaces);
  /* The original length keeps what was on the wire (or in the block). */
  h->len = wirelen > caplen ? wirelen : caplen;
  if (caplen > r->ifaces[iface].snaplen)
    caplen = r->ifaces[iface].snaplen;
  ng_time(&r->ifaces[iface], ts, &h->ts);
  h->caplen = caplen;
  *data = b + head;
  *dlt = r->ifaces[iface].dlt;
  return 1;
}

int Tf_pcapng_next(struct tf_pcapng *r, struct pcap_pkthdr *h, const uint8_t **data, int *dlt)
{
  for (;;) {
    uint32_t type = 0, len = 0;
    int rc = ng_read_block(r, &type, &len);
    if (rc <= 0)
      return rc;
    switch (type) {
    case NG_SHB:
      rc = ng_section(r);
      break;
    case NG_IDB:
      rc = ng_interface(r, len);
      break;
    case NG_EPB:
    case NG_PB:
    case NG_SPB:
      return ng_packet(r, type, len, h, data, dlt);
    default:
      rc = 0; /* statistics, name resolution, custom blocks: nothing for us */
    }
    if (rc != 0)
      return -1;
  }
}
