# Sourced by vifd_common.sh and shim_common.sh (they define fail and note).
# try NAME CMD...: CMD is one measurement (set-up, traffic, check) that
# returns non-zero with WHY set when a figure is out of bounds. Several jobs
# share this machine's two cores, and one window can be spoiled by a burst of
# load: measure once more before failing (functional errors fail at once).
try() {
  local name=$1; shift
  WHY=
  "$@" && return 0
  note "$name: $WHY; measuring once more (load $(cut -d' ' -f1-3 /proc/loadavg))"
  WHY=
  "$@" && return 0
  fail "$name (twice): $WHY"
}
