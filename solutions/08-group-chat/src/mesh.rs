//! What one peer knows about the group, behind one lock: its neighbours (one
//! connection each), the message ids it has seen, and who has left. Who a
//! frame goes to is decided by the two rules of [`crate::route`].

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::frame::frame;
use crate::message::{encode, Frame};
use crate::outbox::{Outbox, Pushed};
use crate::route::forwards_to;

/// Each connection's number, so that "the one it came from" can be told
/// apart from a second connection to the same name.
pub type ConnId = u64;

/// A neighbour: a peer we hold a connection to, once its `hello` came.
pub struct Neighbour {
    pub conn: ConnId,
    /// The address it listens on, from its `hello`.
    pub listen: String,
    /// Who dialled this connection: the rule for two connections between
    /// the same two peers keeps the one dialled by the smaller name.
    pub dialled_by: String,
    pub outbox: Arc<Outbox>,
}

/// The shared state of one peer.
pub struct Mesh {
    pub name: String,
    pub listen: String,
    /// By name.
    pub neighbours: HashMap<String, Neighbour>,
    /// Ids of the messages already printed (or, for our own, sent).
    pub seen: HashSet<String>,
    /// Every name a `hello` ever came from (for `* NAME joined`, once).
    pub joined: HashSet<String>,
    /// Names whose leave was printed and forwarded (once per name).
    pub left: HashSet<String>,
    /// Addresses being dialled, so that two `peers` frames naming the same
    /// one do not make two connections.
    pub dialling: HashSet<String>,
    /// Connections dialled at start whose `hello` has not come yet.
    pub awaited: HashSet<ConnId>,
    /// The counter of our own message ids.
    pub sent: u64,
    /// We are leaving: the others' connections end because ours do, which
    /// is no news to print.
    pub closing: bool,
    next_conn: ConnId,
}

impl Mesh {
    pub fn new(name: String, listen: String) -> Mesh {
        Mesh {
            name,
            listen,
            neighbours: HashMap::new(),
            seen: HashSet::new(),
            joined: HashSet::new(),
            left: HashSet::new(),
            dialling: HashSet::new(),
            awaited: HashSet::new(),
            sent: 0,
            closing: false,
            next_conn: 0,
        }
    }

    /// A number for a new connection.
    pub fn new_conn(&mut self) -> ConnId {
        self.next_conn += 1;
        self.next_conn
    }

    /// Whether we hold, or are making, a connection to `listen`.
    pub fn knows_address(&self, listen: &str) -> bool {
        listen == self.listen
            || self.dialling.contains(listen)
            || self.neighbours.values().any(|n| n.listen == listen)
    }

    /// Sends `message` to every neighbour but the one it came from (`from`,
    /// `None` for our own), dropping any neighbour found stuck, which counts
    /// as its leaving (announced here, once).
    pub fn send_all(&mut self, message: &Frame, from: Option<ConnId>) {
        let bytes = Arc::new(frame(&encode(message)));
        let mut stuck = Vec::new();
        for (name, neighbour) in &self.neighbours {
            if forwards_to(neighbour.conn, from)
                && neighbour.outbox.push(Arc::clone(&bytes)) == Pushed::Stuck
            {
                stuck.push(name.clone());
            }
        }
        for name in stuck {
            if let Some(neighbour) = self.neighbours.remove(&name) {
                eprintln!("{name} is stuck (its queue stayed full): dropped");
                neighbour.outbox.abort();
                self.leave(&name, None);
            }
        }
    }

    /// `name` has left (its `leave` came on `from`, or its connection ended):
    /// print it and tell the others, the first time only.
    pub fn leave(&mut self, name: &str, from: Option<ConnId>) {
        if self.closing || name == self.name || !self.left.insert(name.to_string()) {
            return;
        }
        println!("* {name} left");
        self.send_all(
            &Frame::Leave {
                name: name.to_string(),
            },
            from,
        );
    }
}
