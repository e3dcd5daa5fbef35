/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* PACKET_FANOUT_HASH on libpcap's socket (fanout.h). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fanout.h"
#include "log.h"

#ifdef __linux__
#include <linux/if_packet.h>
#include <sys/socket.h>

tf_err Tf_fanout_join(pcap_t *p, const char *iface, int group)
{
  int fd = pcap_fileno(p);
  /* The low 16 bits name the group, the high ones the mode and flags. */
  uint32_t mode = PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG;
  uint32_t arg = ((uint32_t)group & 0xffffu) | (mode << 16); /* unsigned: bit 31 is set */
  if (fd < 0) {
    Tf_log_error("%s: --fanout: the capture has no socket", iface);
    return TF_ERR_USAGE;
  }
  if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) != 0) {
    Tf_log_error("%s: cannot join fanout group %d: %s%s", iface, group, strerror(errno),
                 errno == EINVAL ? " (is the group used with another mode or interface?)" : "");
    return TF_ERR_INPUT;
  }
  return TF_OK;
}
#else
tf_err Tf_fanout_join(pcap_t *p, const char *iface, int group)
{
  (void)p;
  Tf_log_error("%s: --fanout %d: packet fanout exists on Linux only", iface, group);
  return TF_ERR_USAGE;
}
#endif
