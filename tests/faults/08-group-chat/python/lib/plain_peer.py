"""The kit's plain Python peer (../group-chat-peer.py), loaded as a module.

A Python fault changes one piece of it and runs the rest as it is, so that
each fault is the plain peer with exactly one mistake, and nothing is copied.
"""

import importlib.util
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the kit's tree

_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "group-chat-peer.py")
_SPEC = importlib.util.spec_from_file_location("group_chat_peer", _PATH)
peer = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(peer)
