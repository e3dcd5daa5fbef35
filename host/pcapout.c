/*
 * -w and -K through libpcap's savefile writer.  -K keeps a small LRU cache
 * of open writers so any number of flows works; a flow's file is created
 * (truncated) the first time in a run and appended to after that.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "output.h"
#include "pcapout.h"

#define KPCAP_CACHE 64
#define SNAPLEN 262144

struct tf_kpcap {
  struct tf_flow *flow;
  pcap_t *dead;
  pcap_dumper_t *dumper;
  struct tf_kpcap *prev, *next; /* LRU, most recent first */
};

static const char *unproc_path;
static pcap_t *unproc_dead;
static pcap_dumper_t *unproc;
static int unproc_dlt = -1;
static int unproc_warned;

static struct tf_kpcap *lru_head, *lru_tail;
static int kcount;

tf_err Tf_pcapout_unprocessed_open(const char *path)
{
  unproc_path = path;
  return TF_OK;
}

static pcap_dumper_t *pco_open(int dlt, const char *path, int append, pcap_t **dead)
{
  pcap_dumper_t *d;
  *dead = pcap_open_dead_with_tstamp_precision(dlt, SNAPLEN, PCAP_TSTAMP_PRECISION_MICRO);
  if (!*dead)
    return NULL;
  d = append ? pcap_dump_open_append(*dead, path) : pcap_dump_open(*dead, path);
  if (!d) {
    Tf_log_error("cannot write %s: %s", path, pcap_geterr(*dead));
    pcap_close(*dead);
    *dead = NULL;
  }
  return d;
}

static void pco_record(pcap_dumper_t *d, const struct tf_packet *pkt)
{
  struct pcap_pkthdr h;
  h.ts = pkt->ts;
  h.caplen = pkt->caplen;
  h.len = pkt->wirelen;
  pcap_dump((u_char *)d, &h, pkt->frame);
}

void Tf_pcapout_unprocessed(const struct tf_packet *pkt)
{
  if (!unproc_path)
    return;
  if (!unproc && unproc_dlt < 0) {
    unproc_dlt = pkt->dlt;
    unproc = pco_open(pkt->dlt, unproc_path, 0, &unproc_dead);
  }
  if (!unproc)
    return;
  if (pkt->dlt != unproc_dlt) {
    /* A pcap file has one link type: frames of another cannot go in. */
    if (!unproc_warned++)
      Tf_log_warn("-w %s: holds link type %d; frames of link type %d are not written",
                  unproc_path, unproc_dlt, pkt->dlt);
    return;
  }
  pco_record(unproc, pkt);
}

static void lru_unlink(struct tf_kpcap *k)
{
  if (k->prev)
    k->prev->next = k->next;
  else
    lru_head = k->next;
  if (k->next)
    k->next->prev = k->prev;
  else
    lru_tail = k->prev;
  k->prev = k->next = NULL;
}

static void lru_front(struct tf_kpcap *k)
{
  k->next = lru_head;
  k->prev = NULL;
  if (lru_head)
    lru_head->prev = k;
  lru_head = k;
  if (!lru_tail)
    lru_tail = k;
}

static void kpcap_release(struct tf_kpcap *k)
{
  lru_unlink(k);
  pcap_dump_close(k->dumper);
  pcap_close(k->dead);
  k->flow->kpcap = NULL;
  free(k);
  kcount--;
}

/* The first time: a new file named like a flow file, counter probed with
 * an exclusive create so earlier runs and connections are never lost. */
static tf_err pco_create(struct tf_flow *f)
{
  char path[4200];
  for (uint32_t counter = 0; counter < 1000000; counter++) {
    int len = Tf_output_name(f, counter, path, sizeof(path) - 5);
    int fd;
    if (len < 0)
      break;
    memcpy(path + len, ".pcap", 6);
    if (Tf_output_mkdirs(path) != TF_OK)
      return TF_ERR_OUTPUT;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      close(fd);
      f->connection_count = counter;
      f->path = strdup(path);
      return f->path ? TF_OK : TF_ERR_NOMEM;
    }
    if (errno != EEXIST) {
      Tf_log_error("cannot create %s: %s", path, strerror(errno));
      return TF_ERR_OUTPUT;
    }
  }
  Tf_log_error("cannot build a safe file name for a -K flow");
  return TF_ERR_OUTPUT;
}

tf_err Tf_pcapout_flow(struct tf_flow *f, const struct tf_packet *pkt)
{
  struct tf_kpcap *k = f->kpcap;
  if (!k) {
    tf_err e;
    if (!f->kpcap_started && (e = pco_create(f)) != TF_OK)
      return e;
    if (kcount >= KPCAP_CACHE)
      kpcap_release(lru_tail);
    k = calloc(1, sizeof(*k));
    if (!k)
      return TF_ERR_NOMEM;
    k->dumper = pco_open(pkt->dlt, f->path, f->kpcap_started, &k->dead);
    if (!k->dumper) {
      free(k);
      return TF_ERR_OUTPUT;
    }
    k->flow = f;
    f->kpcap = k;
    f->kpcap_started = 1;
    kcount++;
  } else {
    lru_unlink(k);
  }
  lru_front(k);
  pco_record(k->dumper, pkt);
  return TF_OK;
}

void Tf_pcapout_flow_close(struct tf_flow *f)
{
  if (f->kpcap)
    kpcap_release(f->kpcap);
}

void Tf_pcapout_shutdown(void)
{
  while (lru_head)
    kpcap_release(lru_head);
  if (unproc) {
    pcap_dump_close(unproc);
    pcap_close(unproc_dead);
    unproc = NULL;
  }
}
