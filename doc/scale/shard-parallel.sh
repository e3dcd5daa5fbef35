#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
#
# Run tcpflow on a capture set in N shards with GNU parallel, then merge.
#   shard-parallel.sh N OUTDIR CAPTURE...
# Each shard reads every capture but writes only the connections of its
# partition (tcpflow --shard K/N) into OUTDIR.shards/K; tcpflow --merge then
# moves the files into OUTDIR and writes one report equal to a single run's.
#
# Over ssh, the same with --sshlogin: the captures must be at the same path
# on every machine (a shared file system, or copied there), and the shard
# directories on a file system the merging machine sees (or fetched back
# with --return):
#   parallel --sshlogin 4/host1,4/host2 --workdir /data/run \
#     tcpflow --shard {}/$N -o /shared/out.shards/{} -r /data/day1.pcap ::: $(seq 0 $((N-1)))
#   tcpflow --merge -o /shared/out /shared/out.shards/*
# (4/host1: at most four shards at a time on host1.)
set -eu
N=$1
OUT=$2
shift 2
TCPFLOW=${TCPFLOW:-tcpflow}
mkdir -p "$OUT.shards"
inputs=""
for c in "$@"; do inputs="$inputs -r $c"; done
# --halt now,fail=1: one failed shard stops the rest; the merge would refuse anyway.
# shellcheck disable=SC2086
seq 0 $((N - 1)) | parallel --will-cite --halt now,fail=1 \
  "$TCPFLOW" --shard "{}/$N" -o "$OUT.shards/{}" $inputs
dirs=$(seq 0 $((N - 1)) | sed "s|^|$OUT.shards/|")
# shellcheck disable=SC2086
"$TCPFLOW" --merge -o "$OUT" $dirs
