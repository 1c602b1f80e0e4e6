//! The server's shared state: who is connected, under which name, in which
//! room, and how to reach them.
//!
//! Every connection's thread reads its client's lines and acts on them here,
//! under one lock. Holding the lock, a thread only *queues* lines for the
//! clients it concerns; it never writes to a socket. Each client has a writer
//! thread of its own that takes lines from its queue and writes them out. A
//! write blocks when the client stops reading (its socket buffers are full),
//! and a write under the lock would block every other thread too: one silent
//! client would stall the whole server.
//!
//! The queue holds at most [`QUEUE_LINES`] lines, and lines are queued with
//! `try_send`, which never waits. A client whose queue is full has stopped
//! reading for a thousand lines: it is disconnected, and its room is told it
//! left, rather than buffering for it without bound.
//!
//! The same hub serves both servers: the threaded one (steps 1 to 5) queues
//! into a `std::sync::mpsc::sync_channel` that a writer *thread* drains, the
//! tokio one (step 6) into a `tokio::sync::mpsc::channel` that a writer *task*
//! drains. [`Queue`] is all the hub needs of either. The lock is a plain
//! `std::sync::Mutex` in both: a critical section here never waits for
//! anything (no `.await`, no I/O), so a task holds it for microseconds.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{Shutdown, TcpStream};
use std::sync::{mpsc, Arc, Mutex};

use crate::protocol::{is_valid_name, Command};

/// How many lines may wait for one client before it is disconnected. A line
/// is at most about 4 KiB, so that is at most about 4 MiB per client.
pub const QUEUE_LINES: usize = 1000;

/// A line on its way to clients. One message goes to many members of a room:
/// an `Arc` shares one copy among all their queues.
pub type Outgoing = Arc<str>;

/// Identifies a connection while it lasts.
pub type ClientId = u64;

/// A client's outgoing queue, as the hub uses it: put a line in without
/// waiting. Dropping the sending end closes the queue: its writer sends what
/// is left, then ends.
pub trait Queue {
    /// Queues `line` at once; `false` if the queue is full (a closed queue,
    /// whose writer is gone because the connection broke, counts as queued:
    /// the client's reader will notice and disconnect it).
    fn offer(&self, line: Outgoing) -> bool;
}

impl Queue for mpsc::SyncSender<Outgoing> {
    fn offer(&self, line: Outgoing) -> bool {
        !matches!(self.try_send(line), Err(mpsc::TrySendError::Full(_)))
    }
}

impl Queue for tokio::sync::mpsc::Sender<Outgoing> {
    fn offer(&self, line: Outgoing) -> bool {
        use tokio::sync::mpsc::error::TrySendError;
        !matches!(self.try_send(line), Err(TrySendError::Full(_)))
    }
}

/// What the connection's thread (or task) does after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// `/quit`: stop reading; the writer sends what is queued, then closes.
    Quit,
}

/// The shared state, behind one lock: simple, and fast enough, since every
/// critical section only updates maps and queues lines.
pub struct Hub<Q> {
    state: Mutex<State<Q>>,
}

struct State<Q> {
    next_id: ClientId,
    clients: HashMap<ClientId, Member<Q>>,
    /// Room name to members. A `BTreeMap` keeps the rooms sorted by name (in
    /// byte order, as `/rooms` lists them), and a room with no members is
    /// removed, so that `/rooms` lists only active rooms.
    rooms: BTreeMap<String, BTreeSet<ClientId>>,
    /// Clients whose queue overflowed, to disconnect once the current
    /// command is done.
    overflowed: Vec<ClientId>,
}

struct Member<Q> {
    name: String,
    room: Option<String>,
    queue: Q,
    /// To shut the connection down when the client is disconnected for not
    /// reading: that wakes up its writer, blocked in `write`, and its reader.
    stream: TcpStream,
}

impl<Q: Queue> Default for Hub<Q> {
    fn default() -> Self {
        let state = State {
            next_id: 0,
            clients: HashMap::new(),
            rooms: BTreeMap::new(),
            overflowed: Vec::new(),
        };
        Hub {
            state: Mutex::new(state),
        }
    }
}

impl<Q: Queue> Hub<Q> {
    pub fn new() -> Hub<Q> {
        Hub::default()
    }

    /// Registers a new connection, named `name` until it picks one. `stream`
    /// is a handle on its socket (a duplicate), to shut it down if it has to
    /// be disconnected.
    pub fn connect(&self, name: String, queue: Q, stream: TcpStream) -> ClientId {
        let mut state = self.state.lock().unwrap();
        let id = state.next_id;
        state.next_id += 1;
        let member = Member {
            name,
            room: None,
            queue,
            stream,
        };
        state.clients.insert(id, member);
        id
    }

