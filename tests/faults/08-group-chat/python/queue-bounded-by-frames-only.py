#!/usr/bin/env python3
# Fault: a neighbour's queue is bounded by its number of frames only (1,000), not by its
# bytes (4 MiB): 1,000 frames of 60,000 bytes (60 MB) may wait for a neighbour that never reads.
#
# replaces: group-chat
# rejected-by: step5_a_queue_is_full_at_4_mib

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from plain_peer import peer  # noqa: E402


def full(outbox):
    # The mistake: no "or outbox.bytes >= QUEUE_BYTES".
    return len(outbox.frames) >= peer.QUEUE_FRAMES


peer.Outbox.full = full

sys.exit(peer.main())
