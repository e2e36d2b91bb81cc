#!/usr/bin/env bash
# Installs smm-agent on this VM (seed 2.9.4.1: curl http://<dashboard-url>/get/smm-agent | bash), from the
# Service Mesh Manager dashboard that served this script: the agent's jar, its launcher and its systemd unit,
# then points it at that dashboard. Run as root. SMM_AGENT_ROOT installs under another root (tests).
set -euo pipefail
base='@BASE_URL@'
root="${SMM_AGENT_ROOT:-}"

echo "Detecting host properties:"
os="$(uname -s | tr '[:upper:]' '[:lower:]')"
cpu="$(uname -m)"
case "$cpu" in x86_64) cpu=amd64 ;; aarch64) cpu=arm64 ;; esac
if command -v dpkg >/dev/null 2>&1; then packager=deb
elif command -v rpm >/dev/null 2>&1; then packager=rpm
else packager=none
fi
echo "- OS: $os"
echo "- CPU: $cpu"
echo "- Packager: $packager"
echo "- SMM Base URL: $base"
if [ "$os" != linux ]; then echo "✗ smm-agent runs on Linux, not $os" >&2; exit 1; fi
if [ "$packager" = none ]; then echo "✗ neither dpkg nor rpm found: smm-agent supports Debian/Ubuntu and RHEL hosts" >&2; exit 1; fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
version="$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' || true)"
if [ -z "$version" ] || [ "${version%%.*}" -lt 17 ]; then
  echo "✗ smm-agent needs Java 17 or newer (found: ${version:-none}); install it first, e.g. apt-get install -y openjdk-17-jre-headless" >&2
  exit 1
fi

lib="$root/usr/local/lib/smm-agent"
bin="$root/usr/local/bin"
unit="$root/lib/systemd/system"
mkdir -p "$lib" "$bin" "$unit"
curl -fsSL -o "$lib/smm.jar.download" "$base/get/smm-agent/smm.jar"
mv "$lib/smm.jar.download" "$lib/smm.jar"
cat > "$bin/smm-agent" <<LAUNCHER
#!/usr/bin/env bash
exec "$java_bin" \${SMM_AGENT_JAVA_OPTS:--Xmx256m} -XX:TieredStopAtLevel=1 -cp "$lib/smm.jar" io.smm.cli.agent.SmmAgent "\$@"
LAUNCHER
chmod 755 "$bin/smm-agent"
cat > "$unit/smm-agent.service" <<UNIT
[Unit]
Description=Service Mesh Manager agent: keeps this machine's mesh configuration current
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/local/bin/smm-agent run
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable smm-agent
"$bin/smm-agent" set dashboard-url "$base"
