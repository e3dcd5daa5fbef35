/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * wifi scanner: a summary of the air seen in 802.11 captures.
 *
 * It watches every raw frame (TFS_SCANNER_WANTS_PACKETS) and keeps three
 * bounded tables: the (beacon source, SSID) pairs that 1.6.1 reported as
 * <ssids>, the access points, and the stations with the BSSIDs they talked
 * to.  At the end of the run it writes them into <summary> and into
 * wifi-summary.txt in the output directory.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tcpflow/scanner.h>

#include "tfl_dot11.h"
#include "tfl_parse.h"
#include "tfl_utf8.h"

#define WIFI_SUMMARY_FILE "wifi-summary.txt"
#define WIFI_SSID_MAX 32
/* Room for an SSID with every byte escaped as \xHH. */
#define WIFI_SSID_TEXT (WIFI_SSID_MAX * 4 + 1)

/* Element ids and the values we look for in them. */
#define WIFI_IE_SSID 0
#define WIFI_IE_DS_PARAMS 3
#define WIFI_IE_RSN 48
#define WIFI_IE_VENDOR 221
#define WIFI_CAP_PRIVACY 0x0010

enum wifi_enc { WIFI_ENC_OPEN, WIFI_ENC_WEP, WIFI_ENC_WPA, WIFI_ENC_WPA2, WIFI_ENC_WPA3 };
static const char *const wifi_enc_names[] = {"open", "WEP", "WPA", "WPA2", "WPA3"};

/* One table entry.  The key is a byte string: the transmitter MAC then the
 * SSID for <ssids>, the BSSID for access points, the station MAC then the
 * BSSID for stations; that also gives the output order. */
struct wifi_ent {
  uint8_t key[6 + WIFI_SSID_MAX];
  uint8_t keylen;
  uint8_t ssid_len; /* access points: the network name */
  uint8_t ssid[WIFI_SSID_MAX];
  int channel;
  enum wifi_enc enc;
  uint64_t count;
};

/* Entries in arrival order plus an open-addressing index of them. */
struct wifi_tab {
  struct wifi_ent *ents;
  size_t n, cap;
  uint32_t *index; /* entry number + 1, 0 = free */
  size_t index_size;
  size_t max;
  uint64_t dropped;
};

struct wifi_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  struct wifi_tab ssids, aps, stations;
  uint64_t frames[4][16]; /* by type and subtype */
  uint64_t total, malformed, not_80211, protected_frames, bad_elements;
};

static const struct tfs_setting wifi_settings[] = {
    {"wifi_max_entries", "100000",
     "most access points, stations and SSIDs remembered (each); more are counted as dropped"},
    {NULL, NULL, NULL},
};

static uint32_t wifi_hash(const uint8_t *key, size_t len)
{
  uint32_t h = 2166136261u; /* FNV-1a */
  size_t i;
  for (i = 0; i < len; i++)
    h = (h ^ key[i]) * 16777619u;
  return h;
}

static int wifi_key_eq(const struct wifi_ent *e, const uint8_t *key, size_t len)
{
  return e->keylen == len && memcmp(e->key, key, len) == 0;
}

/* Rebuilds the index at twice the entry capacity, keeping probes short. */
static int wifi_tab_reindex(struct wifi_tab *t, size_t size)
{
  uint32_t *idx = calloc(size, sizeof(*idx));
  size_t i;
  if (!idx)
    return -1;
  for (i = 0; i < t->n; i++) {
    size_t slot = wifi_hash(t->ents[i].key, t->ents[i].keylen) & (size - 1);
    while (idx[slot])
      slot = (slot + 1) & (size - 1);
    idx[slot] = (uint32_t)(i + 1);
  }
  free(t->index);
  t->index = idx;
  t->index_size = size;
  return 0;
}

/* The entry for key, created zeroed when new; NULL when the table is full
 * (counted as dropped) or memory ran out. */
