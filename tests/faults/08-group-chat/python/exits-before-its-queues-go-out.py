#!/usr/bin/env python3
# Fault: at stdin EOF the peer queues its `leave` and exits at once, without waiting for its
# writers: what was still queued (the `leave` too) dies with the process, and a neighbour that
# was reading a little behind never gets it.
#
# replaces: group-chat
# rejected-by: step4_at_eof_what_is_queued_goes_out_before_the_exit

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from plain_peer import peer  # noqa: E402


def wait_done(outbox, patience):
    # The mistake: no wait for the writer to send what is queued.
    return None


peer.Outbox.wait_done = wait_done

sys.exit(peer.main())
