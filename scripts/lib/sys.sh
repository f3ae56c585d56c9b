# Shared shell helpers for Parley's scripts. Source it; do not run it.

# ensure_debs PKG:BINARY ... — install Debian packages whose binary is missing.
# Tests need real parts (Chromium, Firefox, coturn), so a fresh machine gets
# them from Debian's archive; as non-root we can only say what to install.
ensure_debs() {
  local missing=()
  local spec pkg bin
  for spec in "$@"; do
    pkg=${spec%%:*}
    bin=${spec#*:}
    command -v "$bin" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}. Install them: sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# in_netns CMD... — run CMD in a fresh network namespace that holds only
# `lo` (127.0.0.1 and ::1). Browsers gather ICE candidates on every
# interface and coturn relays wherever it is told: inside this namespace no
# test can send a packet off the machine, whatever it does.
in_netns() {
  local setup='ip link set lo up && { ip -6 addr show dev lo | grep -q "::1" || ip -6 addr add ::1/128 dev lo 2>/dev/null || true; }'
  if [ "$(id -u)" -eq 0 ]; then
    unshare -n sh -c "$setup"' && exec "$@"' in_netns "$@"
  elif unshare -rn true 2>/dev/null; then
    unshare -rn sh -c "$setup"' && exec "$@"' in_netns "$@"
  else
    echo "Cannot create a network namespace (needs root or user namespaces); refusing to run browser/TURN tests outside one." >&2
    return 1
  fi
}
