#!/usr/bin/env bash
# A real single-node Slurm cluster on loopback, for tests and trying `w2s sweep --executor slurm` on one machine.
#
#   scripts/slurm-local.sh start [STATE_DIR]   start munged, slurmctld and slurmd (needs Debian's slurm-wlm and munge, root)
#   scripts/slurm-local.sh stop  [STATE_DIR]   stop them (only the daemons whose PID files are in STATE_DIR)
#   scripts/slurm-local.sh status [STATE_DIR]  sinfo
#
# Everything lives in STATE_DIR (default /tmp/w2s-slurm): the munge key and socket, slurm.conf, daemon state, logs.
# No systemd: the daemons are started directly. /etc/slurm/slurm.conf becomes a symlink to STATE_DIR/slurm.conf when it
# does not exist (or is already such a symlink), so plain `sinfo`/`sbatch` find the cluster; otherwise export
# SLURM_CONF=STATE_DIR/slurm.conf. One node, "w2s-node", with 2 CPUs on 127.0.0.1; no accounting database (sacct does not
# work; `w2s status` reads squeue, scontrol and the exit-status files its jobs write).
set -euo pipefail

cmd=${1:-}
state=$(realpath -m "${2:-${W2S_SLURM_STATE:-/tmp/w2s-slurm}}")
conf="$state/slurm.conf"
cpus=${W2S_SLURM_CPUS:-2}
node=w2s-node

die() { echo "slurm-local: $*" >&2; exit 1; }

stop_pid() { # stop the daemon whose PID file is $1, if it runs
  local file=$1
  [ -f "$file" ] || return 0
  local pid; pid=$(cat "$file" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

stop() {
  stop_pid "$state/slurmd.pid"
  stop_pid "$state/slurmctld.pid"
  stop_pid "$state/munged.pid"
  if [ -L /etc/slurm/slurm.conf ] && [ "$(readlink /etc/slurm/slurm.conf)" = "$conf" ]; then rm -f /etc/slurm/slurm.conf; fi
}

start() {
  [ "$(id -u)" = 0 ] || die "run as root (slurmd must start jobs as their users)"
  for b in munged slurmctld slurmd sinfo sbatch; do
    command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || die "$b not found: apt-get install -y slurm-wlm munge"
  done
  stop
  mkdir -p "$state"/{munge,ctld,spool,log}
  chmod 700 "$state/munge"

  # munge: a fresh key of our own, its own socket, so a system munged (if any) is left alone.
  [ -s "$state/munge/munge.key" ] || dd if=/dev/urandom of="$state/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$state/munge/munge.key"
  /usr/sbin/munged --force --key-file="$state/munge/munge.key" --socket="$state/munge/munge.socket.2" \
    --pid-file="$state/munged.pid" --log-file="$state/log/munged.log" --seed-file="$state/munge/munged.seed"

  local host; host=$(hostname -s)
  local mem; mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 / 2 }' /proc/meminfo) # half the RAM, in MB
  cat >"$conf" <<EOF
# Written by scripts/slurm-local.sh: a one-node test cluster on loopback.
ClusterName=w2s-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=${W2S_SLURMCTLD_PORT:-6817}
SlurmdPort=${W2S_SLURMD_PORT:-6818}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/munge/munge.socket.2
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
# Dependent arrays start soon after their dependency ends (the default periodic pass is once a minute).
SchedulerParameters=sched_min_interval=200000,bf_interval=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$state/log/jobcomp.txt
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to scontrol for 10 minutes (no accounting database here).
MinJobAge=600
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
NodeName=$node NodeHostname=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  if [ ! -e /etc/slurm/slurm.conf ] || [ -L /etc/slurm/slurm.conf ]; then
    mkdir -p /etc/slurm && ln -sfn "$conf" /etc/slurm/slurm.conf
  fi
  export SLURM_CONF="$conf"
  # -i: ignore state left by an earlier cluster in this folder (old job ids would be reused otherwise).
  /usr/sbin/slurmctld -i -f "$conf" || die "slurmctld did not start: $state/log/slurmctld.log"
  /usr/sbin/slurmd -N "$node" -f "$conf" || die "slurmd did not start: $state/log/slurmd.log"

  for _ in $(seq 60); do
    if sinfo -h -N -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
      echo "slurm-local: cluster up ($node, $cpus CPUs); SLURM_CONF=$conf"
      return 0
    fi
    sleep 0.5
  done
  sinfo -N -l >&2 || true
  tail -n 20 "$state/log/slurmctld.log" "$state/log/slurmd.log" >&2 || true
  die "the node did not become idle within 30 s"
}

case "$cmd" in
  start) start ;;
  stop) stop; echo "slurm-local: stopped" ;;
  status) SLURM_CONF="$conf" sinfo -N -l ;;
  *) echo "usage: $0 start|stop|status [STATE_DIR]" >&2; exit 2 ;;
esac
