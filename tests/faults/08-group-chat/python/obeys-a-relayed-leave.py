#!/usr/bin/env python3
# Fault: a `leave` relayed by one neighbour is obeyed even while the name's own connection
# is open: the peer prints `* NAME left` for a neighbour that is still there, and stops sending
# to it.
#
# replaces: group-chat
# rejected-by: step4_a_leave_relayed_for_a_neighbour_still_connected_is_ignored

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from plain_peer import peer  # noqa: E402


PLAIN_HANDLE = peer.Peer.handle


def handle(self, conn, obj):
    if obj["type"] != "leave":
        return PLAIN_HANDLE(self, conn, obj)
    with self.lock:
        # The mistake: no check that the `leave` came on the name's own connection.
        neighbour = self.neighbours.pop(obj["name"], None)
        if neighbour is not None:
            neighbour.outbox.close()
        self.leave(obj["name"], conn)
    return None


peer.Peer.handle = handle

sys.exit(peer.main())
