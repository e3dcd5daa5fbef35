/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The connection partition function: both directions agree, the hash is
 * the documented one (known answers computed independently from the
 * specification in tcpflow(1) with Python), IPv4 ignores the unused key
 * bytes, VLAN and family count, partitions are even, K/N parsing.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "partition.h"
#include "testutil.h"

static struct tf_flow_key key(int family, uint16_t vlan, const char *src, uint16_t sport,
                              const char *dst, uint16_t dport)
{
  struct tf_flow_key k;
  memset(&k, 0, sizeof(k));
  k.family = (uint8_t)family;
  k.vlan = vlan;
  k.sport = sport;
  k.dport = dport;
  ck_assert_int_eq(inet_pton(family == 4 ? AF_INET : AF_INET6, src, k.src), 1);
  ck_assert_int_eq(inet_pton(family == 4 ? AF_INET : AF_INET6, dst, k.dst), 1);
  return k;
}

static struct tf_flow_key reverse(const struct tf_flow_key *k)
{
  struct tf_flow_key r = *k;
  r.sport = k->dport;
  r.dport = k->sport;
  memcpy(r.src, k->dst, 16);
  memcpy(r.dst, k->src, 16);
  return r;
}

START_TEST(known_answers)
{
  struct tf_flow_key a = key(4, TF_NO_VLAN, "10.0.0.1", 42001, "10.0.0.2", 80);
  struct tf_flow_key b = key(4, 7, "10.0.0.1", 42001, "10.0.0.2", 80);
  struct tf_flow_key c = key(6, TF_NO_VLAN, "2001:db8::1", 443, "2001:db8::2", 51000);
  ck_assert_uint_eq(Tf_partition_hash(&a), 0x3eb44fdde0e0ffaeULL);
  ck_assert_uint_eq(Tf_partition_hash(&b), 0x4a49ae329a3a3233ULL);
  ck_assert_uint_eq(Tf_partition_hash(&c), 0x587b695b7d2952b5ULL);
  ck_assert_uint_eq(Tf_partition_of(&a, 4), 0x3eb44fdde0e0ffaeULL % 4);
  ck_assert_uint_eq(Tf_partition_of(&a, 1), 0);
}
END_TEST

START_TEST(both_directions)
{
  srand(7);
  for (int i = 0; i < 2000; i++) {
    struct tf_flow_key k;
    memset(&k, 0, sizeof(k));
    k.family = (i & 1) ? 6 : 4;
    k.vlan = (i % 3) ? TF_NO_VLAN : (uint16_t)(i % 4095);
    for (int j = 0; j < (k.family == 4 ? 4 : 16); j++) {
      k.src[j] = (uint8_t)rand();
      k.dst[j] = (uint8_t)rand();
    }
    k.sport = (uint16_t)rand();
    k.dport = (uint16_t)rand();
    if (i % 10 == 0)
      memcpy(k.dst, k.src, 16); /* same host: the ports order the ends */
    struct tf_flow_key r = reverse(&k);
    ck_assert_uint_eq(Tf_partition_hash(&k), Tf_partition_hash(&r));
    for (uint32_t n = 1; n <= 9; n++)
      ck_assert_uint_eq(Tf_partition_of(&k, n), Tf_partition_of(&r, n));
  }
}
END_TEST

START_TEST(ipv4_spare_bytes_ignored)
{
  struct tf_flow_key a = key(4, TF_NO_VLAN, "192.168.1.1", 1234, "192.168.1.2", 80);
  struct tf_flow_key b = a;
  memset(b.src + 4, 0xee, 12);
  memset(b.dst + 4, 0x11, 12);
  ck_assert_uint_eq(Tf_partition_hash(&a), Tf_partition_hash(&b));
}
END_TEST

START_TEST(vlan_family_ports_count)
{
  struct tf_flow_key a = key(4, TF_NO_VLAN, "192.168.1.1", 1234, "192.168.1.2", 80);
  struct tf_flow_key v = a, p = a, f = a;
  v.vlan = 10;
  p.sport = 1235;
  f.family = 6; /* ::c0a8:101-ish: another connection */
  ck_assert_uint_ne(Tf_partition_hash(&a), Tf_partition_hash(&v));
  ck_assert_uint_ne(Tf_partition_hash(&a), Tf_partition_hash(&p));
  ck_assert_uint_ne(Tf_partition_hash(&a), Tf_partition_hash(&f));
}
END_TEST

/* Sequential client ports (what W2-like traffic has) spread evenly. */
START_TEST(even_spread)
{
  uint32_t counts[4] = {0, 0, 0, 0};
  struct tf_flow_key k = key(4, TF_NO_VLAN, "10.1.0.1", 0, "10.2.0.1", 80);
  for (uint32_t i = 0; i < 40000; i++) {
    k.sport = (uint16_t)(1024 + i % 60000);
    k.src[3] = (uint8_t)(1 + i / 60000);
    counts[Tf_partition_of(&k, 4)]++;
  }
  for (int i = 0; i < 4; i++) {
    ck_assert_uint_gt(counts[i], 9500);
    ck_assert_uint_lt(counts[i], 10500);
  }
}
END_TEST

START_TEST(parse)
{
  uint32_t k, n;
  char err[128];
  ck_assert_int_eq(Tf_partition_parse("0/4", &k, &n, err, sizeof(err)), 0);
  ck_assert_uint_eq(k, 0);
  ck_assert_uint_eq(n, 4);
  ck_assert_int_eq(Tf_partition_parse("3/4", &k, &n, err, sizeof(err)), 0);
  ck_assert_uint_eq(k, 3);
  ck_assert_int_eq(Tf_partition_parse("0/1", &k, &n, err, sizeof(err)), 0);
  ck_assert_int_eq(Tf_partition_parse("4/4", &k, &n, err, sizeof(err)), -1);
  ck_assert_ptr_nonnull(strstr(err, "0 <= K < N"));
  ck_assert_int_eq(Tf_partition_parse("0/0", &k, &n, err, sizeof(err)), -1);
  ck_assert_int_eq(Tf_partition_parse("0/5000", &k, &n, err, sizeof(err)), -1);
  ck_assert_int_eq(Tf_partition_parse("-1/4", &k, &n, err, sizeof(err)), -1);
  ck_assert_int_eq(Tf_partition_parse("1/", &k, &n, err, sizeof(err)), -1);
  ck_assert_int_eq(Tf_partition_parse("1/4x", &k, &n, err, sizeof(err)), -1);
  ck_assert_int_eq(Tf_partition_parse("", &k, &n, err, sizeof(err)), -1);
  ck_assert_ptr_nonnull(strstr(err, "K/N"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("partition");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, known_answers);
  tcase_add_test(tc, both_directions);
  tcase_add_test(tc, ipv4_spare_bytes_ignored);
  tcase_add_test(tc, vlan_family_ports_count);
  tcase_add_test(tc, even_spread);
  tcase_add_test(tc, parse);
  suite_add_tcase(s, tc);
  return tu_run(s);
}
