/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Unit tests of the netviz scanner against the fake host: time units and
 * labels, number formats, the timeline's coarsening, which frames count
 * into which flow (the rules that make the charts agree with report.xml),
 * and the pictures it writes.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fake_host.h"
#include "netviz.h"
#include "nv_axis.h"
#include "nv_stats.h"

const struct tfs_scanner *tcpflow_scanner_describe(void);

#define US_S 1000000LL
#define US_D (86400LL * US_S)

/* ---------------------------------------------------------------- axis */

static struct nv_bin choose(int64_t first, int64_t last, int64_t *nbars)
{
  return Nv_axis_choose(first, last, 1000, 60, nbars);
}

START_TEST(axis_units_for_any_span)
{
  const int64_t t0 = 1270661369LL * US_S + 589296; /* 2010-04-07 17:29:29.589296 */
  int64_t n;
  struct nv_bin b;

  b = choose(t0, t0, &n);
  ck_assert_str_eq(b.name, "1 ms");
  ck_assert_int_eq(n, 1);
  b = choose(t0, t0 + 2241000, &n); /* 2.2 seconds */
  ck_assert_str_eq(b.name, "50 ms");
  ck_assert_int_le(n, 60);
  b = choose(t0, t0 + 3600 * US_S, &n); /* an hour: 61 minutes touched */
  ck_assert_str_eq(b.name, "2 minutes");
  ck_assert_int_eq(n, 31);
  b = choose(t0, t0 + 3 * 365 * US_D, &n);
  ck_assert_str_eq(b.name, "1 month");
  ck_assert_int_eq(n, 37);
  b = choose(t0, t0 + 30 * 366 * US_D, &n);
  ck_assert_str_eq(b.name, "1 year");
  ck_assert_int_eq(n, 31);
  /* A stored width of 10 s rules out 15-second bars (not a multiple). */
  b = Nv_axis_choose(t0, t0 + 10 * 60 * US_S, 10 * US_S, 60, &n);
  ck_assert_str_eq(b.name, "30 seconds");
}
END_TEST

START_TEST(axis_bins_are_aligned)
{
  int64_t n, idx;
  struct nv_bin b;
  char buf[64];
  /* 2021-03-17 (a Wednesday) over ~8 months: weeks start on Monday 03-15 */
  const int64_t t = 1615939200LL * US_S;
  b = Nv_axis_choose(t, t + 200 * US_D, US_D, 60, &n);
  ck_assert_str_eq(b.name, "1 week");
  idx = Nv_axis_bin_of(&b, t);
  Nv_axis_label(&b, Nv_axis_bin_start(&b, idx), 1, buf, sizeof(buf));
  ck_assert_str_eq(buf, "2021-03-15");
  /* calendar months */
  b = Nv_axis_choose(t, t + 900 * US_D, US_D, 60, &n);
  ck_assert_str_eq(b.name, "1 month");
  idx = Nv_axis_bin_of(&b, t);
  ck_assert_int_eq(Nv_axis_bin_start(&b, idx), 1614556800LL * US_S); /* 2021-03-01 */
  Nv_axis_label(&b, Nv_axis_bin_start(&b, idx + 10), 1, buf, sizeof(buf));
  ck_assert_str_eq(buf, "2022-01");
  /* sub-second labels carry milliseconds, minute labels the date when needed */
  b = choose(t, t + 2 * US_S, &n);
  Nv_axis_label(&b, t + 250000, 0, buf, sizeof(buf));
  ck_assert_str_eq(buf, "00:00:00.250");
  b = choose(t, t + 40 * 60 * US_S, &n);
  Nv_axis_label(&b, t + 60 * US_S, 1, buf, sizeof(buf));
  ck_assert_str_eq(buf, "03-17 00:01");
  /* ticks fall on round times: 50 ms bars are labelled every 500 ms */
  b = choose(t, t + 2100000, &n);
  ck_assert_str_eq(b.name, "50 ms");
  ck_assert_int_eq(Nv_axis_label_step(&b, n, 7), 10);
  b = Nv_axis_choose(t, t + 900 * US_D, US_D, 60, &n);
  ck_assert_int_eq(Nv_axis_label_step(&b, n, 7), 6);
  b = Nv_axis_choose(t, t + 2000 * US_D, US_D, 60, &n); /* quarters: yearly labels */
  ck_assert_str_eq(b.name, "3 months");
  ck_assert_int_eq(Nv_axis_label_step(&b, n, 7), 4);
  b = Nv_axis_choose(t, t + 100 * 366 * US_D, US_D, 60, &n); /* 2-year bars */
  ck_assert_str_eq(b.name, "2 years");
  ck_assert_int_eq(Nv_axis_label_step(&b, n, 7), 10);
  /* times before 1970 floor correctly */
  ck_assert_int_eq(Nv_floordiv(-1, 1000), -1);
  ck_assert_int_eq(Nv_floordiv(-1000, 1000), -1);
  ck_assert_int_eq(Nv_floordiv(999, 1000), 0);
}
END_TEST

