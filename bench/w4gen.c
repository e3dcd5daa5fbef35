/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* w4gen: write a pcap of N synthetic short TCP/IPv4 connections.
   Per connection: SYN(mss), SYN/ACK(mss), ACK+request, response header,
   response body, FIN/ACK (client), FIN/ACK (server), ACK (client).
   Connections are emitted in waves of C: every packet of phase k for the whole
   wave, then phase k+1, so up to C connections are open at once and each
   response's two segments are C packets apart.  Checksums are valid. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
static FILE *out;
static uint32_t ts_us = 0, ts_s = 1700000000u;
static uint16_t ipid = 1;
static uint32_t csum_add(uint32_t s, const uint8_t *p, size_t n) {
  for (; n > 1; n -= 2, p += 2) s += (uint32_t)p[0] << 8 | p[1];
  if (n) s += (uint32_t)p[0] << 8;
  return s;
}
static uint16_t csum_fold(uint32_t s) { while (s >> 16) s = (s & 0xffff) + (s >> 16); return (uint16_t)~s; }
static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static void put32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static void pkt(uint32_t sip, uint32_t dip, uint16_t sp, uint16_t dp, uint32_t seq, uint32_t ack,
                uint8_t flags, int mss, const char *data, size_t dlen) {
  uint8_t b[2048];
  size_t thl = mss ? 24 : 20, len = 14 + 20 + thl + dlen;
  memset(b, 0, 14 + 20 + thl);
  static const uint8_t mc[6] = {0x02,0,0,0,0,0x02}, ms[6] = {0x02,0,0,0,0,0x01};
  int to_srv = (dp == 80);
  memcpy(b, to_srv ? ms : mc, 6); memcpy(b + 6, to_srv ? mc : ms, 6);
  b[12] = 0x08; b[13] = 0x00;
  uint8_t *ip = b + 14, *tcp = ip + 20;
  ip[0] = 0x45; put16(ip + 2, (uint16_t)(20 + thl + dlen)); put16(ip + 4, ipid++);
  put16(ip + 6, 0x4000); ip[8] = 64; ip[9] = 6; put32(ip + 12, sip); put32(ip + 16, dip);
  put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
  put16(tcp, sp); put16(tcp + 2, dp); put32(tcp + 4, seq); put32(tcp + 8, ack);
  tcp[12] = (uint8_t)((thl / 4) << 4); tcp[13] = flags; put16(tcp + 14, 64240);
  if (mss) { tcp[20] = 2; tcp[21] = 4; put16(tcp + 22, 1460); }
  if (dlen) memcpy(tcp + thl, data, dlen);
  uint8_t ph[12]; put32(ph, sip); put32(ph + 4, dip); ph[8] = 0; ph[9] = 6; put16(ph + 10, (uint16_t)(thl + dlen));
  put16(tcp + 16, csum_fold(csum_add(csum_add(0, ph, 12), tcp, thl + dlen)));
  uint32_t rh[4] = { ts_s, ts_us, (uint32_t)len, (uint32_t)len };
  fwrite(rh, 4, 4, out); fwrite(b, 1, len, out);
  if ((ts_us += 7) >= 1000000) { ts_us -= 1000000; ts_s++; }
}
#define F_FIN 1
#define F_SYN 2
#define F_PSH 8
#define F_ACK 16
int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: w4gen FLOWS CONC OUT.pcap\n"); return 2; }
  long n = atol(argv[1]), conc = atol(argv[2]);
  if (n < 1 || n > 16000000 || conc < 1) { fprintf(stderr, "bad args\n"); return 2; }
  out = fopen(argv[3], "wb"); if (!out) { perror(argv[3]); return 1; }
  static char obuf[1 << 20]; setvbuf(out, obuf, _IOFBF, sizeof obuf);
  uint32_t gh[6] = { 0xa1b2c3d4u, 0x00040002u, 0, 0, 262144, 1 };
  fwrite(gh, 4, 6, out);
  const uint32_t srv = 0x0a000001u; /* 10.0.0.1 */
  char req[256], hdr[256], body[256];
  for (long w = 0; w < n; w += conc) {
    long e = w + conc < n ? w + conc : n;
    for (int ph = 0; ph < 8; ph++) {
      for (long i = w; i < e; i++) {
        uint32_t cli = 0x0a400000u + (uint32_t)i;                 /* 10.64.0.0 + i */
        uint16_t cp = (uint16_t)(1024 + (i * 7919) % 64000);
        uint32_t ci = (uint32_t)(i * 2654435761u) ^ 0x5bd1e995u, si = ci * 40503u + 12345u;
        int rl = snprintf(req, sizeof req, "GET /obj/%07ld HTTP/1.1\r\nHost: w4.test\r\nUser-Agent: w4gen\r\n\r\n", i);
        int bl = snprintf(body, sizeof body, "object %07ld %.*s\n", i, (int)(16 + i % 48),
                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijkl");
        int hl = snprintf(hdr, sizeof hdr, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n", bl);
        uint32_t c1 = ci + 1, s1 = si + 1;
        switch (ph) {
        case 0: pkt(cli, srv, cp, 80, ci, 0, F_SYN, 1, 0, 0); break;
        case 1: pkt(srv, cli, 80, cp, si, c1, F_SYN | F_ACK, 1, 0, 0); break;
        case 2: pkt(cli, srv, cp, 80, c1, s1, F_ACK | F_PSH, 0, req, rl); break;
        case 3: pkt(srv, cli, 80, cp, s1, c1 + rl, F_ACK, 0, hdr, hl); break;
        case 4: pkt(srv, cli, 80, cp, s1 + hl, c1 + rl, F_ACK | F_PSH, 0, body, bl); break;
        case 5: pkt(cli, srv, cp, 80, c1 + rl, s1 + hl + bl, F_FIN | F_ACK, 0, 0, 0); break;
        case 6: pkt(srv, cli, 80, cp, s1 + hl + bl, c1 + rl + 1, F_FIN | F_ACK, 0, 0, 0); break;
        case 7: pkt(cli, srv, cp, 80, c1 + rl + 1, s1 + hl + bl + 1, F_ACK, 0, 0, 0); break;
        }
      }
    }
  }
  if (fclose(out)) { perror("close"); return 1; }
  return 0;
}
