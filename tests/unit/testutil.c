/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demux.h"
#include "flowtab.h"
#include "options.h"
#include "output.h"
#include "testutil.h"

struct tf_options tf_opt;
struct tf_run tu_ctx;
static char outdir[256];
static char *template_copy;

void tu_setup(void)
{
  Tf_options_defaults(&tf_opt);
  /* $TMPDIR, as builders set it, else /tmp. */
  snprintf(outdir, sizeof(outdir), "%s/tf-unit-XXXXXX", getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  if (!mkdtemp(outdir))
    abort();
  template_copy = strdup(TF_DEFAULT_TEMPLATE "");
  tf_opt.outdir = outdir;
  tf_opt.template_str = template_copy;
  Tf_run_init(&tu_ctx, &tf_opt);
  Tf_flowtab_init(&tu_ctx);
  Tf_output_init(&tu_ctx, 0);
  Tf_demux_init(&tu_ctx);
}

const char *tu_outdir(void)
{
  return outdir;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  (void)st;
  (void)type;
  (void)ftw;
  return remove(path);
}

void tu_teardown(void)
{
  Tf_demux_close_all(&tu_ctx);
  Tf_demux_shutdown(&tu_ctx);
  Tf_output_shutdown(&tu_ctx);
  Tf_flowtab_free(&tu_ctx);
  /* Depth first, links not followed: the directory and what tests left. */
  if (nftw(outdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
    fprintf(stderr, "cannot remove %s\n", outdir);
  free(template_copy);
}

static void parse_addr(const char *s, int *family, uint8_t *out)
{
  memset(out, 0, 16);
  if (inet_pton(AF_INET, s, out) == 1) {
    *family = 4;
    return;
  }
  if (inet_pton(AF_INET6, s, out) == 1) {
    *family = 6;
    return;
  }
  abort();
}

void tu_seg_vlan(int vlan, const char *src, uint16_t sport, const char *dst, uint16_t dport,
                 uint32_t seq, uint8_t flags, const void *data, size_t len, long ts_sec)
{
  struct tfl_packet pkt;
  memset(&pkt, 0, sizeof(pkt));
  pkt.dlt = 1;
  pkt.ts.tv_sec = ts_sec;
  pkt.caplen = pkt.wirelen = (uint32_t)(54 + len);
  pkt.link.vlan = vlan;
  parse_addr(src, &pkt.family, pkt.src);
  parse_addr(dst, &pkt.family, pkt.dst);
  pkt.sport = sport;
  pkt.dport = dport;
  pkt.seq = seq;
  pkt.flags = flags;
  pkt.payload = data;
  pkt.payload_len = len;
  Tf_demux_packet(&tu_ctx, &pkt);
}

void tu_seg(const char *src, uint16_t sport, const char *dst, uint16_t dport, uint32_t seq,
            uint8_t flags, const void *data, size_t len, long ts_sec)
{
  tu_seg_vlan(-1, src, sport, dst, dport, seq, flags, data, len, ts_sec);
}

char *tu_read(const char *name, size_t *len)
{
  char path[1024];
  FILE *fp;
  char *buf;
  long n;
  snprintf(path, sizeof(path), "%s/%s", outdir, name);
  fp = fopen(path, "rb");
  if (!fp)
    return NULL;
  fseek(fp, 0, SEEK_END);
  n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  if (fread(buf, 1, (size_t)n, fp) != (size_t)n)
    n = 0;
  buf[n] = '\0';
  fclose(fp);
  if (len)
    *len = (size_t)n;
  return buf;
}

int tu_count_files(void)
{
  DIR *d = opendir(outdir);
  struct dirent *e;
  int n = 0;
  while (d && (e = readdir(d)))
    if (e->d_name[0] != '.')
      n++;
  if (d)
    closedir(d);
  return n;
}

size_t tu_frame_ipv4(uint8_t *b, size_t cap, uint16_t vlan_tci, int use_vlan,
                     const char *payload, size_t plen, size_t pad)
{
  size_t o = 0, ip, iplen = 20 + 20 + plen;
  static const uint8_t macs[12] = {0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
  if (cap < 14 + 4 + iplen + pad)
    abort();
  memcpy(b, macs, 12);
  o = 12;
  if (use_vlan) {
    b[o++] = 0x81;
    b[o++] = 0x00;
    b[o++] = (uint8_t)(vlan_tci >> 8);
    b[o++] = (uint8_t)vlan_tci;
  }
  b[o++] = 0x08;
  b[o++] = 0x00;
  ip = o;
  memset(b + ip, 0, 40);
  b[ip] = 0x45;
  b[ip + 2] = (uint8_t)(iplen >> 8);
  b[ip + 3] = (uint8_t)iplen;
  b[ip + 8] = 64;
  b[ip + 9] = 6;
  b[ip + 12] = 10, b[ip + 15] = 1;
  b[ip + 16] = 10, b[ip + 19] = 2;
  b[ip + 20] = 0x9c, b[ip + 21] = 0x40; /* 40000 */
  b[ip + 23] = 80;
  b[ip + 27] = 1;                       /* seq 1 */
  b[ip + 32] = 0x50;                    /* data offset 5 */
  b[ip + 33] = 0x18;                    /* PSH ACK */
  memcpy(b + ip + 40, payload, plen);
  memset(b + ip + iplen, 0, pad);
  return ip + iplen + pad;
}

int tu_run(Suite *s)
{
  SRunner *sr = srunner_create(s);
  int failed;
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