START_TEST(numbers)
{
  char buf[64];
  Nv_fmt_bytes(999, buf, sizeof(buf));
  ck_assert_str_eq(buf, "999 B");
  Nv_fmt_bytes(1000, buf, sizeof(buf));
  ck_assert_str_eq(buf, "1.00 kB");
  Nv_fmt_bytes(652180, buf, sizeof(buf));
  ck_assert_str_eq(buf, "652 kB");
  Nv_fmt_bytes(99960, buf, sizeof(buf));
  ck_assert_str_eq(buf, "100 kB");
  Nv_fmt_bytes(12345678901ULL, buf, sizeof(buf));
  ck_assert_str_eq(buf, "12.3 GB");
  Nv_fmt_duration(2241000, buf, sizeof(buf));
  ck_assert_str_eq(buf, "2.2 seconds");
  Nv_fmt_duration(3 * 365 * US_D, buf, sizeof(buf));
  ck_assert_str_eq(buf, "3.0 years");
  Nv_fmt_time(1270661369LL * US_S + 589296, 1, buf, sizeof(buf));
  ck_assert_str_eq(buf, "2010-04-07 17:29:29.589296");
  ck_assert_uint_eq(Nv_nice_ceil(0), 1);
  ck_assert_uint_eq(Nv_nice_ceil(7), 8);
  ck_assert_uint_eq(Nv_nice_ceil(9), 10);
  ck_assert_uint_eq(Nv_nice_ceil(11), 12);
  ck_assert_uint_eq(Nv_nice_ceil(21), 25);
  ck_assert_uint_eq(Nv_nice_ceil(26), 30);
  ck_assert_uint_eq(Nv_nice_ceil(100), 100);
  ck_assert_uint_eq(Nv_nice_ceil(100827171), 120000000); /* 1.6.1's 101 MB bar: 120 MB axis */
  ck_assert_uint_eq(Nv_nice_ceil(UINT64_MAX - 1), UINT64_MAX);
}
END_TEST

/* ------------------------------------------------------------ timeline */

static uint64_t tl_total(const struct nv_timeline *tl)
{
  uint64_t sum = 0;
  for (size_t i = 0; i < tl->n; i++)
    for (int c = 0; c < NV_NCLASS; c++)
      sum += tl->b[i].bytes[c];
  return sum;
}

START_TEST(timeline_coarsens_and_prepends)
{
  struct nv_stats *st = Nv_stats_new(10);
  struct nv_timeline *tl = &st->tl;
  const int64_t t = 1600000000LL * US_S;
  Nv_timeline_add(tl, t, NV_HTTP, 100);
  ck_assert_int_eq(tl->width_us, 1000);
  ck_assert_uint_eq(tl->n, 1);
  Nv_timeline_add(tl, t + 5 * US_S, NV_HTTPS, 50); /* 5001 buckets of 1 ms */
  ck_assert_int_eq(tl->width_us, 1000);
  ck_assert_uint_eq(tl->n, 5001);
  Nv_timeline_add(tl, t + 100 * US_S, NV_SSH, 7); /* too many: 10 ms, then 100 ms */
  ck_assert_int_eq(tl->width_us, 10000);
  ck_assert_uint_eq(tl->n, 10001);
  Nv_timeline_add(tl, t - 3600 * US_S, NV_NOT_TCP, 1); /* earlier: prepended, coarser */
  ck_assert_int_le(tl->n, NV_MAX_BUCKETS);
  ck_assert_int_eq(tl->width_us, 1000000);
  ck_assert_uint_eq(tl_total(tl), 158);
  ck_assert_uint_eq(tl->b[0].bytes[NV_NOT_TCP], 1);
  ck_assert_uint_eq(tl->b[tl->n - 1].bytes[NV_SSH], 7);
  ck_assert_uint_eq(tl->b[3600].bytes[NV_HTTP], 100);
  ck_assert_uint_eq(tl->b[3605].bytes[NV_HTTPS], 50);
  /* Centuries apart still fit (days and coarser). */
  Nv_timeline_add(tl, -2000000000LL * US_S, NV_FTP, 3);
  Nv_timeline_add(tl, 4000000000LL * US_S, NV_FTP, 4);
  ck_assert_int_le(tl->n, NV_MAX_BUCKETS);
  ck_assert_uint_eq(tl_total(tl), 165);
  Nv_stats_free(st);
}
END_TEST

