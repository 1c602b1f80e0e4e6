#!/usr/bin/env python3
# Fault: a full queue drops its neighbour at once, instead of waiting (at most 2 s) for it
# to read: a neighbour that pauses for a moment, as any busy machine does, is dropped as stuck.
#
# replaces: group-chat
# rejected-by: step5_a_neighbour_that_pauses_is_waited_for_not_dropped

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from plain_peer import peer  # noqa: E402


# The mistake: no patience.
peer.STUCK = 0

sys.exit(peer.main())
