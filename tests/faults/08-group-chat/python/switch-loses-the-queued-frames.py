#!/usr/bin/env python3
# Fault: when two links join the same two peers and one is closed, the frames queued on it
# are thrown away instead of moved to the link that is kept: lines typed just before the switch
# never reach that neighbour.
#
# replaces: group-chat
# rejected-by: step2_a_second_link_dialled_by_the_smaller_name_takes_over_with_the_queued_frames

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from plain_peer import peer  # noqa: E402


def take_queued(outbox):
    with outbox.changed:
        # The mistake: dropped, not handed over.
        outbox.frames.clear()
        outbox.bytes = 0
        outbox.changed.notify_all()
        return []


peer.Outbox.take_queued = take_queued

sys.exit(peer.main())
