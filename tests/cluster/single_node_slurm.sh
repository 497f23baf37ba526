# Sourced by the cluster tests: starts a single-node Slurm (Debian's munged, slurmctld, slurmd)
# configured in a temporary folder, and stops it again. Needs root (the daemons run as root,
# with no cgroups: proctrack/linuxproc, task/none).
#
#   slurm_start DIR     configures and starts everything under DIR; exports SLURM_CONF
#   slurm_stop          stops what slurm_start started (by pid)
#   slurm_wait_job ID [SECONDS]   waits until job (or array) ID has left the queue

slurm_pids=()

slurm_free_port() {
  local port
  for port in $(shuf -i 20000-60000 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  return 1
}

slurm_start() {
  local dir=$1 host cpus ctld_port d_port
  host=$(hostname -s)
  cpus=$(nproc)
  ctld_port=$(slurm_free_port)
  d_port=$(slurm_free_port)
  mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/munge"
  chmod 700 "$dir/munge"
  dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$dir/munge/munge.key"
  /usr/sbin/munged --force --socket="$dir/munge/munge.sock" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
    --seed-file="$dir/munge/munged.seed"
  local i
  for ((i = 0; i < 50; i++)); do [[ -s "$dir/munge/munged.pid" ]] && break; sleep 0.1; done
  slurm_pids+=("$(cat "$dir/munge/munged.pid")")

  cat >"$dir/slurm.conf" <<CONF
ClusterName=qikan-test
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
KillWait=5
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=qikan Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$dir/slurm.conf"
  /usr/sbin/slurmctld -D -i -f "$SLURM_CONF" >"$dir/log/slurmctld.out" 2>&1 &
  slurm_pids+=($!)
  /usr/sbin/slurmd -D -f "$SLURM_CONF" >"$dir/log/slurmd.out" 2>&1 &
  slurm_pids+=($!)
  for ((i = 0; i < 300; i++)); do
    if sinfo -h -o '%t' 2>/dev/null | grep -qx 'idle'; then return 0; fi
    sleep 0.1
  done
  echo "slurm did not come up; logs:" >&2
  tail -n 20 "$dir"/log/* >&2
  return 1
}

slurm_stop() {
  local pid
  for pid in "${slurm_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${slurm_pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  slurm_pids=()
}

# Waits until no job with this id (an array: any of its tasks) is pending or running.
slurm_wait_job() {
  local id=$1 limit=${2:-600} start=$SECONDS
  while squeue -h -j "$id" -o '%i' 2>/dev/null | grep -q .; do
    if ((SECONDS - start > limit)); then echo "job $id still queued after ${limit}s" >&2; return 1; fi
    sleep 1
  done
}