static struct wifi_ent *wifi_tab_get(struct wifi_tab *t, const uint8_t *key, size_t len)
{
  size_t slot;
  struct wifi_ent *e;
  if (t->index_size) {
    slot = wifi_hash(key, len) & (t->index_size - 1);
    while (t->index[slot]) {
      e = &t->ents[t->index[slot] - 1];
      if (wifi_key_eq(e, key, len))
        return e;
      slot = (slot + 1) & (t->index_size - 1);
    }
  }
  if (t->n >= t->max) {
    t->dropped++;
    return NULL;
  }
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 64;
    struct wifi_ent *ents;
    if (cap > t->max)
      cap = t->max;
    ents = realloc(t->ents, cap * sizeof(*ents));
    if (!ents) {
      t->dropped++;
      return NULL;
    }
    t->ents = ents;
    t->cap = cap;
  }
  if ((t->n + 1) * 2 > t->index_size) {
    size_t size = t->index_size ? t->index_size : 128;
    while ((t->n + 1) * 2 > size)
      size *= 2;
    if (wifi_tab_reindex(t, size) != 0) {
      t->dropped++;
      return NULL;
    }
  }
  e = &t->ents[t->n];
  memset(e, 0, sizeof(*e));
  memcpy(e->key, key, len);
  e->keylen = (uint8_t)len;
  e->channel = -1;
  slot = wifi_hash(key, len) & (t->index_size - 1);
  while (t->index[slot])
    slot = (slot + 1) & (t->index_size - 1);
  t->index[slot] = (uint32_t)(t->n + 1);
  t->n++;
  return e;
}

static int wifi_ent_cmp(const void *a, const void *b)
{
  const struct wifi_ent *x = a, *y = b;
  size_t n = x->keylen < y->keylen ? x->keylen : y->keylen;
  int c = memcmp(x->key, y->key, n);
  if (c)
    return c;
  return (int)x->keylen - (int)y->keylen;
}

/* Sorting destroys the index; done once, at the end of the run. */
static void wifi_tab_sort(struct wifi_tab *t)
{
  if (t->n > 1)
    qsort(t->ents, t->n, sizeof(*t->ents), wifi_ent_cmp);
  free(t->index);
  t->index = NULL;
  t->index_size = 0;
}

static void wifi_tab_free(struct wifi_tab *t)
{
  free(t->ents);
  free(t->index);
}

/* An SSID is any 0..32 bytes.  Printable ASCII and valid UTF-8 stay as they
 * are so names read naturally; anything else (and the backslash, to keep
 * the form unambiguous) becomes \xHH.  The same text goes to the XML, where
 * raw control bytes would make the report invalid. */
static void wifi_escape(const uint8_t *s, size_t n, char out[WIFI_SSID_TEXT])
{
  size_t i = 0, o = 0;
  while (i < n) {
    size_t u = s[i] >= 0x80 ? Tfl_utf8_len(s + i, n - i) : 0;
    if (u) {
      memcpy(out + o, s + i, u);
      o += u;
      i += u;
    } else if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
      out[o++] = (char)s[i++];
    } else {
      snprintf(out + o, 5, "\\x%02x", s[i++]);
      o += 4;
    }
  }
  out[o] = '\0';
}