START_TEST(classes)
{
  ck_assert_int_eq(Nv_class_of_ports(41835, 80), NV_HTTP);
  ck_assert_int_eq(Nv_class_of_ports(443, 51000), NV_HTTPS);
  ck_assert_int_eq(Nv_class_of_ports(22, 443), NV_SSH); /* the lower known port */
  ck_assert_int_eq(Nv_class_of_ports(40000, 40001), NV_TCP_OTHER);
  ck_assert_int_eq(Nv_class_of_ports(1025, 445), NV_SMB);
  ck_assert_str_eq(Nv_class_name(NV_NOT_TCP), "not TCP");
}
END_TEST

/* ------------------------------------------------- frames, flows, pages */

/* An Ethernet / IPv4 / TCP frame from 10.0.0.a:sport to 10.0.0.b:dport. */
static size_t tcp_frame(uint8_t *f, int a, int b, uint16_t sport, uint16_t dport,
                        uint8_t flags, size_t payload)
{
  size_t iplen = 20 + 20 + payload;
  memset(f, 0, 14 + iplen);
  f[12] = 0x08;
  f[14] = 0x45;
  f[16] = (uint8_t)(iplen >> 8);
  f[17] = (uint8_t)iplen;
  f[22] = 64;
  f[23] = 6;
  f[26] = 10, f[29] = (uint8_t)a;
  f[30] = 10, f[33] = (uint8_t)b;
  f[34] = (uint8_t)(sport >> 8), f[35] = (uint8_t)sport;
  f[36] = (uint8_t)(dport >> 8), f[37] = (uint8_t)dport;
  f[46] = 0x50;
  f[47] = flags;
  return 14 + iplen;
}

static size_t udp_frame(uint8_t *f)
{
  size_t iplen = 20 + 8 + 4;
  memset(f, 0, 14 + iplen);
  f[12] = 0x08;
  f[14] = 0x45;
  f[17] = (uint8_t)iplen;
  f[23] = 17;
  f[26] = 10, f[29] = 1;
  f[30] = 10, f[33] = 2;
  return 14 + iplen;
}

struct rig {
  const struct tfs_scanner *sc;
  tfs_ctx *ctx;
  void *state;
  struct nv_stats *st;
  int64_t sec;
};

static void rig_start(struct rig *r, const char *format)
{
  memset(r, 0, sizeof(*r));
  r->sc = tcpflow_scanner_describe();
  r->ctx = Fake_host_new(r->sc);
  if (format)
    Fake_host_set(r->ctx, "netviz_format", format);
  Fake_host_set(r->ctx, "tcpflow.input", "unit.pcap");
  ck_assert_int_eq(r->sc->init(Fake_host_api(), r->ctx, &r->state), TFS_OK);
  r->st = ((struct nv_state *)r->state)->st;
  r->sec = 1600000000;
}

static void rig_frame(struct rig *r, const uint8_t *f, size_t len)
{
  struct tfs_packet p = {.struct_size = sizeof(p), .dlt = 1, .sec = r->sec++, .usec = 0,
                         .caplen = (uint32_t)len, .len = (uint32_t)len, .data = f};
  r->sc->packet(r->state, &p);
}

