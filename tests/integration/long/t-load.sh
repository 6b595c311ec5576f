#!/bin/bash
# The load of issue 5 at full size (make check-long): 64 supervised
# processes x 4 threads x (500 allowed + 100 denied) calls.
NOTIF_LOAD=${NOTIF_LOAD:-64 4 500 100} exec bash "$(dirname "$0")/../t-load.sh"
