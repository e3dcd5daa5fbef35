/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * A scanner that records who tcpflow is when it sees the first packet and
 * the first flow bytes, for tests/integration/options.sh: with -U and -z,
 * privileges must be dropped and the chroot entered before any packet is
 * parsed.  It writes <privprobe packet_euid= packet_egid= data_euid=
 * in_jail=/> into the report's summary; in_jail says whether
 * /.privprobe-jail (a file the test puts into the chroot) is visible.
 */
#include <stdio.h>
#include <unistd.h>

#include <tcpflow/scanner.h>

static struct {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  long packet_euid, packet_egid, data_euid;
  int in_jail;
} pp = {NULL, NULL, -1, -1, -1, -1};

static int pp_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  pp.host = host;
  pp.ctx = ctx;
  *state = &pp;
  return TFS_OK;
}

static void pp_packet(void *state, const struct tfs_packet *pkt)
{
  (void)state;
  (void)pkt;
  if (pp.packet_euid >= 0)
    return;
  pp.packet_euid = (long)geteuid();
  pp.packet_egid = (long)getegid();
  pp.in_jail = access("/.privprobe-jail", F_OK) == 0;
}

static int pp_data(void *state, const struct tfs_flow_info *flow, uint64_t offset,
                   const uint8_t *data, size_t len)
{
  (void)state;
  (void)flow;
  (void)offset;
  (void)data;
  (void)len;
  if (pp.data_euid < 0)
    pp.data_euid = (long)geteuid();
  return TFS_OK;
}

static void pp_attr(const char *name, long v)
{
  char buf[32];
  snprintf(buf, sizeof(buf), "%ld", v);
  pp.host->xml_attr(pp.ctx, name, buf);
}

static int pp_run_end(void *state)
{
  (void)state;
  pp.host->xml_start(pp.ctx, "privprobe");
  pp_attr("packet_euid", pp.packet_euid);
  pp_attr("packet_egid", pp.packet_egid);
  pp_attr("data_euid", pp.data_euid);
  pp_attr("in_jail", pp.in_jail);
  pp.host->xml_end(pp.ctx);
  return TFS_OK;
}

static const struct tfs_scanner privprobe = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = "privprobe",
    .version = "1",
    .description = "test scanner that records the process's identity",
    .flags = TFS_SCANNER_WANTS_DATA | TFS_SCANNER_WANTS_PACKETS | TFS_SCANNER_STREAMS,
    .init = pp_init,
    .packet = pp_packet,
    .flow_data = pp_data,
    .run_end = pp_run_end,
};

TFS_SCANNER_ENTRY(privprobe)