static struct tfs_flow_info rig_flow(struct rig *r, int a, int b, uint16_t sport, uint16_t dport)
{
  struct tfs_flow_info fi = Fake_host_flow(r->ctx, 0, 0, NULL, 0);
  fi.src_addr[0] = 10, fi.src_addr[3] = (uint8_t)a;
  fi.dst_addr[0] = 10, fi.dst_addr[3] = (uint8_t)b;
  fi.src_port = sport;
  fi.dst_port = dport;
  return fi;
}

static void rig_end(struct rig *r)
{
  ck_assert_int_eq(r->sc->run_end(r->state), TFS_OK);
}

static void rig_free(struct rig *r)
{
  r->sc->fini(r->state);
  Fake_host_free(r->ctx);
}

static const struct nv_addr_ent *find_src(const struct nv_stats *st, int a)
{
  for (size_t i = 0; i < st->src.n; i++)
    if (st->src.ents[i].addr[3] == a)
      return &st->src.ents[i];
  return NULL;
}

START_TEST(frames_follow_the_hosts_flows)
{
  struct rig r;
  uint8_t f[2048];
  struct tfs_flow_info a, b;
  size_t syn, data, fin, ack;
  const struct nv_addr_ent *e;

  rig_start(&r, NULL);
  /* SYN creates the flow, data goes into it, FIN closes it after counting */
  syn = tcp_frame(f, 1, 2, 40000, 80, 0x02, 0);
  rig_frame(&r, f, syn);
  a = rig_flow(&r, 1, 2, 40000, 80);
  r.sc->flow_open(r.state, &a);
  data = tcp_frame(f, 1, 2, 40000, 80, 0x18, 100);
  rig_frame(&r, f, data);
  fin = tcp_frame(f, 1, 2, 40000, 80, 0x11, 0);
  rig_frame(&r, f, fin);
  a.packets = 3;
  r.sc->flow_close(r.state, &a);
  /* a bare ACK after the close: the host drops it, so do we */
  ack = tcp_frame(f, 1, 2, 40000, 80, 0x10, 0);
  rig_frame(&r, f, ack);
  /* a sequence jump: the host closes the old flow without counting the
   * frame (3 packets, not 4) and opens a new one that does */
  data = tcp_frame(f, 1, 2, 40000, 80, 0x18, 10);
  rig_frame(&r, f, data);
  b = rig_flow(&r, 1, 2, 40000, 80);
  r.sc->flow_open(r.state, &b);
  rig_frame(&r, f, data);
  b.packets = 2;
  r.sc->flow_close(r.state, &b);
  /* a flow whose count we cannot match: its packets still count */
  a = rig_flow(&r, 3, 2, 40001, 443);
  r.sc->flow_open(r.state, &a);
  a.packets = 5;
  r.sc->flow_close(r.state, &a);
  ck_assert_int_eq(Fake_host_live_states(r.ctx), 0);
  rig_end(&r);

  ck_assert_uint_eq(r.st->frames, 6);
  ck_assert_uint_eq(r.st->flows, 3);
  ck_assert_uint_eq(r.st->flow_packets, 10);
  ck_assert_uint_eq(r.st->flows_inexact, 1);
  e = find_src(r.st, 1);
  ck_assert_ptr_nonnull(e);
  ck_assert_uint_eq(e->c.packets, 5);
  ck_assert_uint_eq(e->c.bytes, syn + tcp_frame(f, 1, 2, 0, 0, 0, 100) + fin + 2 * data);
  ck_assert_uint_eq(r.st->dport[80].packets, 5);
  ck_assert_uint_eq(r.st->dport[443].packets, 5);
  ck_assert_uint_eq(r.st->dport[443].bytes, 0);
  ck_assert_uint_eq(r.st->proto_bytes[NV_PROTO_TCP], r.st->frame_bytes);
  rig_free(&r);
}
END_TEST

