/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* Unit tests of the gzip scanner, driven through its descriptor. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fake_host.h"

const struct tfs_scanner *tcpflow_scanner_describe(void);

/* gzip-compresses src into a malloc'd buffer. */
static uint8_t *cg_gzip(const void *src, size_t len, size_t *out_len)
{
  z_stream s;
  size_t cap;
  uint8_t *out;
  memset(&s, 0, sizeof(s));
  ck_assert(deflateInit2(&s, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  cap = deflateBound(&s, len) + 64;
  out = malloc(cap);
  s.next_in = (Bytef *)(uintptr_t)src;
  s.avail_in = (uInt)len;
  s.next_out = out;
  s.avail_out = (uInt)cap;
  ck_assert(deflate(&s, Z_FINISH) == Z_STREAM_END);
  *out_len = s.total_out;
  deflateEnd(&s);
  return out;
}

struct cg_run {
  tfs_ctx *ctx;
  void *state;
  const struct tfs_scanner *sc;
};

static void cg_start(struct cg_run *r, const char *max)
{
  r->sc = tcpflow_scanner_describe();
  r->ctx = Fake_host_new(r->sc);
  if (max)
    Fake_host_set(r->ctx, "gzip_max_decompressed", max);
  ck_assert_int_eq(r->sc->init(Fake_host_api(), r->ctx, &r->state), TFS_OK);
}

static void cg_stop(struct cg_run *r)
{
  r->sc->fini(r->state);
  Fake_host_free(r->ctx);
}

static void cg_flow(struct cg_run *r, const void *data, size_t len, size_t step)
{
  struct tfs_flow_info f = Fake_host_flow(r->ctx, 1, 1, "flow", len);
  ck_assert_int_eq(Fake_host_replay(r->sc, r->state, &f, data, len, step), TFS_OK);
}

START_TEST(single_member)
{
  struct cg_run r;
  const char text[] = "hello, gzip world\n";
  size_t zlen, got;
  uint8_t *z = cg_gzip(text, strlen(text), &zlen);
  char *out;
  cg_start(&r, NULL);
  cg_flow(&r, z, zlen, 1); /* magic split over calls */
  out = Fake_host_slurp(r.ctx, "flow-GZIP", &got);
  ck_assert_ptr_nonnull(out);
  ck_assert_uint_eq(got, strlen(text));
  ck_assert_str_eq(out, text);
  ck_assert_ptr_nonnull(strstr(Fake_host_xml(r.ctx), "decoded_length='18'"));
  ck_assert_ptr_nonnull(strstr(Fake_host_xml(r.ctx), "status='ok'"));
  free(out);
  free(z);
  cg_stop(&r);
}
END_TEST

START_TEST(multi_member)
{
  struct cg_run r;
  size_t l1, l2, got;
  uint8_t *a = cg_gzip("first-", 6, &l1), *b = cg_gzip("second", 6, &l2);
  uint8_t *both = malloc(l1 + l2);
  char *out;
  memcpy(both, a, l1);
  memcpy(both + l1, b, l2);
  cg_start(&r, NULL);
  cg_flow(&r, both, l1 + l2, 0);
  out = Fake_host_slurp(r.ctx, "flow-GZIP", &got);
  ck_assert_ptr_nonnull(out);
  ck_assert_str_eq(out, "first-second");
  ck_assert_ptr_nonnull(strstr(Fake_host_xml(r.ctx), "status='ok'"));
  free(out);
  free(a);
  free(b);
  free(both);
  cg_stop(&r);
}
END_TEST

START_TEST(corrupt_keeps_prefix)
{
  struct cg_run r;
  char text[100000];
  size_t zlen, got, i;
  uint8_t *z;
  char *out;
  /* Incompressible-ish text so that the damage lands after some output. */
  srand(7);
  for (i = 0; i < sizeof(text); i++)
    text[i] = (char)('a' + rand() % 26);
  z = cg_gzip(text, sizeof(text), &zlen);
  memset(z + zlen / 2, 0xff, 64);
  cg_start(&r, NULL);
  cg_flow(&r, z, zlen, 1000);
  out = Fake_host_slurp(r.ctx, "flow-GZIP", &got);
  ck_assert_ptr_nonnull(out);
  ck_assert_uint_gt(got, 0);
  ck_assert_int_eq(memcmp(out, text, got > 1000 ? 1000 : got), 0);
  ck_assert_ptr_nonnull(strstr(Fake_host_xml(r.ctx), "status='corrupt'"));
  free(out);
  free(z);
  cg_stop(&r);
}
END_TEST

START_TEST(capped_bomb)
{
  struct cg_run r;
  size_t n = 8u << 20, zlen, got;
  char *zeros = calloc(1, n);
  uint8_t *z = cg_gzip(zeros, n, &zlen);
  char *out;
  cg_start(&r, "100000");
  cg_flow(&r, z, zlen, 0);
  out = Fake_host_slurp(r.ctx, "flow-GZIP", &got);
  ck_assert_ptr_nonnull(out);
  ck_assert_uint_eq(got, 100000);
  ck_assert_ptr_nonnull(strstr(Fake_host_xml(r.ctx), "status='capped'"));
  free(out);
  free(z);
  free(zeros);
  cg_stop(&r);
}
END_TEST

START_TEST(not_gzip_and_truncated)
{
  struct cg_run r;
  size_t zlen, got;
  uint8_t *z = cg_gzip("some text that will be cut", 26, &zlen);
  char *out;
  cg_start(&r, NULL);
  cg_flow(&r, "GET / HTTP/1.1\r\n\r\n", 18, 0);
  ck_assert_str_eq(Fake_host_xml(r.ctx), "");
  ck_assert_int_eq(Fake_host_files(r.ctx), 0);
  cg_flow(&r, z, zlen - 12, 0);
  ck_assert_ptr_nonnull(strstr(Fake_host_xml(r.ctx), "status='truncated'"));
  out = Fake_host_slurp(r.ctx, "flow-GZIP", &got);
  free(out);
  free(z);
  cg_stop(&r);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("gzip");
  TCase *tc = tcase_create("scanner");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, single_member);
  tcase_add_test(tc, multi_member);
  tcase_add_test(tc, corrupt_keeps_prefix);
  tcase_add_test(tc, capped_bomb);
  tcase_add_test(tc, not_gzip_and_truncated);
  suite_add_tcase(s, tc);
  return Fake_host_run_suite(s);
}
