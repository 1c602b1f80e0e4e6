#!/usr/bin/env python3
# Fault: a neighbour's queue is bounded by its bytes only (4 MiB), not by its number of frames
# (1,000): 28,000 short frames may wait for a neighbour that never reads, each an object of its own.
#
# replaces: group-chat
# rejected-by: step5_a_queue_is_full_at_1000_frames

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from plain_peer import peer  # noqa: E402


def full(outbox):
    # The mistake: no "len(outbox.frames) >= QUEUE_FRAMES or".
    return outbox.bytes >= peer.QUEUE_BYTES


peer.Outbox.full = full

sys.exit(peer.main())
