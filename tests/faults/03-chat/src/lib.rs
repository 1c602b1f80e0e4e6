//! The faulty chat servers and clients: one copy of the reference server
//! (here) and of the reference client (`client.rs`), with a switch at each
//! classic mistake. Each binary in `src/bin` turns exactly one on, so that it
//! differs from the reference only by that mistake.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread;

mod client;

pub use client::{run_client, ClientMistake};

use chat::hub::{Flow, QUEUE_LINES};
use chat::lines::{Line, LineReader};
use chat::protocol::{is_valid_name, Command, MAX_LINE};
use chat::ServerArgs;
use clap::Parser;

/// The mistake a faulty server makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mistake {
    /// A message goes to every client, whatever its room.
    BroadcastToEveryRoom,
    /// A message goes back to its sender too.
    SenderGetsOwnMessage,
    /// A room with no members stays in `/rooms` (with count 0).
    EmptyRoomKept,
    /// A client that disconnects without `/quit` is forgotten silently.
    NoLeaveOnDisconnect,
    /// No queue and no writer thread: lines are written to each socket while
    /// holding the lock, with blocking writes.
    BlockingBroadcastUnderLock,
    /// The queue per client has no bound: a silent client is never dropped.
    UnboundedQueue,
    /// Each `read` is taken apart at its `\n`s, and what is left at its end
    /// is taken for a line too: a line split across two reads is two.
    ReadEndIsLineEnd,
    /// Each `read` is one message, `\n`s and all.
    OneReadOneMessage,
    /// `/join` to another room tells the new room, not the old one.
    SwitchWithoutLeave,
    /// `/join` to the room you are in leaves it and joins it again.
    RejoinAnnounces,
    /// `/nick` takes any valid name, even one in use.
    NamesNotUnique,
    /// `/rooms` sorts the rooms ignoring case.
    RoomsSortedIgnoringCase,
    /// Lines of any length are read (`read_until`), and sent on.
    NoLineLimit,
    /// Each line is read whole (`read_until`), and only then checked against
    /// the limit: the answer is right, the memory is not.
    WholeLineThenLimit,
    /// Lines are read with `BufRead::lines`, whose error on bytes that are
    /// not UTF-8 ends the connection.
    InvalidUtf8EndsConnection,
    /// Clients are served one after the other, on the accepting thread.
    OneClientAtATime,
}

/// Runs the chat server with `mistake`.
pub fn run(mistake: Mistake) -> ExitCode {
    let args = ServerArgs::parse();
    let listener = match TcpListener::bind((args.host.as_str(), args.port)) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: cannot bind {}:{}: {err}", args.host, args.port);
            return ExitCode::from(1);
        }
    };
    println!("listening on {}", listener.local_addr().unwrap());
    let hub = Arc::new(Hub {
        mistake,
        state: Mutex::default(),
    });
    for stream in listener.incoming().flatten() {
        let hub = Arc::clone(&hub);
        if mistake == Mistake::OneClientAtATime {
            serve(&hub, stream);
        } else {
            thread::spawn(move || serve(&hub, stream));
        }
    }
    ExitCode::SUCCESS
}

type Outgoing = Arc<str>;
type ClientId = u64;

enum Queue {
    Bounded(SyncSender<Outgoing>),
    Unbounded(Sender<Outgoing>),
    /// No queue: written to the socket at once.
    Direct,
}

struct Member {
    name: String,
    room: Option<String>,
    queue: Queue,
    stream: TcpStream,
}

#[derive(Default)]
struct State {
    next_id: ClientId,
    clients: HashMap<ClientId, Member>,
    rooms: BTreeMap<String, BTreeSet<ClientId>>,
    overflowed: Vec<ClientId>,
}

struct Hub {
    mistake: Mistake,
    state: Mutex<State>,
}

