//! Who gets a message: the two rules that make every message reach every
//! peer exactly once, whatever the topology.
//!
//! A message is printed and forwarded only the first time its id is seen
//! ([`first_time`]), and never forwarded back to the neighbour it came from
//! ([`forwards_to`]). In a chain the second rule alone would do; in a ring
//! (and a full mesh is full of rings), without the first a message goes
//! round for ever.

use std::collections::HashSet;

use crate::mesh::ConnId;

/// Duplicate suppression: true the first time `id` is seen, and only then.
pub fn first_time(seen: &mut HashSet<String>, id: &str) -> bool {
    seen.insert(id.to_string())
}

/// Whether a frame that came on connection `from` goes to the neighbour on
/// `conn` (`from` is `None` for our own frames): to everyone but where it
/// came from.
pub fn forwards_to(conn: ConnId, from: Option<ConnId>) -> bool {
    Some(conn) != from
}