    /// Acts on one command of client `id`. Its answer is queued before any
    /// event it causes, all under the lock, so everyone sees one order.
    pub fn handle(&self, id: ClientId, command: Command) -> Flow {
        let mut state = self.state.lock().unwrap();
        if !state.clients.contains_key(&id) {
            // Disconnected for not reading: nothing it says counts any more.
            return Flow::Quit;
        }
        let flow = state.handle(id, command);
        state.disconnect_overflowed();
        flow
    }

    /// Queues `line` (an error about what the client sent) for client `id`.
    pub fn answer(&self, id: ClientId, line: &str) {
        let mut state = self.state.lock().unwrap();
        state.send(id, line.into());
        state.disconnect_overflowed();
    }

    /// The client is gone (end of stream, or a reset) without `/quit`:
    /// its room is told, and its queue closes once the writer has drained it.
    pub fn disconnect(&self, id: ClientId) {
        let mut state = self.state.lock().unwrap();
        state.remove(id);
        state.disconnect_overflowed();
    }
}

impl<Q: Queue> State<Q> {
    fn handle(&mut self, id: ClientId, command: Command) -> Flow {
        match command {
            Command::Empty => {}
            Command::Nick(name) => self.nick(id, name),
            Command::Join(room) => self.join(id, room),
            Command::Rooms => {
                let mut line = String::from("ROOMS");
                for (room, members) in &self.rooms {
                    line.push_str(&format!(" {room}:{}", members.len()));
                }
                self.send(id, line.into());
            }
            Command::Quit => {
                self.remove(id);
                return Flow::Quit;
            }
            Command::Unknown(word) => self.send(id, format!("ERR unknown command {word}").into()),
            Command::Say(text) => {
                let member = &self.clients[&id];
                match member.room.clone() {
                    None => self.send(id, "ERR join a room first: /join <room>".into()),
                    Some(room) => {
                        let line = format!("MSG {room} {} {text}", member.name);
                        self.broadcast(&room, id, line.into());
                    }
                }
            }
        }
        Flow::Continue
    }

    fn nick(&mut self, id: ClientId, name: &str) {
        let answer = if !is_valid_name(name) {
            "ERR invalid name".to_string()
        } else if self
            .clients
            .iter()
            .any(|(&other, m)| other != id && m.name == name)
        {
            "ERR name taken".to_string()
        } else {
            self.clients.get_mut(&id).unwrap().name = name.to_string();
            format!("OK nick {name}")
        };
        self.send(id, answer.into());
    }

    fn join(&mut self, id: ClientId, room: &str) {
        if !is_valid_name(room) {
            return self.send(id, "ERR invalid room".into());
        }
        self.send(id, format!("OK joined {room}").into());
        if self.clients[&id].room.as_deref() == Some(room) {
            return; // already there: nothing changes
        }
        self.leave_room(id);
        let name = self.clients[&id].name.clone();
        self.broadcast(room, id, format!("JOIN {room} {name}").into());
        self.rooms.entry(room.to_string()).or_default().insert(id);
        self.clients.get_mut(&id).unwrap().room = Some(room.to_string());
    }

    /// Takes client `id` out of its room, if any, and tells the others.
    fn leave_room(&mut self, id: ClientId) {
        let Some(member) = self.clients.get_mut(&id) else {
            return;
        };
        let Some(room) = member.room.take() else {
            return;
        };
        let line: Outgoing = format!("LEAVE {room} {}", member.name).into();
        let members = self.rooms.get_mut(&room).expect("a member's room exists");
        members.remove(&id);
        if members.is_empty() {
            self.rooms.remove(&room);
        } else {
            self.broadcast(&room, id, line);
        }
    }

    /// Forgets client `id`. Dropping its sender closes its queue: the
    /// writer sends what is left in it, then closes the connection.
    fn remove(&mut self, id: ClientId) -> Option<Member<Q>> {
        self.leave_room(id);
        self.clients.remove(&id)
    }

    /// Queues `line` for everyone in `room` but `except`.
    fn broadcast(&mut self, room: &str, except: ClientId, line: Outgoing) {
        let Some(members) = self.rooms.get(room) else {
            return;
        };
        for &member in members {
            if member != except && !self.clients[&member].queue.offer(Arc::clone(&line)) {
                self.overflowed.push(member);
            }
        }
    }

    /// Queues `line` for client `id`.
    fn send(&mut self, id: ClientId, line: Outgoing) {
        let Some(member) = self.clients.get(&id) else {
            return;
        };
        if !member.queue.offer(line) {
            self.overflowed.push(id);
        }
    }

    /// Disconnects the clients whose queue overflowed. Each one's `LEAVE` may
    /// overflow another queue in turn, hence the loop.
    fn disconnect_overflowed(&mut self) {
        while let Some(id) = self.overflowed.pop() {
            if let Some(member) = self.remove(id) {
                eprintln!("disconnecting {}: it stopped reading", member.name);
                let _ = member.stream.shutdown(Shutdown::Both);
            }
        }
    }
}