static void wifi_mac(const uint8_t *m, char out[18])
{
  snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* What the elements of a beacon or probe response say. */
struct wifi_ap_info {
  int have_ssid;
  uint8_t ssid_len;
  uint8_t ssid[WIFI_SSID_MAX];
  int ds_channel;
  int rsn, wpa, sae;
};

/* RSN element: version, group suite, pairwise suites, then the AKM suites
 * that tell WPA3 (SAE, Suite B) from WPA2.  A truncated element still means
 * RSN. */
static void wifi_rsn(struct wifi_ap_info *ai, const uint8_t *d, uint8_t len)
{
  size_t off = 8, n, i;
  ai->rsn = 1;
  if (len < off)
    return;
  n = (size_t)d[6] | ((size_t)d[7] << 8);
  if (n > (len - off) / 4)
    return;
  off += 4 * n;
  if (len - off < 2)
    return;
  n = (size_t)d[off] | ((size_t)d[off + 1] << 8);
  off += 2;
  for (i = 0; i < n && len - off >= 4; i++, off += 4) {
    static const uint8_t ieee[3] = {0x00, 0x0f, 0xac};
    uint8_t akm = d[off + 3];
    if (memcmp(d + off, ieee, 3) != 0)
      continue;
    /* SAE, FT-SAE, Suite B 192, FT Suite B 384, SAE-EXT, FT-SAE-EXT */
    if (akm == 8 || akm == 9 || akm == 12 || akm == 13 || akm == 24 || akm == 25)
      ai->sae = 1;
  }
}

static void wifi_ap_ie(void *arg, uint8_t id, const uint8_t *data, uint8_t len)
{
  struct wifi_ap_info *ai = arg;
  static const uint8_t wpa_oui[4] = {0x00, 0x50, 0xf2, 0x01};
  switch (id) {
  case WIFI_IE_SSID:
    /* Longer than 32 bytes is not an SSID; keep the first valid one. */
    if (!ai->have_ssid && len <= WIFI_SSID_MAX) {
      ai->have_ssid = 1;
      ai->ssid_len = len;
      memcpy(ai->ssid, data, len);
    }
    break;
  case WIFI_IE_DS_PARAMS:
    if (len >= 1)
      ai->ds_channel = data[0];
    break;
  case WIFI_IE_RSN:
    wifi_rsn(ai, data, len);
    break;
  case WIFI_IE_VENDOR:
    if (len >= 4 && memcmp(data, wpa_oui, 4) == 0)
      ai->wpa = 1;
    break;
  default:
    break;
  }
}

/* A beacon or probe response: the sender is an access point. */
static void wifi_ap_frame(struct wifi_state *s, const struct tfl_dot11_frame *f)
{
  struct wifi_ap_info ai;
  struct wifi_ent *e;
  int privacy;
  memset(&ai, 0, sizeof(ai));
  ai.ds_channel = -1;
  if (f->body_len < 12) {
    s->bad_elements++;
    return;
  }
  privacy = (f->body[10] | (f->body[11] << 8)) & WIFI_CAP_PRIVACY;
  if (Tfl_dot11_walk_ies(f, wifi_ap_ie, &ai) != 0)
    s->bad_elements++;

  if (f->subtype == 8 && ai.have_ssid) {
    uint8_t key[6 + WIFI_SSID_MAX];
    memcpy(key, f->src, 6);
    memcpy(key + 6, ai.ssid, ai.ssid_len);
    e = wifi_tab_get(&s->ssids, key, 6 + (size_t)ai.ssid_len);
    if (e)
      e->count++;
  }

  e = wifi_tab_get(&s->aps, f->bssid, 6);
  if (!e)
    return;
  e->count++;
  /* Hidden networks beacon an empty or zeroed name; a probe response may
   * reveal the real one, so only a non-empty name replaces what we had. */
  if (ai.have_ssid && (ai.ssid_len > 0 || e->ssid_len == 0)) {
    e->ssid_len = ai.ssid_len;
    memcpy(e->ssid, ai.ssid, ai.ssid_len);
  }
  if (ai.ds_channel > 0)
    e->channel = ai.ds_channel;
  else if (e->channel < 0)
    e->channel = f->channel;
  if (ai.sae)
    e->enc = WIFI_ENC_WPA3;
  else if (ai.rsn)
    e->enc = WIFI_ENC_WPA2;
  else if (ai.wpa)
    e->enc = WIFI_ENC_WPA;
  else
    e->enc = privacy ? WIFI_ENC_WEP : WIFI_ENC_OPEN;
}

static int wifi_is_unicast(const uint8_t *mac)
{
  static const uint8_t zero[6];
  return !(mac[0] & 1) && memcmp(mac, zero, 6) != 0;
}

/* A frame that shows a station talking to a BSSID: data to or from the
 * distribution system, ad hoc data, and management frames that a non-AP
 * sends (probe, authentication, association requests). */
static void wifi_station_frame(struct wifi_state *s, const struct tfl_dot11_frame *f)
{
  const uint8_t *sta;
  uint8_t key[12];
  struct wifi_ent *e;
  if (f->type == 2) {
    if (f->to_ds && f->from_ds)
      return; /* WDS: between access points */
    sta = f->from_ds ? f->dst : f->src;
  } else if (f->type == 0) {
    if (f->subtype == 5 || f->subtype == 8 || memcmp(f->src, f->bssid, 6) == 0)
      return; /* sent by the access point */
    sta = f->src;
  } else {
    return;
  }
  if (!wifi_is_unicast(sta))
    return;
  memcpy(key, sta, 6);
  memcpy(key + 6, f->bssid, 6);
  e = wifi_tab_get(&s->stations, key, sizeof(key));
  if (e)
    e->count++;
}

static void wifi_packet(void *state, const struct tfs_packet *pkt)
{
  struct wifi_state *s = state;
  struct tfl_dot11_frame f;
  switch (Tfl_dot11_decode(pkt->dlt, pkt->data, pkt->caplen, &f)) {
  case TFL_DOT11_OK:
    break;
  case TFL_DOT11_UNSUPPORTED:
    s->not_80211++;
    return;
  default:
    s->malformed++;
    return;
  }
  s->total++;
  s->frames[f.type & 3][f.subtype & 15]++;
  if (f.protected_frame)
    s->protected_frames++;
  if (f.type == 0 && (f.subtype == 5 || f.subtype == 8) && !f.protected_frame)
    wifi_ap_frame(s, &f);
  wifi_station_frame(s, &f);
}

static const char *const wifi_type_names[4] = {"management", "control", "data", "extension"};

/* Subtype names (IEEE 802.11-2020 table 9-1); NULL for reserved ones. */
static const char *const wifi_subtype_names[4][16] = {
    {"assoc_req", "assoc_resp", "reassoc_req", "reassoc_resp", "probe_req", "probe_resp",
     "timing_advertisement", NULL, "beacon", "atim", "disassoc", "auth", "deauth", "action",
     "action_no_ack", NULL},
    {NULL, NULL, "trigger", "tack", "beamforming_report_poll", "vht_ndp_announcement",
     "control_frame_extension", "control_wrapper", "block_ack_req", "block_ack", "ps_poll",
     "rts", "cts", "ack", "cf_end", "cf_end_cf_ack"},
    {"data", "data_cf_ack", "data_cf_poll", "data_cf_ack_cf_poll", "null", "cf_ack",
     "cf_poll", "cf_ack_cf_poll", "qos_data", "qos_data_cf_ack", "qos_data_cf_poll",
     "qos_data_cf_ack_cf_poll", "qos_null", NULL, "qos_cf_poll", "qos_cf_ack_cf_poll"},
    {"dmg_beacon", "s1g_beacon", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, NULL},
};

static void wifi_subtype_name(int type, int subtype, char out[16])
{
  const char *n = wifi_subtype_names[type][subtype];
  if (n)
    snprintf(out, 16, "%s", n);
  else
    snprintf(out, 16, "reserved_%d", subtype);
}

static void wifi_attr_u64(struct wifi_state *s, const char *name, uint64_t v)
{
  char buf[24];
  snprintf(buf, sizeof(buf), "%" PRIu64, v);
  s->host->xml_attr(s->ctx, name, buf);
}

/* 1.6.1's element, kept for compatibility. */
static void wifi_xml_ssids(struct wifi_state *s)
{
  const struct tfs_host *h = s->host;
  size_t i;
  h->xml_start(s->ctx, "ssids");
  for (i = 0; i < s->ssids.n; i++) {
    const struct wifi_ent *e = &s->ssids.ents[i];
    char mac[18], ssid[WIFI_SSID_TEXT];
    wifi_mac(e->key, mac);
    wifi_escape(e->key + 6, e->keylen - 6u, ssid);
    h->xml_start(s->ctx, "ssid");
    h->xml_attr(s->ctx, "mac", mac);
    h->xml_attr(s->ctx, "ssid", ssid);
    wifi_attr_u64(s, "count", e->count);
    h->xml_end(s->ctx);
  }
  h->xml_end(s->ctx);
}

static void wifi_xml_air(struct wifi_state *s)
{
  const struct tfs_host *h = s->host;
  size_t i;
  int t, st;
  h->xml_start(s->ctx, "wifi");
  wifi_attr_u64(s, "frames", s->total);
  wifi_attr_u64(s, "malformed", s->malformed);
  wifi_attr_u64(s, "not_80211", s->not_80211);
  wifi_attr_u64(s, "protected", s->protected_frames);
  wifi_attr_u64(s, "bad_elements", s->bad_elements);
  wifi_attr_u64(s, "ssids_dropped", s->ssids.dropped);

  h->xml_start(s->ctx, "access_points");
  wifi_attr_u64(s, "count", s->aps.n);
  wifi_attr_u64(s, "dropped", s->aps.dropped);
  for (i = 0; i < s->aps.n; i++) {
    const struct wifi_ent *e = &s->aps.ents[i];
    char mac[18], ssid[WIFI_SSID_TEXT];
    wifi_mac(e->key, mac);
    wifi_escape(e->ssid, e->ssid_len, ssid);
    h->xml_start(s->ctx, "ap");
    h->xml_attr(s->ctx, "bssid", mac);
    h->xml_attr(s->ctx, "ssid", ssid);
    if (e->channel > 0)
      wifi_attr_u64(s, "channel", (uint64_t)e->channel);
    h->xml_attr(s->ctx, "encryption", wifi_enc_names[e->enc]);
    wifi_attr_u64(s, "frames", e->count);
    h->xml_end(s->ctx);
  }
  h->xml_end(s->ctx);

  h->xml_start(s->ctx, "stations");
  wifi_attr_u64(s, "count", s->stations.n);
  wifi_attr_u64(s, "dropped", s->stations.dropped);
  for (i = 0; i < s->stations.n; i++) {
    const struct wifi_ent *e = &s->stations.ents[i];
    char mac[18], bssid[18];
    wifi_mac(e->key, mac);
    wifi_mac(e->key + 6, bssid);
    h->xml_start(s->ctx, "station");
    h->xml_attr(s->ctx, "mac", mac);
    h->xml_attr(s->ctx, "bssid", bssid);
    wifi_attr_u64(s, "frames", e->count);
    h->xml_end(s->ctx);
  }
  h->xml_end(s->ctx);

  h->xml_start(s->ctx, "frame_types");
  for (t = 0; t < 4; t++)
    for (st = 0; st < 16; st++) {
      char sub[16];
      if (!s->frames[t][st])
        continue;
      wifi_subtype_name(t, st, sub);
      h->xml_start(s->ctx, "frame_type");
      h->xml_attr(s->ctx, "type", wifi_type_names[t]);
      h->xml_attr(s->ctx, "subtype", sub);
      wifi_attr_u64(s, "count", s->frames[t][st]);
      h->xml_end(s->ctx);
    }
  h->xml_end(s->ctx);
  h->xml_end(s->ctx);
}

static void wifi_text(struct wifi_state *s, FILE *fp)
{
  size_t i;
  int t, st;
  fprintf(fp, "802.11 frames: %" PRIu64 " (malformed %" PRIu64 ", not 802.11 %" PRIu64
              ", protected %" PRIu64 ", bad elements %" PRIu64 ")\n",
          s->total, s->malformed, s->not_80211, s->protected_frames, s->bad_elements);

  fprintf(fp, "\nAccess points: %zu (dropped %" PRIu64 ")\n", s->aps.n, s->aps.dropped);
  if (s->aps.n)
    fprintf(fp, "  %-17s %4s %-4s %10s  %s\n", "BSSID", "CH", "ENC", "FRAMES", "SSID");
  for (i = 0; i < s->aps.n; i++) {
    const struct wifi_ent *e = &s->aps.ents[i];
    char mac[18], ssid[WIFI_SSID_TEXT], ch[12] = "-";
    wifi_mac(e->key, mac);
    wifi_escape(e->ssid, e->ssid_len, ssid);
    if (e->channel > 0)
      snprintf(ch, sizeof(ch), "%d", e->channel);
    fprintf(fp, "  %-17s %4s %-4s %10" PRIu64 "  \"%s\"\n", mac, ch, wifi_enc_names[e->enc],
            e->count, ssid);
  }

  fprintf(fp, "\nStations: %zu (dropped %" PRIu64 ")\n", s->stations.n, s->stations.dropped);
  if (s->stations.n)
    fprintf(fp, "  %-17s %-17s %10s\n", "STATION", "BSSID", "FRAMES");
  for (i = 0; i < s->stations.n; i++) {
    const struct wifi_ent *e = &s->stations.ents[i];
    char mac[18], bssid[18];
    wifi_mac(e->key, mac);
    wifi_mac(e->key + 6, bssid);
    fprintf(fp, "  %-17s %-17s %10" PRIu64 "\n", mac, bssid, e->count);
  }

  fprintf(fp, "\nSSIDs in beacons: %zu (dropped %" PRIu64 ")\n", s->ssids.n, s->ssids.dropped);
  for (i = 0; i < s->ssids.n; i++) {
    const struct wifi_ent *e = &s->ssids.ents[i];
    char mac[18], ssid[WIFI_SSID_TEXT];
    wifi_mac(e->key, mac);
    wifi_escape(e->key + 6, e->keylen - 6u, ssid);
    fprintf(fp, "  %-17s %10" PRIu64 "  \"%s\"\n", mac, e->count, ssid);
  }

  fprintf(fp, "\nFrame types:\n");
  for (t = 0; t < 4; t++)
    for (st = 0; st < 16; st++) {
      char sub[16];
      if (!s->frames[t][st])
        continue;
      wifi_subtype_name(t, st, sub);
      fprintf(fp, "  %-10s %-24s %10" PRIu64 "\n", wifi_type_names[t], sub, s->frames[t][st]);
    }
}

static int wifi_write_file(struct wifi_state *s)
{
  const char *dir = s->host->setting(s->ctx, "tcpflow.outdir");
  char path[4096];
  FILE *fp;
  int n;
  if (!dir || !*dir)
    dir = ".";
  n = snprintf(path, sizeof(path), "%s/%s", dir, WIFI_SUMMARY_FILE);
  if (n < 0 || (size_t)n >= sizeof(path)) {
    s->host->log(s->ctx, TFS_LOG_ERROR, "output directory name too long for %s",
                 WIFI_SUMMARY_FILE);
    return TFS_ERROR;
  }
  fp = fopen(path, "w");
  if (!fp) {
    s->host->log(s->ctx, TFS_LOG_ERROR, "cannot create %s: %s", path, strerror(errno));
    return TFS_ERROR;
  }
  wifi_text(s, fp);
  if (fclose(fp) != 0) {
    s->host->log(s->ctx, TFS_LOG_ERROR, "cannot write %s: %s", path, strerror(errno));
    return TFS_ERROR;
  }
  return TFS_OK;
}

static int wifi_run_end(void *state)
{
  struct wifi_state *s = state;
  wifi_tab_sort(&s->ssids);
  wifi_tab_sort(&s->aps);
  wifi_tab_sort(&s->stations);
  wifi_xml_ssids(s);
  wifi_xml_air(s);
  return wifi_write_file(s);
}

static int wifi_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  const char *v = host->setting(ctx, "wifi_max_entries");
  struct wifi_state *s;
  uint64_t max;
  /* The index stores entry numbers in 32 bits. */
  if (Tfl_parse_u64(v, 1, 0x7fffffffu, &max) != 0) {
    host->log(ctx, TFS_LOG_ERROR, "wifi_max_entries must be a number from 1 to %u, not '%s'",
              0x7fffffffu, v ? v : "");
    return TFS_ERROR;
  }
  s = calloc(1, sizeof(*s));
  if (!s) {
    host->log(ctx, TFS_LOG_ERROR, "out of memory");
    return TFS_ERROR;
  }
  s->host = host;
  s->ctx = ctx;
  s->ssids.max = s->aps.max = s->stations.max = (size_t)max;
  *state = s;
  return TFS_OK;
}

static void wifi_fini(void *state)
{
  struct wifi_state *s = state;
  if (!s)
    return;
  wifi_tab_free(&s->ssids);
  wifi_tab_free(&s->aps);
  wifi_tab_free(&s->stations);
  free(s);
}

static const struct tfs_scanner wifi_scanner = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = "wifi",
    .version = "1.0",
    .description = "summary of 802.11 captures: access points, stations, SSIDs, frame types",
    .flags = TFS_SCANNER_WANTS_PACKETS,
    .settings = wifi_settings,
    .init = wifi_init,
    .packet = wifi_packet,
    .run_end = wifi_run_end,
    .fini = wifi_fini,
};

TFS_SCANNER_ENTRY(wifi_scanner)
