/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* Unit tests of the http scanner, driven through its descriptor with the
 * fake host (plugins/testing/fake_host.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fake_host.h"
#include "mime.h"

const struct tfs_scanner *tcpflow_scanner_describe(void);

struct ch_run {
  const struct tfs_scanner *sc;
  tfs_ctx *ctx;
  void *state;
  uint64_t next_id;
};

static void ch_start(struct ch_run *r)
{
  r->sc = tcpflow_scanner_describe();
  r->ctx = Fake_host_new(r->sc);
  r->next_id = 1;
}

/* Settings must be in place before init. */
static void ch_init(struct ch_run *r)
{
  ck_assert_int_eq(r->sc->init(Fake_host_api(), r->ctx, &r->state), TFS_OK);
}

static void ch_stop(struct ch_run *r)
{
  r->sc->fini(r->state);
  Fake_host_free(r->ctx);
}

static void ch_flow(struct ch_run *r, uint64_t session, const char *name, const void *data,
                    size_t len, size_t step)
{
  struct tfs_flow_info f = Fake_host_flow(r->ctx, r->next_id++, session, name, len);
  ck_assert_int_eq(Fake_host_replay(r->sc, r->state, &f, data, len, step), TFS_OK);
}

static void ch_body_is(struct ch_run *r, const char *name, const void *want, size_t want_len)
{
  size_t got_len;
  char *got = Fake_host_slurp(r->ctx, name, &got_len);
  ck_assert_msg(got != NULL, "missing %s; files: %d xml: %s", name, Fake_host_files(r->ctx),
                Fake_host_xml(r->ctx));
  ck_assert_uint_eq(got_len, want_len);
  ck_assert_int_eq(memcmp(got, want, want_len), 0);
  free(got);
}

static void ch_absent(struct ch_run *r, const char *name)
{
  char *got = Fake_host_slurp(r->ctx, name, NULL);
  ck_assert_msg(got == NULL, "%s should not exist", name);
}

static void ch_xml_has(struct ch_run *r, const char *needle)
{
  ck_assert_msg(strstr(Fake_host_xml(r->ctx), needle) != NULL, "no <%s> in %s", needle,
                Fake_host_xml(r->ctx));
}

/* One flow of the given kind; its first body must be `body`, and the
 * report must contain `xml`. */
static void ch_one(const char *name, const char *msg, size_t len, size_t step,
                   const char *body_file, const char *body, size_t body_len, const char *xml)
{
  struct ch_run r;
  ch_start(&r);
  ch_init(&r);
  ch_flow(&r, 1, name, msg, len, step);
  ch_body_is(&r, body_file, body, body_len);
  ch_xml_has(&r, xml);
  ch_stop(&r);
}

/* zlib-compresses src; window 15+16 = gzip, 15 = zlib, -15 = raw. */
static uint8_t *ch_deflate(const void *src, size_t len, int window, size_t *out_len)
{
  z_stream s;
  uint8_t *out;
  size_t cap;
  memset(&s, 0, sizeof(s));
  ck_assert(deflateInit2(&s, 9, Z_DEFLATED, window, 8, Z_DEFAULT_STRATEGY) == Z_OK);
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

static char *ch_response(const char *headers, const void *body, size_t body_len, size_t *len);

/* A gzip-encoded response carrying z, malloc'd. */
static char *ch_gzip_response(const uint8_t *z, size_t zlen, size_t *len)
{
  char hdr[200];
  snprintf(hdr, sizeof(hdr),
           "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %zu\r\n\r\n", zlen);
  return ch_response(hdr, z, zlen, len);
}

/* A response with the given headers and a binary body, malloc'd. */
static char *ch_response(const char *headers, const void *body, size_t body_len, size_t *len)
{
  size_t hl = strlen(headers);
  char *m = malloc(hl + body_len + 1);
  memcpy(m, headers, hl);
  memcpy(m + hl, body, body_len);
  *len = hl + body_len;
  return m;
}

#define RESP_CL "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\n" \
                "first body\r\n"

START_TEST(content_length)
{
  struct ch_run r;
  ch_start(&r);
  ch_init(&r);
  ch_flow(&r, 1, "resp", RESP_CL, strlen(RESP_CL), 7);
  ch_body_is(&r, "resp-HTTPBODY-001.txt", "first body\r\n", 12);
  /* Same layout as 1.6.1: body offset after the header block. */
  ch_xml_has(&r, "<byte_runs><byte_run file_offset='65'><fileobject><filename>");
  ch_xml_has(&r, "resp-HTTPBODY-001.txt</filename><filesize>12</filesize></fileobject>"
             "</byte_run></byte_runs>");
  ch_xml_has(&r, "kind='response' number='1' offset='0' status='200'");
  ch_xml_has(&r, "md5='");
  ch_xml_has(&r, "end='complete'");
  ch_body_is(&r, "resp-HTTP", RESP_CL, 65);
  ch_stop(&r);
}
END_TEST

START_TEST(chunked)
{
  const char m[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n5\r\nchunk\r\n6\r\n-ed!!\n\r\n0\r\n\r\n";
  /* the first body byte follows the chunk-size line */
  ch_one("resp", m, strlen(m), 3, "resp-HTTPBODY-001.html", "chunk-ed!!\n", 11,
         "file_offset='90'");
}
END_TEST

static void ch_encoded(int window, const char *encoding, int no_decompress)
{
  struct ch_run r;
  char text[3000], hdr[256], name[64];
  size_t zlen, mlen, i;
  uint8_t *z;
  char *m;
  for (i = 0; i < sizeof(text); i++)
    text[i] = "abcdefghij\n"[i % 11];
  z = ch_deflate(text, sizeof(text), window, &zlen);
  snprintf(hdr, sizeof(hdr),
           "HTTP/1.1 200 OK\r\nContent-Type: text/css\r\nContent-Encoding: %s\r\n"
           "Content-Length: %zu\r\n\r\n", encoding, zlen);
  m = ch_response(hdr, z, zlen, &mlen);
  ch_start(&r);
  if (no_decompress)
    Fake_host_set(r.ctx, "tcpflow.no_decompress", "1");
  ch_init(&r);
  ch_flow(&r, 1, "resp", m, mlen, 100);
  snprintf(name, sizeof(name), "resp-HTTPBODY-001.css");
  if (no_decompress) {
    ch_body_is(&r, name, z, zlen);
  } else {
    ch_body_is(&r, name, text, sizeof(text));
    ch_xml_has(&r, "decoded_length='3000'");
    ch_xml_has(&r, "decode='ok'");
  }
  ch_absent(&r, "resp-HTTPBODY-001.css-GZIP");
  free(z);
  free(m);
  ch_stop(&r);
}

START_TEST(gzip_body) { ch_encoded(15 + 16, "gzip", 0); }
END_TEST
START_TEST(deflate_zlib_body) { ch_encoded(15, "deflate", 0); }
END_TEST
START_TEST(deflate_raw_body) { ch_encoded(-15, "deflate", 0); }
END_TEST
START_TEST(no_decompress_keeps_gzip) { ch_encoded(15 + 16, "gzip", 1); }
END_TEST

START_TEST(keep_compressed_companion)
{
  struct ch_run r;
  size_t zlen, mlen;
  uint8_t *z = ch_deflate("hello hello hello", 17, 15 + 16, &zlen);
  char *m;
  m = ch_gzip_response(z, zlen, &mlen);
  ch_start(&r);
  Fake_host_set(r.ctx, "http_keep_compressed", "YES");
  ch_init(&r);
  ch_flow(&r, 1, "resp", m, mlen, 0);
  ch_body_is(&r, "resp-HTTPBODY-001", "hello hello hello", 17);
  ch_body_is(&r, "resp-HTTPBODY-001-GZIP", z, zlen);
  ch_xml_has(&r, "compressed_file='");
  free(z);
  free(m);
  ch_stop(&r);
}
END_TEST

START_TEST(keepalive_304_gap_in_numbering)
{
  struct ch_run r;
  const char m[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 3\r\n\r\none"
                   "HTTP/1.1 304 Not Modified\r\nContent-Type: text/css\r\n\r\n"
                   "HTTP/1.1 200 OK\r\nContent-Type: text/css\r\nContent-Length: 5\r\n\r\nthree";
  ch_start(&r);
  ch_init(&r);
  ch_flow(&r, 1, "resp", m, strlen(m), 1);
  ch_body_is(&r, "resp-HTTPBODY-001.html", "one", 3);
  ch_absent(&r, "resp-HTTPBODY-002.css");
  ch_body_is(&r, "resp-HTTPBODY-003.css", "three", 5);
  ch_xml_has(&r, "number='2' offset='66' status='304'");
  /* the fake host writes no flow file: resp-HTTP and two bodies */
  ck_assert_int_eq(Fake_host_files(r.ctx), 3);
  ch_stop(&r);
}
END_TEST

START_TEST(head_paired_with_request)
{
  struct ch_run r;
  const char req[] = "HEAD /big HTTP/1.1\r\nHost: x\r\n\r\nGET /small HTTP/1.1\r\nHost: x\r\n\r\n";
  const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
                      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  ch_start(&r);
  ch_init(&r);
  ch_flow(&r, 9, "req", req, strlen(req), 0);
  ch_xml_has(&r, "kind='request' number='1' offset='0' method='HEAD' uri='/big'");
  Fake_host_clear(r.ctx);
  ch_flow(&r, 9, "resp", resp, strlen(resp), 0);
  ch_xml_has(&r, "number='1' offset='0' status='200' method='HEAD' uri='/big'");
  ch_xml_has(&r, "number='2' offset='41' status='200' method='GET' uri='/small'");
  ch_body_is(&r, "resp-HTTPBODY-002", "ok", 2);
  ch_stop(&r);
}
END_TEST

/* The same responses replayed before their requests: the HEAD response is
 * recognised by the status line right after its header block. */
START_TEST(head_unpaired)
{
  struct ch_run r;
  const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
                      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const char body[] = "HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\nnot HTTP/1.1 here";
  ch_start(&r);
  ch_init(&r);
  ch_flow(&r, 9, "resp", resp, strlen(resp), 0);
  ch_xml_has(&r, "number='2' offset='41' status='200'");
  ch_body_is(&r, "resp-HTTPBODY-002", "ok", 2);
  Fake_host_clear(r.ctx);
  /* A body that merely contains a status line is still a body. */
  ch_flow(&r, 10, "resp2", body, strlen(body), 0);
  ch_body_is(&r, "resp2-HTTPBODY-001", "not HTTP/1.1 here", 17);
  ch_stop(&r);
}
END_TEST

START_TEST(pipelined_pairing)
{
  struct ch_run r;
  const char req[] = "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nGET /c HTTP/1.1\r\n\r\n";
  const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA"
                      "HTTP/1.1 100 Continue\r\n\r\n"
                      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nB"
                      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nC";
  ch_start(&r);
  ch_init(&r);
  ch_flow(&r, 4, "req", req, strlen(req), 5);
  Fake_host_clear(r.ctx);
  ch_flow(&r, 4, "resp", resp, strlen(resp), 5);
  ch_xml_has(&r, "number='1' offset='0' status='200' method='GET' uri='/a'");
  ch_xml_has(&r, "number='2' offset='39' status='100' body");
  ch_xml_has(&r, "number='3' offset='64' status='200' method='GET' uri='/b'");
  ch_xml_has(&r, "status='200' method='GET' uri='/c'");
  ch_body_is(&r, "resp-HTTPBODY-004", "C", 1);
  ch_stop(&r);
}
END_TEST

START_TEST(post_body)
{
  const char req[] = "POST /form HTTP/1.1\r\nContent-Type: application/json\r\n"
                     "Content-Length: 9\r\n\r\n{\"a\": 1}\n";
  ch_one("req", req, strlen(req), 4, "req-HTTPBODY-001.json", "{\"a\": 1}\n", 9,
         "kind='request' number='1' offset='0' method='POST' uri='/form'");
}
END_TEST

START_TEST(midstream_resync)
{
  const char m[] = "rest of an earlier body\nHTTP/1.1 ... not a status line\n"
                   "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody";
  ch_one("resp", m, strlen(m), 10, "resp-HTTPBODY-001", "body", 4, "offset='55' status='200'");
}
END_TEST

/* One piece of a flow replayed with holes: p NULL stands for len bytes
 * the capture lost. */
struct ch_piece {
  const void *p;
  size_t len;
};

static void ch_gappy(struct ch_run *r, const char *name, const struct ch_piece *pc, size_t n)
{
  struct tfs_flow_info f;
  uint64_t off = 0;
  size_t i;
  for (i = 0; i < n; i++)
    off += pc[i].len;
  f = Fake_host_flow(r->ctx, r->next_id++, 1, name, off);
  off = 0;
  for (i = 0; i < n; i++) {
    ck_assert_int_eq(r->sc->flow_data(r->state, &f, off, pc[i].p, pc[i].len), TFS_OK);
    off += pc[i].len;
  }
  ck_assert_int_eq(r->sc->flow_close(r->state, &f), TFS_OK);
}

START_TEST(gap_in_body)
{
  struct ch_run r;
  const char a[] = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n0123";
  const char b[] = "abHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const struct ch_piece pc[] = {{a, strlen(a)}, {NULL, 14}, {b, strlen(b)}};
  ch_start(&r);
  ch_init(&r);
  ch_gappy(&r, "resp", pc, 3);
  /* zeros where the flow file has its hole, then the real tail */
  ch_body_is(&r, "resp-HTTPBODY-001", "0123\0\0\0\0\0\0\0\0\0\0\0\0\0\0ab", 20);
  ch_xml_has(&r, "body_length='20' decoded_length='20' gap_bytes='14'");
  ch_xml_has(&r, "end='complete'");
  ch_body_is(&r, "resp-HTTPBODY-002", "ok", 2);
  ch_stop(&r);
}
END_TEST

START_TEST(gap_past_body_end)
{
  struct ch_run r;
  const char a[] = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n0123";
  const char b[] = "P/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno\r\n"
                   "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const struct ch_piece pc[] = {{a, strlen(a)}, {NULL, 6}, {b, strlen(b)}};
  ch_start(&r);
  ch_init(&r);
  ch_gappy(&r, "resp", pc, 3);
  /* two zeros end the body; the next status line lost its start */
  ch_body_is(&r, "resp-HTTPBODY-001", "0123\0\0", 6);
  ch_xml_has(&r, "decoded_length='6' gap_bytes='2'");
  ch_body_is(&r, "resp-HTTPBODY-002", "ok", 2);
  ch_absent(&r, "resp-HTTPBODY-003");
  ch_stop(&r);
}
END_TEST

START_TEST(gap_in_chunk)
{
  struct ch_run r;
  const char a[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\n01";
  const char b[] = "\r\n3\r\nxyz\r\n0\r\n\r\n";
  const char c[] = "\n3\r\nxyz\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const struct ch_piece in_data[] = {{a, strlen(a)}, {NULL, 8}, {b, strlen(b)}};
  /* the gap runs past the chunk's data into its CRLF */
  const struct ch_piece past_data[] = {{a, strlen(a)}, {NULL, 9}, {c, strlen(c)}};
  ch_start(&r);
  ch_init(&r);
  ch_gappy(&r, "resp", in_data, 3);
  ch_body_is(&r, "resp-HTTPBODY-001", "01\0\0\0\0\0\0\0\0xyz", 13);
  ch_xml_has(&r, "decoded_length='13' gap_bytes='8'");
  ch_xml_has(&r, "end='complete'");
  Fake_host_clear(r.ctx);
  ch_gappy(&r, "resp2", past_data, 3);
  ch_body_is(&r, "resp2-HTTPBODY-001", "01\0\0\0\0\0\0\0\0", 10);
  ch_xml_has(&r, "decoded_length='10' gap_bytes='8'");
  ch_xml_has(&r, "end='gap'");
  ch_body_is(&r, "resp2-HTTPBODY-002", "ok", 2);
  ch_stop(&r);
}
END_TEST

START_TEST(gap_in_gzip)
{
  struct ch_run r;
  char text[50000], *m;
  size_t zlen, mlen, got, i;
  uint8_t *z;
  char *out;
  const char next[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  srand(5);
  for (i = 0; i < sizeof(text); i++)
    text[i] = (char)('a' + rand() % 26);
  z = ch_deflate(text, sizeof(text), 15 + 16, &zlen);
  m = ch_gzip_response(z, zlen, &mlen);
  {
    /* a hole of 1000 bytes in the middle of the compressed body */
    size_t cut = mlen - zlen / 2;
    const struct ch_piece pc[] = {
        {m, cut}, {NULL, 1000}, {m + cut + 1000, mlen - cut - 1000}, {next, strlen(next)}};
    ch_start(&r);
    Fake_host_set(r.ctx, "http_keep_compressed", "YES");
    ch_init(&r);
    ch_gappy(&r, "resp", pc, 4);
  }
  /* what inflated before the gap is kept, and is right */
  out = Fake_host_slurp(r.ctx, "resp-HTTPBODY-001", &got);
  ck_assert_ptr_nonnull(out);
  ck_assert_uint_gt(got, 0);
  ck_assert_uint_lt(got, sizeof(text));
  ck_assert_int_eq(memcmp(out, text, got), 0);
  free(out);
  ch_xml_has(&r, "gap_bytes='1000'");
  ch_xml_has(&r, "decode='truncated'");
  ch_xml_has(&r, "end='complete'");
  /* the compressed companion holds the zeros as the flow file does */
  out = Fake_host_slurp(r.ctx, "resp-HTTPBODY-001-GZIP", &got);
  ck_assert_ptr_nonnull(out);
  ck_assert_uint_eq(got, zlen);
  ck_assert_int_eq(memcmp(out + zlen / 2 + 500, "\0\0\0\0", 4), 0);
  free(out);
  ch_body_is(&r, "resp-HTTPBODY-002", "ok", 2);
  free(m);
  free(z);
  ch_stop(&r);
}
END_TEST

START_TEST(gap_in_headers)
{
  struct ch_run r;
  const char a[] = "HTTP/1.1 200 OK\r\nContent-Le";
  const char b[] = "\r\n\r\nbody lost with its length\n"
                   "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  const struct ch_piece pc[] = {{a, strlen(a)}, {NULL, 10}, {b, strlen(b)}};
  ch_start(&r);
  ch_init(&r);
  ch_gappy(&r, "resp", pc, 3);
  ch_xml_has(&r, "number='1' offset='0' body_length='0' decoded_length='0' end='gap'");
  ch_absent(&r, "resp-HTTPBODY-001");
  ch_body_is(&r, "resp-HTTPBODY-002", "ok", 2);
  ch_stop(&r);
}
END_TEST

START_TEST(gap_in_reason_phrase)
{
  struct ch_run r;
  const char a[] = "HTTP/1.0 302 MO";
  const char b[] = "ookie: x=y\r\nContent-Length: 4\r\n\r\nbody";
  const char c[] = "ookie: x=y\r\n\r\nbody of unknown end";
  const struct ch_piece framed[] = {{a, strlen(a)}, {NULL, 40}, {b, strlen(b)}};
  const struct ch_piece unframed[] = {{a, strlen(a)}, {NULL, 40}, {c, strlen(c)}};
  ch_start(&r);
  ch_init(&r);
  /* free text absorbs the gap; the length after it is trusted */
  ch_gappy(&r, "resp", framed, 3);
  ch_body_is(&r, "resp-HTTPBODY-001", "body", 4);
  ch_xml_has(&r, "status='302' body_offset='88' body_length='4' decoded_length='4' "
                 "head_gap_bytes='40'");
  ch_xml_has(&r, "end='complete'");
  Fake_host_clear(r.ctx);
  /* without one, the lost headers may have said where the body ends */
  ch_gappy(&r, "resp2", unframed, 3);
  ch_xml_has(&r, "head_gap_bytes='40' end='gap'");
  ch_absent(&r, "resp2-HTTPBODY-001");
  ch_stop(&r);
}
END_TEST

START_TEST(bad_chunk_size)
{
  struct ch_run r;
  const char m[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nZZ\r\n"
                   "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  ch_start(&r);
  ch_init(&r);
  ch_flow(&r, 1, "resp", m, strlen(m), 0);
  ch_body_is(&r, "resp-HTTPBODY-001", "abc", 3);
  ch_xml_has(&r, "end='parse_error'");
  ch_body_is(&r, "resp-HTTPBODY-002", "ok", 2);
  ch_stop(&r);
}
END_TEST

START_TEST(huge_header_line)
{
  struct ch_run r;
  const char tail[] = "\r\nContent-Length: 0\r\n\r\n"
                      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  size_t big = 100 * 1024, len;
  const char head[] = "HTTP/1.1 200 OK\r\nX-Big: ";
  char *m = malloc(big + 200);
  len = sizeof(head) - 1;
  memcpy(m, head, len);
  memset(m + len, 'a', big);
  memcpy(m + len + big, tail, sizeof(tail));
  len += big + strlen(tail);
  ch_start(&r);
  ch_init(&r);
  ch_flow(&r, 1, "resp", m, len, 4096);
  ch_xml_has(&r, "end='parse_error'");
  ch_body_is(&r, "resp-HTTPBODY-002", "ok", 2);
  free(m);
  ch_stop(&r);
}
END_TEST

START_TEST(lying_content_length)
{
  const char m[] = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this";
  ch_one("resp", m, strlen(m), 0, "resp-HTTPBODY-001", "only this", 9, "end='truncated'");
}
END_TEST

START_TEST(close_delimited)
{
  const char m[] = "HTTP/1.0 200 OK\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8 jpeg till the end";
  ch_one("resp", m, strlen(m), 6, "resp-HTTPBODY-001.jpg", "\xff\xd8 jpeg till the end", 20,
         "end='complete'");
}
END_TEST

START_TEST(bomb_capped)
{
  struct ch_run r;
  size_t n = 16u << 20, zlen, mlen, got;
  char *zeros = calloc(1, n), *m, *out;
  uint8_t *z = ch_deflate(zeros, n, 15 + 16, &zlen);
  m = ch_gzip_response(z, zlen, &mlen);
  ch_start(&r);
  Fake_host_set(r.ctx, "http_max_decompressed", "3000000");
  ch_init(&r);
  ch_flow(&r, 1, "resp", m, mlen, 0);
  out = Fake_host_slurp(r.ctx, "resp-HTTPBODY-001", &got);
  ck_assert_ptr_nonnull(out);
  /* the ratio cap (1000:1 past 1 MiB) stops it before the size cap */
  ck_assert_uint_lt(got, 3000000);
  ck_assert_uint_ge(got, 1024 * 1024);
  ch_xml_has(&r, "decode='capped'");
  free(out);
  free(m);
  free(z);
  free(zeros);
  ch_stop(&r);
}
END_TEST

START_TEST(corrupt_gzip_keeps_prefix)
{
  struct ch_run r;
  char text[50000], *m;
  size_t zlen, mlen, i;
  uint8_t *z;
  srand(3);
  for (i = 0; i < sizeof(text); i++)
    text[i] = (char)('a' + rand() % 26);
  z = ch_deflate(text, sizeof(text), 15 + 16, &zlen);
  memset(z + zlen / 2, 0xff, 32);
  m = ch_gzip_response(z, zlen, &mlen);
  ch_start(&r);
  ch_init(&r);
  ch_flow(&r, 1, "resp", m, mlen, 0);
  ch_xml_has(&r, "decode='corrupt'");
  ch_xml_has(&r, "end='complete'");
  free(m);
  free(z);
  ch_stop(&r);
}
END_TEST

START_TEST(upgrade_stops)
{
  struct ch_run r;
  const char m[] = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\n\r\n"
                   "\x81\x05hello HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno";
  ch_start(&r);
  ch_init(&r);
  ch_flow(&r, 1, "resp", m, sizeof(m) - 1, 0);
  ch_xml_has(&r, "status='101'");
  ch_xml_has(&r, "end='upgrade'");
  ck_assert_ptr_null(strstr(Fake_host_xml(r.ctx), "number='2'"));
  ch_absent(&r, "resp-HTTPBODY-002");
  ch_stop(&r);
}
END_TEST

START_TEST(mime_extensions)
{
  ck_assert_str_eq(Http_mime_ext("video/mp4"), "m4v");
  ck_assert_str_eq(Http_mime_ext("audio/mpeg"), "mpga");
  ck_assert_str_eq(Http_mime_ext("Text/HTML; charset=UTF-8"), "html");
  ck_assert_str_eq(Http_mime_ext("image/jpeg"), "jpg");
  ck_assert_str_eq(Http_mime_ext("application/javascript"), "js");
  ck_assert_ptr_null(Http_mime_ext("text/xml"));
  ck_assert_ptr_null(Http_mime_ext("application/octet-stream"));
  ck_assert_ptr_null(Http_mime_ext("application/x-gzip"));
  ck_assert_ptr_null(Http_mime_ext("font/woff"));
  ck_assert_ptr_null(Http_mime_ext(""));
  ck_assert_ptr_null(Http_mime_ext(NULL));
}
END_TEST

START_TEST(mime_table_sorted)
{
  unsigned i;
  for (i = 1; i < Http_mime_count; i++)
    ck_assert_int_lt(strcmp(Http_mime_table[i - 1].type, Http_mime_table[i].type), 0);
}
END_TEST

START_TEST(uri_never_names_files)
{
  struct ch_run r;
  const char req[] = "PUT /../../etc/passwd.html HTTP/1.1\r\nContent-Type: ../x/y\r\n"
                     "Content-Length: 2\r\n\r\nhi";
  ch_start(&r);
  ch_init(&r);
  ch_flow(&r, 1, "req", req, strlen(req), 0);
  ch_body_is(&r, "req-HTTPBODY-001", "hi", 2);
  ck_assert_int_eq(Fake_host_bad_suffixes(r.ctx), 0);
  ck_assert_int_eq(Fake_host_files(r.ctx), 2);
  ch_stop(&r);
}
END_TEST

START_TEST(not_http)
{
  struct ch_run r;
  const char m[] = "SSH-2.0-OpenSSH_9.2\r\nbinary stuff\x00\x01\n";
  ch_start(&r);
  ch_init(&r);
  ch_flow(&r, 1, "flow", m, sizeof(m) - 1, 0);
  ck_assert_str_eq(Fake_host_xml(r.ctx), "");
  ck_assert_int_eq(Fake_host_files(r.ctx), 0);
  ch_stop(&r);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("http");
  TCase *tc = tcase_create("scanner");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, content_length);
  tcase_add_test(tc, chunked);
  tcase_add_test(tc, gzip_body);
  tcase_add_test(tc, deflate_zlib_body);
  tcase_add_test(tc, deflate_raw_body);
  tcase_add_test(tc, no_decompress_keeps_gzip);
  tcase_add_test(tc, keep_compressed_companion);
  tcase_add_test(tc, keepalive_304_gap_in_numbering);
  tcase_add_test(tc, head_paired_with_request);
  tcase_add_test(tc, head_unpaired);
  tcase_add_test(tc, pipelined_pairing);
  tcase_add_test(tc, post_body);
  tcase_add_test(tc, midstream_resync);
  tcase_add_test(tc, gap_in_body);
  tcase_add_test(tc, gap_past_body_end);
  tcase_add_test(tc, gap_in_chunk);
  tcase_add_test(tc, gap_in_gzip);
  tcase_add_test(tc, gap_in_headers);
  tcase_add_test(tc, gap_in_reason_phrase);
  tcase_add_test(tc, bad_chunk_size);
  tcase_add_test(tc, huge_header_line);
  tcase_add_test(tc, lying_content_length);
  tcase_add_test(tc, close_delimited);
  tcase_add_test(tc, bomb_capped);
  tcase_add_test(tc, corrupt_gzip_keeps_prefix);
  tcase_add_test(tc, upgrade_stops);
  tcase_add_test(tc, mime_extensions);
  tcase_add_test(tc, mime_table_sorted);
  tcase_add_test(tc, uri_never_names_files);
  tcase_add_test(tc, not_http);
  suite_add_tcase(s, tc);
  return Fake_host_run_suite(s);
}
