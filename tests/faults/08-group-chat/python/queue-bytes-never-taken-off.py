#!/usr/bin/env python3
# Fault: a queue's byte count is added to when a frame is queued and never taken off when
# the frame is sent: once 4 MiB has gone to a neighbour, its queue counts as full for ever, and
# a neighbour that reads everything is dropped as stuck.
#
# replaces: group-chat
# rejected-by: step5_a_neighbour_that_pauses_is_waited_for_not_dropped

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from plain_peer import peer  # noqa: E402


PLAIN_PUSH = peer.Outbox.push


def push(outbox, data):
    pushed = PLAIN_PUSH(outbox, data)
    if pushed == "queued":
        # The mistake: a count of every byte ever queued, which nothing lowers.
        outbox.ever = getattr(outbox, "ever", 0) + len(data)
    return pushed


def full(outbox):
    return len(outbox.frames) >= peer.QUEUE_FRAMES or getattr(outbox, "ever", 0) >= peer.QUEUE_BYTES


peer.Outbox.push = push
peer.Outbox.full = full

sys.exit(peer.main())
