#!/usr/bin/env python3
# Fault: the peer "closes" a connection with shutdown(SHUT_WR) alone: the other side reads
# EOF, but the connection is still read, so a link the two-links rule closed still delivers
# what is sent on it.
#
# replaces: group-chat
# rejected-by: step2_a_second_link_dialled_by_the_smaller_name_takes_over_with_the_queued_frames

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from plain_peer import peer  # noqa: E402


# The mistake: abort() only half-closes, after what is queued.
peer.Outbox.abort = peer.Outbox.close

sys.exit(peer.main())
