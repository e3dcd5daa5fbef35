/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pcapfile.h"

#define PCAPFILE_WINDOW (2u << 20) /* bytes mapped at once (resident: they count in RSS) */
#define PCAPFILE_MAX_SNAPLEN 262144 /* libpcap's limit for these link types */
#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du

struct tf_pcapfile {
  int fd;
  uint64_t size;         /* of the file */
  uint64_t off;          /* of the next record */
  const uint8_t *map;    /* the window [map_off, map_off + map_len), or NULL */
  uint64_t map_off;
  size_t map_len;
  size_t page;
  uint32_t snaplen;      /* as libpcap adjusts it */
  int nsec;              /* timestamps in nanoseconds */
  int dlt;
  uint64_t count;        /* packets returned */
};

/* Link types whose frames libpcap hands out as they are in the file (no
 * pseudo-header rewriting), with the DLT it reports for them. */
static int pcapfile_dlt(uint32_t linktype)
{
  switch (linktype) {
  case 1:   /* LINKTYPE_ETHERNET */
    return DLT_EN10MB;
  case 101: /* LINKTYPE_RAW */
    return DLT_RAW;
  case 113: /* LINKTYPE_LINUX_SLL */
    return DLT_LINUX_SLL;
  default:
    return -1;
  }
}

struct tf_pcapfile *Tf_pcapfile_open(const char *path)
{
  struct tf_pcapfile *r;
  struct stat st;
  uint32_t h[6];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  /* The header in this machine's byte order (a file written elsewhere is
   * swapped: libpcap reads it). */
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || pread(fd, h, sizeof(h), 0) != sizeof(h) ||
      (h[0] != PCAP_MAGIC_US && h[0] != PCAP_MAGIC_NS) || h[1] != 0x00040002u ||
      pcapfile_dlt(h[5]) < 0 || !(r = calloc(1, sizeof(*r)))) {
    close(fd);
    return NULL;
  }
  r->fd = fd;
  r->size = (uint64_t)st.st_size;
  r->off = sizeof(h);
  r->nsec = h[0] == PCAP_MAGIC_NS;
  r->dlt = pcapfile_dlt(h[5]);
  r->snaplen = h[4] == 0 || h[4] > PCAPFILE_MAX_SNAPLEN ? PCAPFILE_MAX_SNAPLEN : h[4];
  r->page = (size_t)sysconf(_SC_PAGESIZE);
  (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return r;
}

int Tf_pcapfile_dlt(const struct tf_pcapfile *r)
{
  return r->dlt;
}

uint64_t Tf_pcapfile_count(const struct tf_pcapfile *r)
{
  return r->count;
}

/* Map the window that holds [off, off + len); 0 on failure. */
static int pcapfile_window(struct tf_pcapfile *r, uint64_t off, size_t len)
{
  uint64_t start = off - off % r->page;
  size_t n = PCAPFILE_WINDOW;
  void *m;
  if (r->map && off >= r->map_off && off + len <= r->map_off + r->map_len)
    return 1;
  if (r->map)
    munmap((void *)r->map, r->map_len);
  r->map = NULL;
  if (start + n > r->size)
    n = (size_t)(r->size - start);
  m = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_POPULATE, r->fd, (off_t)start);
  if (m == MAP_FAILED)
    return 0;
  (void)madvise(m, n, MADV_SEQUENTIAL);
  r->map = m;
  r->map_off = start;
  r->map_len = n;
  return off + len <= start + n;
}

int Tf_pcapfile_next(struct tf_pcapfile *r, struct pcap_pkthdr *h, const uint8_t **data)
{
  uint32_t rec[4];
  const uint8_t *p;
  if (r->off == r->size)
    return 0;
  if (r->size - r->off < sizeof(rec) || !pcapfile_window(r, r->off, sizeof(rec)))
    return -1; /* a truncated header: libpcap says so */
  memcpy(rec, r->map + (r->off - r->map_off), sizeof(rec));
  if (rec[2] > r->snaplen || rec[2] > rec[3] || r->size - r->off - sizeof(rec) < rec[2] ||
      !pcapfile_window(r, r->off, sizeof(rec) + rec[2]))
    return -1; /* longer than allowed, or cut short: libpcap's to judge */
  p = r->map + (r->off - r->map_off);
  /* Signed 32-bit fields, as libpcap reads them. */
  h->ts.tv_sec = (int32_t)rec[0];
  /* Nanoseconds, as libpcap gives them when asked for them (source.c). */
  h->ts.tv_usec = r->nsec ? (int32_t)rec[1] : (suseconds_t)(int32_t)rec[1] * 1000;
  h->caplen = rec[2];
  h->len = rec[3];
  *data = p + sizeof(rec);
  r->off += sizeof(rec) + rec[2];
  r->count++;
  return 1;
}

void Tf_pcapfile_close(struct tf_pcapfile *r)
{
  if (!r)
    return;
  if (r->map)
    munmap((void *)r->map, r->map_len);
  close(r->fd);
  free(r);
}
