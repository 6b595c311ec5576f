#!/usr/bin/env bash
# make demo: a private tracerd, a few programs under the library, the
# decisions from the audit log, and the daemon stopped again.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/build
work=$(mktemp -d /tmp/notif-demo.XXXXXX)
export TRACERD_SOCKET=notif-demo-$$
log=$work/audit.jsonl
"$b/tracerd" --log "$log" 2>"$work/tracerd.err" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do
	grep -q " 00010000 .* @$TRACERD_SOCKET\$" /proc/net/unix && break
	sleep 0.05
done
run() {
	echo "\$ $*"
	LD_PRELOAD=$b/libnotif.so "$@" 2>&1 | sed 's/^/  /' || true
}
run mkdir "$work/allowed" /var/lib/notif-demo-denied
run mkdir -p "$work/deep/a/b/c"
run mkdir "$work/allowed"
ln -s /etc "$work/escape"
run mkdir "$work/escape/notif-demo"
run /usr/bin/python3 -c "import os; os.makedirs('$work/py/x', exist_ok=True); print('python3: ok')"
run sh -c "cd $work && mkdir rel && sh -c 'mkdir ../../var/notif-demo-rel'"
kill -TERM $pid
wait $pid
echo
echo "Audit log ($log): decision errno path -> resolved"
/usr/bin/python3 - "$log" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "event" in r:
        print(f"  [{r['event']}]" + (f" pid {r['pid']}" if "pid" in r else ""))
    else:
        print(f"  {r['decision']:8} {r['errno'] or '-':7} {r['path']} -> {r['resolved']}"
              + (f"  ({r['reason']})" if r.get('reason') else ""))
PY