START_TEST(second_syn_on_a_flow_with_data_is_ignored)
{
  struct rig r;
  uint8_t f[2048];
  struct tfs_flow_info a;
  size_t syn, data;
  rig_start(&r, NULL);
  syn = tcp_frame(f, 1, 2, 40000, 80, 0x02, 0);
  rig_frame(&r, f, syn);
  a = rig_flow(&r, 1, 2, 40000, 80);
  r.sc->flow_open(r.state, &a);
  data = tcp_frame(f, 1, 2, 40000, 80, 0x18, 20);
  rig_frame(&r, f, data);
  syn = tcp_frame(f, 1, 2, 40000, 80, 0x02, 0);
  rig_frame(&r, f, syn);
  rig_frame(&r, f, data);
  a.packets = 3;
  r.sc->flow_close(r.state, &a);
  rig_end(&r);
  ck_assert_uint_eq(r.st->flows_inexact, 0);
  ck_assert_uint_eq(r.st->flow_bytes, syn + 2 * data);
  rig_free(&r);
}
END_TEST

static char *slurp(struct rig *r, const char *name, size_t *len)
{
  char *s = Fake_host_slurp(r->ctx, name, len);
  ck_assert_msg(s != NULL, "%s was not written", name);
  return s;
}

/* A small capture: web traffic from two clients and one UDP frame. */
static void feed_sample(struct rig *r)
{
  uint8_t f[2048];
  struct tfs_flow_info a;
  size_t len;
  for (int c = 1; c <= 2; c++) {
    len = tcp_frame(f, c, 9, (uint16_t)(50000 + c), 443, 0x02, 0);
    rig_frame(r, f, len);
    a = rig_flow(r, c, 9, (uint16_t)(50000 + c), 443);
    r->sc->flow_open(r->state, &a);
    for (int i = 0; i < 4 * c; i++) {
      len = tcp_frame(f, c, 9, (uint16_t)(50000 + c), 443, 0x18, 500);
      rig_frame(r, f, len);
    }
    a.packets = 1 + 4 * (uint64_t)c;
    r->sc->flow_close(r->state, &a);
  }
  rig_frame(r, f, udp_frame(f));
}

START_TEST(pdf_is_written_and_reproducible)
{
  struct rig r;
  char *one, *two;
  size_t n1, n2;
  setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
  rig_start(&r, NULL);
  feed_sample(&r);
  rig_end(&r);
  one = slurp(&r, "report.pdf", &n1);
  ck_assert_int_gt(n1, 1000);
  ck_assert(memcmp(one, "%PDF-", 5) == 0);
  ck_assert_ptr_nonnull(strstr(Fake_host_log(r.ctx), "report.pdf"));
  rig_free(&r);

  rig_start(&r, "pdf");
  feed_sample(&r);
  rig_end(&r);
  two = slurp(&r, "report.pdf", &n2);
  ck_assert_uint_eq(n1, n2);
  ck_assert(memcmp(one, two, n1) == 0);
  rig_free(&r);
  free(one);
  free(two);
  unsetenv("SOURCE_DATE_EPOCH");
}
END_TEST

START_TEST(any_input_name)
{
  struct rig r;
  char name[600];
  rig_start(&r, NULL);
  /* not UTF-8, control characters, and too long for the page */
  memset(name, 'd', sizeof(name) - 1);
  name[sizeof(name) - 1] = '\0';
  static const char odd[] = "/captures/\xff\xfe\x01" "caf\xc3\xa9\xe2\x82";
  static const char utf8[] = "\xc3\xa9\xc3\xa9\xc3\xa9";
  memcpy(name, odd, sizeof(odd) - 1);
  memcpy(name + 300, utf8, sizeof(utf8) - 1);
  Fake_host_set(r.ctx, "tcpflow.input", name);
  feed_sample(&r);
  rig_end(&r);
  ck_assert_ptr_null(strstr(Fake_host_log(r.ctx), "E: "));
  rig_free(&r);
}
END_TEST

START_TEST(svg_and_png)
{
  struct rig r;
  char *s;
  size_t n;
  rig_start(&r, "svg");
  feed_sample(&r);
  rig_end(&r);
  s = slurp(&r, "report.svg", &n);
  ck_assert_ptr_nonnull(strstr(s, "<svg"));
  ck_assert_ptr_null(Fake_host_slurp(r.ctx, "report.pdf", NULL));
  free(s);
  rig_free(&r);
  rig_start(&r, "png");
  feed_sample(&r);
  rig_end(&r);
  s = slurp(&r, "report.png", &n);
  ck_assert(n > 8 && memcmp(s, "\x89PNG\r\n\x1a\n", 8) == 0);
  free(s);
  rig_free(&r);
}
END_TEST

