//! The solution's `hub.rs` (`solutions/03-chat/src/hub.rs`), with a switch at
//! each of the hub's classic mistakes: `crate::MISTAKE`, which each faulty
//! server in `src/bin` sets to its own. Everything around the hub (the queue,
//! the line reader, the threaded server) is the solution's own code.
//!
//! The hub is the one part copied: its mistakes sit inside its methods (the
//! name check of `nick`, the early return of `join`, the order of `/rooms`),
//! and a method cannot be swapped for another one the way a module's
//! function can. `diff` this file with the solution's to see every switch.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex};

pub use chat::hub::{ClientId, Flow, Outgoing, Queue, QUEUE_LINES};
use chat::protocol::{is_valid_name, Command};
use chat_faults::Mistake;

use crate::MISTAKE;

pub struct Hub<Q> {
    state: Mutex<State<Q>>,
}

struct State<Q> {
    next_id: ClientId,
    clients: HashMap<ClientId, Member<Q>>,
    rooms: BTreeMap<String, BTreeSet<ClientId>>,
    overflowed: Vec<ClientId>,
}

struct Member<Q> {
    name: String,
    room: Option<String>,
    queue: Q,
    stream: TcpStream,
}

impl<Q: Queue> Hub<Q> {
    pub fn new() -> Hub<Q> {
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

    pub fn handle(&self, id: ClientId, command: Command) -> Flow {
        let mut state = self.state.lock().unwrap();
        if !state.clients.contains_key(&id) {
            return Flow::Quit;
        }
        let flow = state.handle(id, command);
        state.disconnect_overflowed();
        flow
    }

    pub fn answer(&self, id: ClientId, line: &str) {
        let mut state = self.state.lock().unwrap();
        state.send(id, line.into());
        state.disconnect_overflowed();
    }

    pub fn disconnect(&self, id: ClientId) {
        let mut state = self.state.lock().unwrap();
        if MISTAKE == Mistake::NoLeaveOnDisconnect {
            state.leave_silently(id);
            state.clients.remove(&id);
            return;
        }
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
                let mut rooms: Vec<(&String, usize)> =
                    self.rooms.iter().map(|(r, m)| (r, m.len())).collect();
                if MISTAKE == Mistake::RoomsSortedIgnoringCase {
                    rooms.sort_by_key(|(room, _)| room.to_lowercase());
                }
                let mut line = String::from("ROOMS");
                for (room, count) in rooms {
                    line.push_str(&format!(" {room}:{count}"));
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
                        let line: Outgoing = format!("MSG {room} {} {text}", member.name).into();
                        match MISTAKE {
                            Mistake::BroadcastToEveryRoom => {
                                let others: Vec<ClientId> =
                                    self.clients.keys().copied().filter(|&c| c != id).collect();
                                for other in others {
                                    self.send(other, Arc::clone(&line));
                                }
                            }
                            Mistake::SenderGetsOwnMessage => {
                                let members: Vec<ClientId> =
                                    self.rooms[&room].iter().copied().collect();
                                for member in members {
                                    self.send(member, Arc::clone(&line));
                                }
                            }
                            _ => self.broadcast(&room, id, line),
                        }
                    }
                }
            }
        }
        Flow::Continue
    }

    fn nick(&mut self, id: ClientId, name: &str) {
        let taken = MISTAKE != Mistake::NamesNotUnique
            && self
                .clients
                .iter()
                .any(|(&other, m)| other != id && m.name == name);
        let answer = if !is_valid_name(name) {
            "ERR invalid name".to_string()
        } else if taken {
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
        if self.clients[&id].room.as_deref() == Some(room) && MISTAKE != Mistake::RejoinAnnounces {
            return;
        }
        if MISTAKE == Mistake::SwitchWithoutLeave {
            self.leave_silently(id);
        } else {
            self.leave_room(id);
        }
        let name = self.clients[&id].name.clone();
        self.broadcast(room, id, format!("JOIN {room} {name}").into());
        self.rooms.entry(room.to_string()).or_default().insert(id);
        self.clients.get_mut(&id).unwrap().room = Some(room.to_string());
    }

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
            if MISTAKE != Mistake::EmptyRoomKept {
                self.rooms.remove(&room);
            }
        } else {
            self.broadcast(&room, id, line);
        }
    }

    /// Not in the solution: takes client `id` out of its room and tells
    /// nobody (the mistake of two of the faults).
    fn leave_silently(&mut self, id: ClientId) {
        let Some(room) = self.clients.get_mut(&id).and_then(|m| m.room.take()) else {
            return;
        };
        let members = self.rooms.get_mut(&room).expect("a member's room exists");
        members.remove(&id);
        if members.is_empty() {
            self.rooms.remove(&room);
        }
    }

    fn remove(&mut self, id: ClientId) -> Option<Member<Q>> {
        self.leave_room(id);
        self.clients.remove(&id)
    }

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

    fn send(&mut self, id: ClientId, line: Outgoing) {
        let Some(member) = self.clients.get(&id) else {
            return;
        };
        if !member.queue.offer(line) {
            self.overflowed.push(id);
        }
    }

    fn disconnect_overflowed(&mut self) {
        while let Some(id) = self.overflowed.pop() {
            if let Some(member) = self.remove(id) {
                eprintln!("disconnecting {}: it stopped reading", member.name);
                let _ = member.stream.shutdown(Shutdown::Both);
            }
        }
    }
}
