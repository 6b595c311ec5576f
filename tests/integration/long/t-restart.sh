#!/bin/bash
# The restart soak of issue 16 (make check-long): 20 restarts and 20 kills
# of tracerd under 8 looping programs, under the real systemd user manager.
NOTIF_RESTART_ROUNDS=${NOTIF_RESTART_ROUNDS:-20} LOOPS=${LOOPS:-8} \
	exec bash "$(dirname "$0")/../t-restart.sh"
