/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * depad IN OUT: copy a capture (pcap or pcapng) to a pcap file, cutting
 * every Ethernet frame that carries IPv4 or IPv6 (behind any VLAN tags) to
 * the length its IP header gives.  tcpflow 1.6.1 takes the Ethernet
 * trailer padding of short frames as TCP payload (upstream bug #261); on a
 * capture without padding it is right, so the differential test compares
 * our output with 1.6.1's on depadded captures.
 */
#include <pcap/pcap.h>
#include <stdio.h>

static size_t ip_end(const u_char *p, size_t len)
{
  size_t off = 12;
  while (off + 4 <= len && ((p[off] == 0x81 && p[off + 1] == 0x00) ||
                            (p[off] == 0x88 && p[off + 1] == 0xa8)))
    off += 4;
  if (off + 2 > len)
    return len;
  if (p[off] == 0x08 && p[off + 1] == 0x00 && off + 6 <= len) {
    size_t total = ((size_t)p[off + 4] << 8) | p[off + 5];
    if (total >= 20 && off + 2 + total < len)
      return off + 2 + total;
  } else if (p[off] == 0x86 && p[off + 1] == 0xdd && off + 8 <= len) {
    size_t plen = ((size_t)p[off + 6] << 8) | p[off + 7];
    if (plen > 0 && off + 2 + 40 + plen < len)
      return off + 2 + 40 + plen;
  }
  return len;
}

int main(int argc, char **argv)
{
  char err[PCAP_ERRBUF_SIZE];
  pcap_t *in;
  pcap_dumper_t *out;
  struct pcap_pkthdr *h;
  const u_char *data;
  int rc;
  if (argc != 3) {
    fprintf(stderr, "usage: depad IN OUT\n");
    return 2;
  }
  in = pcap_open_offline(argv[1], err);
  if (!in) {
    fprintf(stderr, "depad: %s\n", err);
    return 1;
  }
  out = pcap_dump_open(in, argv[2]);
  if (!out) {
    fprintf(stderr, "depad: %s\n", pcap_geterr(in));
    return 1;
  }
  while ((rc = pcap_next_ex(in, &h, &data)) == 1) {
    struct pcap_pkthdr c = *h;
    if (pcap_datalink(in) == DLT_EN10MB) {
      size_t end = ip_end(data, h->caplen);
      if (end < c.caplen) {
        c.len -= c.caplen - (bpf_u_int32)end;
        c.caplen = (bpf_u_int32)end;
      }
    }
    pcap_dump((u_char *)out, &c, data);
  }
  pcap_dump_close(out);
  pcap_close(in);
  return rc == PCAP_ERROR ? 1 : 0;
}
