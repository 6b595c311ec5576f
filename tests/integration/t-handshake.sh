#!/bin/bash
# Issue 2, hostile or broken clients against the real tracerd: garbage, a
# truncated hello, a hello without an fd or with two, an fd that is not a
# seccomp listener, only protocol versions tracerd does not speak, a
# version-2 hello without its lowest version, a client that closes at once.
# Each gets the ack status that names the reason where it can still read
# one, each is recorded as a `reject` event, and tracerd keeps serving with
# its fd count back at its baseline.
. "$(dirname "$0")/lib.sh"

# client.py NAME CASE: speak CASE to @NAME, print the ack's status or "none"
CLIENT='
import array, os, socket, struct, sys
name, case = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("\0" + name)
s.settimeout(5)
def hello(version=1, lowest=0):
    return struct.pack("<IHHiHH", 0x4e4f5446, version, 0, os.getpid(), lowest, 0)
def send(data, fds=()):
    anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
    s.sendmsg([data], anc)
r, w = os.pipe()
if case == "garbage":
    send(b"\x00\xffGARBAGE-GARBAGE")
elif case == "short":
    send(hello()[:8])
    s.shutdown(socket.SHUT_WR)
elif case == "nofd":
    send(hello())
elif case == "twofds":
    send(hello(), (r, w))
elif case == "pipefd":
    send(hello(), (r,))
elif case == "version":
    send(hello(99, 99), (r,))
elif case == "nolowest":
    send(hello(2, 0), (r,))
elif case == "close":
    s.close()
    print("none")
    sys.exit(0)
try:
    b = s.recv(8)
except OSError:
    b = b""
print(struct.unpack("<IHH", b)[2] if len(b) == 8 else "none")
'

fds_of_tracerd() { ls "/proc/$TRACERD_SIGPID/fd" | wc -l; }

# speak CASE WANT REASON: the ack status WANT and one reject event REASON
speak() {
	local case=$1 want=$2 reason=$3 before
	before=$(audit_count event=reject reason="$reason")
	run /usr/bin/python3 -c "$CLIENT" "$TRACERD_SOCKET" "$case"
	assert_rc 0 "client $case"
	assert_out "$want"
	poll eval '[ "$(audit_count event=reject reason="'"$reason"'")" -gt '"$before"' ]' ||
		{ dump_tracerd; fail "no reject event '$reason' for $case"; }
}

test_hostile_clients() {
	local base
	base=$(fds_of_tracerd)
	speak garbage 4 "malformed hello"
	speak short 4 "malformed hello"
	speak nofd 4 "hello without exactly one fd"
	speak twofds 4 "hello without exactly one fd"
	speak pipefd 5 "the fd is not a seccomp listener"
	speak version 1 "protocol versions 99-99 unsupported, tracerd speaks 1-2"
	speak nolowest 4 "malformed hello"
	speak close none "closed before the hello"
	# still serving, nothing kept open
	run sup "$PROGS/mk" mkdir "$IN/after"
	assert_out 0
	expect_record path="$IN/after" decision=emulated errno=null
	poll eval '[ "$(fds_of_tracerd)" -le '"$base"' ]' ||
		fail "tracerd has $(fds_of_tracerd) fds, $base before"
}

need_prog mk
start_tracerd || exit 1
t "hostile handshakes: a status and a reject each; tracerd serves on" test_hostile_clients
stop_tracerd