fn serve(hub: &Hub, stream: TcpStream) {
    let (Ok(peer), Ok(writer), Ok(handle)) =
        (stream.peer_addr(), stream.try_clone(), stream.try_clone())
    else {
        return;
    };
    let _ = stream.set_nodelay(true);
    let queue = match hub.mistake {
        Mistake::BlockingBroadcastUnderLock => Queue::Direct,
        Mistake::UnboundedQueue => {
            let (queue, outgoing) = channel();
            thread::spawn(move || write_lines(writer, outgoing));
            Queue::Unbounded(queue)
        }
        _ => {
            let (queue, outgoing) = sync_channel(QUEUE_LINES);
            thread::spawn(move || write_lines(writer, outgoing));
            Queue::Bounded(queue)
        }
    };
    let id = {
        let mut state = hub.state.lock().unwrap();
        let id = state.next_id;
        state.next_id += 1;
        let name = peer.to_string();
        state.clients.insert(
            id,
            Member {
                name,
                room: None,
                queue,
                stream: handle,
            },
        );
        id
    };
    let quit = match hub.mistake {
        Mistake::ReadEndIsLineEnd | Mistake::OneReadOneMessage => read_chunks(hub, id, stream),
        Mistake::NoLineLimit | Mistake::WholeLineThenLimit => read_unbounded(hub, id, stream),
        Mistake::InvalidUtf8EndsConnection => read_strings(hub, id, stream),
        _ => read_lines(hub, id, stream),
    };
    if quit {
        return;
    }
    let mut state = hub.state.lock().unwrap();
    if hub.mistake == Mistake::NoLeaveOnDisconnect {
        if let Some(member) = state.clients.remove(&id) {
            if let Some(room) = member.room {
                let members = state.rooms.get_mut(&room).unwrap();
                members.remove(&id);
                if members.is_empty() {
                    state.rooms.remove(&room);
                }
            }
        }
        return;
    }
    hub.remove(&mut state, id);
    hub.disconnect_overflowed(&mut state);
}

/// The reference's way: bounded lines. True when the client quit.
fn read_lines(hub: &Hub, id: ClientId, stream: TcpStream) -> bool {
    let mut lines = LineReader::new(stream);
    loop {
        match lines.next_line() {
            Ok(Some(Line::Text(text))) => {
                if hub.handle(id, &text) == Flow::Quit {
                    return true;
                }
            }
            Ok(Some(Line::TooLong)) => hub.answer(id, "ERR line too long"),
            Ok(Some(Line::NotUtf8)) => hub.answer(id, "ERR invalid utf-8"),
            Ok(None) | Err(_) => return false,
        }
    }
}

/// Takes `read`s for lines.
fn read_chunks(hub: &Hub, id: ClientId, mut stream: TcpStream) -> bool {
    let mut buffer = [0u8; 4096];
    loop {
        let n = match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return false,
            Ok(n) => n,
        };
        let text = String::from_utf8_lossy(&buffer[..n]).into_owned();
        let lines: Vec<&str> = if hub.mistake == Mistake::OneReadOneMessage {
            vec![text.strip_suffix('\n').unwrap_or(&text)]
        } else {
            text.split_terminator('\n').collect()
        };
        for line in lines {
            if hub.handle(id, line.trim_end_matches('\r')) == Flow::Quit {
                return true;
            }
        }
    }
}

/// Reads lines of any length.
fn read_unbounded(hub: &Hub, id: ClientId, stream: TcpStream) -> bool {
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return false,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        if hub.mistake == Mistake::WholeLineThenLimit && text.len() > MAX_LINE {
            hub.answer(id, "ERR line too long");
            continue;
        }
        if hub.handle(id, text) == Flow::Quit {
            return true;
        }
    }
}

/// Reads `String` lines: not UTF-8 is an error that ends the loop.
fn read_strings(hub: &Hub, id: ClientId, stream: TcpStream) -> bool {
    for line in BufReader::new(stream).lines() {
        let Ok(line) = line else { return false };
        if hub.handle(id, line.trim_end_matches('\r')) == Flow::Quit {
            return true;
        }
    }
    false
}

fn write_lines(stream: TcpStream, outgoing: Receiver<Outgoing>) {
    let mut out = BufWriter::new(&stream);
    'connection: while let Ok(line) = outgoing.recv() {
        let mut batch = Some(line);
        while let Some(line) = batch {
            if out
                .write_all(line.as_bytes())
                .and_then(|()| out.write_all(b"\n"))
                .is_err()
            {
                break 'connection;
            }
            batch = outgoing.try_recv().ok();
        }
        if out.flush().is_err() {
            break;
        }
    }
    drop(out);
    let _ = stream.shutdown(Shutdown::Both);
}

impl Hub {
    fn handle(&self, id: ClientId, line: &str) -> Flow {
        let mut state = self.state.lock().unwrap();
        if !state.clients.contains_key(&id) {
            return Flow::Quit;
        }
        let flow = self.command(&mut state, id, Command::parse(line));
        self.disconnect_overflowed(&mut state);
        flow
    }

    fn answer(&self, id: ClientId, line: &str) {
        let mut state = self.state.lock().unwrap();
        self.send(&mut state, id, line.into());
        self.disconnect_overflowed(&mut state);
    }

