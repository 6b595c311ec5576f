#!/bin/bash
# The storms of issue 5 at full size (make check-long): 10 s of
# connect/close, 10 000 silent connections, 10 000 idle supervised programs.
NOTIF_STORM=${NOTIF_STORM:-10 10000 10000} exec bash "$(dirname "$0")/../t-storm.sh"