START_TEST(empty_and_no_tcp)
{
  struct rig r;
  uint8_t f[256];
  char *s;
  size_t n;
  rig_start(&r, NULL);
  rig_end(&r);
  s = slurp(&r, "report.pdf", &n);
  ck_assert(memcmp(s, "%PDF-", 5) == 0);
  free(s);
  ck_assert_uint_eq(r.st->frames, 0);
  rig_free(&r);

  rig_start(&r, NULL);
  rig_frame(&r, f, udp_frame(f));
  rig_end(&r);
  ck_assert_uint_eq(r.st->frames, 1);
  ck_assert_uint_eq(r.st->flows, 0);
  ck_assert_uint_eq(r.st->proto_bytes[NV_PROTO_UDP], r.st->frame_bytes);
  s = slurp(&r, "report.pdf", &n);
  ck_assert(memcmp(s, "%PDF-", 5) == 0);
  free(s);
  rig_free(&r);
}
END_TEST

START_TEST(bad_settings_stop_the_run)
{
  const struct tfs_scanner *sc = tcpflow_scanner_describe();
  tfs_ctx *ctx = Fake_host_new(sc);
  void *state = NULL;
  Fake_host_set(ctx, "netviz_format", "gif");
  ck_assert_int_eq(sc->init(Fake_host_api(), ctx, &state), TFS_ERROR);
  ck_assert_ptr_nonnull(strstr(Fake_host_log(ctx), "netviz_format must be pdf, svg or png"));
  Fake_host_set(ctx, "netviz_format", NULL);
  Fake_host_set(ctx, "netviz_histogram_size", "0");
  ck_assert_int_eq(sc->init(Fake_host_api(), ctx, &state), TFS_ERROR);
  Fake_host_set(ctx, "netviz_histogram_size", "12x");
  ck_assert_int_eq(sc->init(Fake_host_api(), ctx, &state), TFS_ERROR);
  Fake_host_set(ctx, "netviz_histogram_size", NULL);
  Fake_host_set(ctx, "netviz_histogram_dump", "maybe");
  ck_assert_int_eq(sc->init(Fake_host_api(), ctx, &state), TFS_ERROR);
  ck_assert_ptr_nonnull(strstr(Fake_host_log(ctx), "netviz_histogram_dump must be 0 or 1"));
  ck_assert_ptr_null(state);
  Fake_host_free(ctx);
}
END_TEST

START_TEST(address_table_overflow_goes_to_others)
{
  struct rig r;
  struct tfs_flow_info a;
  rig_start(&r, NULL);
  r.st->src.max = r.st->dst.max = 2;
  for (int h = 1; h <= 4; h++) {
    a = rig_flow(&r, h, 100, 1000, 80);
    r.sc->flow_open(r.state, &a);
    a.packets = (uint64_t)h;
    r.sc->flow_close(r.state, &a);
  }
  ck_assert_uint_eq(r.st->src.n, 2);
  ck_assert_uint_eq(r.st->src.others.packets, 7);
  ck_assert_uint_eq(r.st->src.others_keys, 2);
  ck_assert_uint_eq(r.st->dst.n, 1);
  rig_end(&r);
  rig_free(&r);
}
END_TEST

static Suite *netviz_suite(void)
{
  Suite *s = suite_create("netviz");
  TCase *t = tcase_create("core");
  tcase_set_timeout(t, 60);
  tcase_add_test(t, axis_units_for_any_span);
  tcase_add_test(t, axis_bins_are_aligned);
  tcase_add_test(t, numbers);
  tcase_add_test(t, timeline_coarsens_and_prepends);
  tcase_add_test(t, classes);
  tcase_add_test(t, frames_follow_the_hosts_flows);
  tcase_add_test(t, second_syn_on_a_flow_with_data_is_ignored);
  tcase_add_test(t, pdf_is_written_and_reproducible);
  tcase_add_test(t, svg_and_png);
  tcase_add_test(t, any_input_name);
  tcase_add_test(t, empty_and_no_tcp);
  tcase_add_test(t, bad_settings_stop_the_run);
  tcase_add_test(t, address_table_overflow_goes_to_others);
  suite_add_tcase(s, t);
  return s;
}

int main(void)
{
  return Fake_host_run_suite(netviz_suite());
}