    fn command(&self, state: &mut State, id: ClientId, command: Command) -> Flow {
        match command {
            Command::Empty => {}
            Command::Nick(name) => {
                let taken = self.mistake != Mistake::NamesNotUnique
                    && state
                        .clients
                        .iter()
                        .any(|(&other, m)| other != id && m.name == name);
                let answer = if !is_valid_name(name) {
                    "ERR invalid name".to_string()
                } else if taken {
                    "ERR name taken".to_string()
                } else {
                    state.clients.get_mut(&id).unwrap().name = name.to_string();
                    format!("OK nick {name}")
                };
                self.send(state, id, answer.into());
            }
            Command::Join(room) => self.join(state, id, room),
            Command::Rooms => {
                let mut rooms: Vec<(&String, usize)> =
                    state.rooms.iter().map(|(r, m)| (r, m.len())).collect();
                if self.mistake == Mistake::RoomsSortedIgnoringCase {
                    rooms.sort_by_key(|(room, _)| room.to_lowercase());
                }
                let mut line = String::from("ROOMS");
                for (room, count) in rooms {
                    line.push_str(&format!(" {room}:{count}"));
                }
                self.send(state, id, line.into());
            }
            Command::Quit => {
                self.remove(state, id);
                return Flow::Quit;
            }
            Command::Unknown(word) => {
                self.send(state, id, format!("ERR unknown command {word}").into())
            }
            Command::Say(text) => {
                let member = &state.clients[&id];
                match member.room.clone() {
                    None => self.send(state, id, "ERR join a room first: /join <room>".into()),
                    Some(room) => {
                        let line: Outgoing = format!("MSG {room} {} {text}", member.name).into();
                        if self.mistake == Mistake::BroadcastToEveryRoom {
                            let everyone: Vec<ClientId> =
                                state.clients.keys().copied().filter(|&c| c != id).collect();
                            for other in everyone {
                                self.send(state, other, Arc::clone(&line));
                            }
                        } else {
                            let except = if self.mistake == Mistake::SenderGetsOwnMessage {
                                None
                            } else {
                                Some(id)
                            };
                            self.broadcast(state, &room, except, line);
                        }
                    }
                }
            }
        }
        Flow::Continue
    }

    fn join(&self, state: &mut State, id: ClientId, room: &str) {
        if !is_valid_name(room) {
            return self.send(state, id, "ERR invalid room".into());
        }
        self.send(state, id, format!("OK joined {room}").into());
        if state.clients[&id].room.as_deref() == Some(room)
            && self.mistake != Mistake::RejoinAnnounces
        {
            return;
        }
        self.leave_room(state, id, self.mistake != Mistake::SwitchWithoutLeave);
        let name = state.clients[&id].name.clone();
        self.broadcast(state, room, Some(id), format!("JOIN {room} {name}").into());
        state.rooms.entry(room.to_string()).or_default().insert(id);
        state.clients.get_mut(&id).unwrap().room = Some(room.to_string());
    }

    fn leave_room(&self, state: &mut State, id: ClientId, announce: bool) {
        let Some(member) = state.clients.get_mut(&id) else {
            return;
        };
        let Some(room) = member.room.take() else {
            return;
        };
        let line: Outgoing = format!("LEAVE {room} {}", member.name).into();
        let members = state.rooms.get_mut(&room).unwrap();
        members.remove(&id);
        if members.is_empty() {
            if self.mistake != Mistake::EmptyRoomKept {
                state.rooms.remove(&room);
            }
        } else if announce {
            self.broadcast(state, &room, Some(id), line);
        }
    }

    fn remove(&self, state: &mut State, id: ClientId) -> Option<Member> {
        self.leave_room(state, id, true);
        state.clients.remove(&id)
    }

    fn broadcast(&self, state: &mut State, room: &str, except: Option<ClientId>, line: Outgoing) {
        let Some(members) = state.rooms.get(room) else {
            return;
        };
        let members: Vec<ClientId> = members
            .iter()
            .copied()
            .filter(|&m| Some(m) != except)
            .collect();
        for member in members {
            self.send(state, member, Arc::clone(&line));
        }
    }

    fn send(&self, state: &mut State, id: ClientId, line: Outgoing) {
        let Some(member) = state.clients.get(&id) else {
            return;
        };
        match &member.queue {
            Queue::Bounded(queue) => {
                if let Err(TrySendError::Full(_)) = queue.try_send(line) {
                    state.overflowed.push(id);
                }
            }
            Queue::Unbounded(queue) => {
                let _ = queue.send(line);
            }
            // The mistake: a blocking write while holding the lock.
            Queue::Direct => {
                let _ = (&member.stream).write_all(format!("{line}\n").as_bytes());
            }
        }
    }

    fn disconnect_overflowed(&self, state: &mut State) {
        while let Some(id) = state.overflowed.pop() {
            if let Some(member) = self.remove(state, id) {
                let _ = member.stream.shutdown(Shutdown::Both);
            }
        }
    }
}
