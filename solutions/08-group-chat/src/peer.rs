//! The threads of one peer, and what each does with a frame.
//!
//! - the main thread binds, prints `listening on`, dials every `--peer`,
//!   then reads stdin: every line a message to every neighbour;
//! - the accept thread takes the connections other peers dial;
//! - each connection, dialled or accepted, has a reader thread (here) and a
//!   writer thread ([`crate::outbox`]). The first frame each way is `hello`;
//!   then `peers` names our other neighbours, so that a newcomer connects to
//!   all of them and the mesh fills in.
//!
//! All shared state is the [`Mesh`], behind one lock. A reader holds it from
//! "is this id new?" to "queued for every other neighbour", so that two
//! readers never print or forward one author's messages out of order.

use std::io::{self, BufRead, BufReader};
use std::net::{TcpListener, TcpStream, ToSocketAddrs};
use std::process::ExitCode;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::frame::{frame, read_frame, FrameError, MAX_FRAME};
use crate::mesh::{ConnId, Mesh, Neighbour};
use crate::message::{decode, encode, Frame};
use crate::outbox::Outbox;
use crate::route::first_time;
use crate::Args;

/// How long a dial may take before that peer counts as unreachable.
const DIAL_TIMEOUT: Duration = Duration::from_secs(2);
/// How long stdin waits for the `--peer`s to answer `hello`.
const HELLO_WAIT: Duration = Duration::from_secs(5);
/// How long the last frames (our `leave`) get to go out at exit.
const GOODBYE_WAIT: Duration = Duration::from_secs(2);

/// One peer: its mesh, and a condition variable signalled whenever a
/// `hello` comes (the start waits for the `--peer`s' ones).
pub struct Peer {
    pub mesh: Mutex<Mesh>,
    hellos: Condvar,
}

/// The whole program: `group-chat --name NAME [--peer H:P]...`.
pub fn run(args: Args) -> ExitCode {
    let (peer, listener) = match listen(&args) {
        Ok(listening) => listening,
        Err(code) => return code,
    };
    let acceptor = Arc::clone(&peer);
    thread::spawn(move || accept_loop(listener, &acceptor));
    if let Err(code) = dial_peers(&peer, &args.peers) {
        return code;
    }
    chat_from_stdin(&peer);
    say_goodbye(&peer);
    ExitCode::SUCCESS
}

/// Binds, and prints `listening on <addr>` (the address actually bound).
pub fn listen(args: &Args) -> Result<(Arc<Peer>, TcpListener), ExitCode> {
    let listener = TcpListener::bind((args.host.as_str(), args.port)).map_err(|err| {
        eprintln!("error: cannot listen on {}:{}: {err}", args.host, args.port);
        ExitCode::from(1)
    })?;
    let listen = listener
        .local_addr()
        .expect("a bound socket's address")
        .to_string();
    println!("listening on {listen}");
    let peer = Arc::new(Peer {
        mesh: Mutex::new(Mesh::new(args.name.clone(), listen)),
        hellos: Condvar::new(),
    });
    Ok((peer, listener))
}

/// Dials every `--peer`, then waits until each answered `hello` (or its
/// connection ended), at most [`HELLO_WAIT`]. None reachable: exit 1.
pub fn dial_peers(peer: &Arc<Peer>, addrs: &[String]) -> Result<(), ExitCode> {
    if addrs.is_empty() {
        return Ok(());
    }
    let reached = addrs
        .iter()
        .filter(|addr| match dial(peer, addr, true) {
            Ok(_) => true,
            Err(err) => {
                eprintln!("cannot reach {addr}: {err}");
                false
            }
        })
        .count();
    if reached == 0 {
        eprintln!("error: cannot reach {}", addrs[0]);
        return Err(ExitCode::from(1));
    }
    let mesh = peer.mesh.lock().unwrap();
    let _ = peer
        .hellos
        .wait_timeout_while(mesh, HELLO_WAIT, |mesh| !mesh.awaited.is_empty())
        .unwrap();
    Ok(())
}

/// Takes every connection another peer dials.
pub fn accept_loop(listener: TcpListener, peer: &Arc<Peer>) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                if let Err(err) = start_connection(peer, stream, false, false) {
                    eprintln!("a connection failed at once: {err}");
                }
            }
            Err(err) => eprintln!("accept failed: {err}"),
        }
    }
}

/// Connects to `addr` (a `--peer`, or an address from a `peers` frame).
/// `awaited`: the start waits for this one's `hello`.
pub fn dial(peer: &Arc<Peer>, addr: &str, awaited: bool) -> io::Result<ConnId> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "no address");
    for resolved in addr.to_socket_addrs()? {
        match TcpStream::connect_timeout(&resolved, DIAL_TIMEOUT) {
            Ok(stream) => return start_connection(peer, stream, true, awaited),
            Err(err) => last = err,
        }
    }
    Err(last)
}

/// Starts a connection's writer and reader threads; our `hello` goes first.
pub fn start_connection(
    peer: &Arc<Peer>,
    stream: TcpStream,
    dialled: bool,
    awaited: bool,
) -> io::Result<ConnId> {
    let (conn, outbox, reader) = open(peer, stream, awaited)?;
    let peer = Arc::clone(peer);
    thread::spawn(move || serve(&peer, reader, conn, outbox, dialled));
    Ok(conn)
}

/// A new connection: its number, its writer (with our `hello` queued
/// first), and the stream to read it from.
pub fn open(
    peer: &Peer,
    stream: TcpStream,
    awaited: bool,
) -> io::Result<(ConnId, Arc<Outbox>, TcpStream)> {
    stream.set_nodelay(true)?;
    let reader = stream.try_clone()?;
    let outbox = Outbox::start(stream);
    let conn = {
        let mut mesh = peer.mesh.lock().unwrap();
        let conn = mesh.new_conn();
        if awaited {
            mesh.awaited.insert(conn);
        }
        let hello = Frame::Hello {
            name: mesh.name.clone(),
            listen: mesh.listen.clone(),
        };
        outbox.push(Arc::new(frame(&encode(&hello))));
        conn
    };
    Ok((conn, outbox, reader))
}

/// The reader of one connection: `hello` first, then any frame, until the
/// stream ends or breaks the protocol. Only this connection is closed.
pub fn serve(
    peer: &Arc<Peer>,
    stream: TcpStream,
    conn: ConnId,
    outbox: Arc<Outbox>,
    dialled: bool,
) {
    let who = stream
        .peer_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| "?".into());
    let mut reader = BufReader::with_capacity(64 * 1024, &stream);
    let mut name = None;
    let why = loop {
        let frame = match read_frame(&mut reader) {
            Ok(body) => decode(&body),
            Err(FrameError::Closed) => break None,
            Err(FrameError::Cut) => {
                break Some("a frame cut short by the end of the stream".into())
            }
            Err(FrameError::TooLong(n)) => {
                break Some(format!("a length of {n} bytes (at most {MAX_FRAME})"))
            }
            Err(FrameError::Io(err)) => break Some(format!("{err}")),
        };
        let done = match (frame, &name) {
            (Err(why), _) => Err(why),
            (Ok(Frame::Hello { name: n, listen }), None) => {
                let result = hello(peer, conn, &outbox, dialled, &n, &listen);
                name = Some(n);
                result
            }
            (Ok(_), None) => Err("the first frame is not `hello`".into()),
            (Ok(Frame::Hello { .. }), Some(_)) => Err("a second `hello`".into()),
            (Ok(frame), Some(_)) => {
                handle(peer, conn, frame);
                Ok(())
            }
        };
        if let Err(why) = done {
            break Some(why);
        }
    };
    if let Some(why) = why {
        let name = name.as_deref().unwrap_or("a peer that sent no hello");
        eprintln!("closing the connection from {name} ({who}): {why}");
    }
    outbox.abort();
    let mut mesh = peer.mesh.lock().unwrap();
    mesh.awaited.remove(&conn);
    peer.hellos.notify_all();
    if let Some(name) = name {
        // Only the connection the name is registered on speaks for it: a
        // second connection that the rule closed ends in silence.
        if mesh.neighbours.get(&name).is_some_and(|n| n.conn == conn) {
            mesh.neighbours.remove(&name);
            mesh.leave(&name, None);
        }
    }
}

/// A `hello` from `name`: register it, print `joined` the first time, and
/// answer with our other neighbours' addresses.
fn hello(
    peer: &Peer,
    conn: ConnId,
    outbox: &Arc<Outbox>,
    dialled: bool,
    name: &str,
    listen: &str,
) -> Result<(), String> {
    let mut mesh = peer.mesh.lock().unwrap();
    mesh.awaited.remove(&conn);
    peer.hellos.notify_all();
    mesh.dialling.remove(listen);
    if name == mesh.name {
        return Err("it says it is this peer".into());
    }
    let dialled_by = if dialled {
        mesh.name.clone()
    } else {
        name.to_string()
    };
    if let Some(old) = mesh.neighbours.get(name) {
        // Two connections between the same two peers (both dialled at
        // once): keep the one dialled by the smaller name; who accepted the
        // other closes it. Nobody joined or left.
        let smaller = mesh.name.as_str().min(name).to_string();
        if dialled_by != smaller || old.dialled_by == smaller {
            return match dialled {
                false => Err(format!("a second connection to {name}")),
                true => Ok(()), // the other side closes it
            };
        }
        let old = mesh.neighbours.remove(name).expect("just seen");
        for queued in old.outbox.take_queued() {
            outbox.push(queued);
        }
        match old.dialled_by == mesh.name {
            true => old.outbox.close(),
            false => old.outbox.abort(),
        }
    } else if mesh.joined.insert(name.to_string()) {
        println!("* {name} joined");
    }
    // A name that left stays left, even if it connects again (a late
    // second connection of a mesh being built does): `left` is printed
    // once per name, as `joined` is.
    let others: Vec<String> = mesh.neighbours.values().map(|n| n.listen.clone()).collect();
    mesh.neighbours.insert(
        name.to_string(),
        Neighbour {
            conn,
            listen: listen.to_string(),
            dialled_by,
            outbox: Arc::clone(outbox),
        },
    );
    outbox.push(Arc::new(frame(&encode(&Frame::Peers { listen: others }))));
    Ok(())
}

/// Any frame after `hello`, from the neighbour on `conn`.
fn handle(peer: &Arc<Peer>, conn: ConnId, frame: Frame) {
    let mut mesh = peer.mesh.lock().unwrap();
    match frame {
        Frame::Msg { id, from, text } => {
            if first_time(&mut mesh.seen, &id) {
                println!("[{from}] {text}");
                mesh.send_all(&Frame::Msg { id, from, text }, Some(conn));
            }
        }
        Frame::Peers { listen } => {
            for addr in listen {
                if mesh.knows_address(&addr) {
                    continue;
                }
                mesh.dialling.insert(addr.clone());
                let peer = Arc::clone(peer);
                thread::spawn(move || {
                    if let Err(err) = dial(&peer, &addr, false) {
                        eprintln!("cannot reach {addr}: {err}");
                        peer.mesh.lock().unwrap().dialling.remove(&addr);
                    }
                });
            }
        }
        Frame::Leave { name } => {
            match mesh.neighbours.get(&name) {
                // Relayed, while we still hold its own connection: that
                // connection will tell us itself.
                Some(neighbour) if neighbour.conn != conn => return,
                Some(_) => {
                    let neighbour = mesh.neighbours.remove(&name).expect("just seen");
                    neighbour.outbox.close();
                }
                None => {}
            }
            mesh.leave(&name, Some(conn));
        }
        Frame::Hello { .. } => unreachable!("serve handles hello"),
    }
}

/// Every line typed is a message to every neighbour, until EOF.
pub fn chat_from_stdin(peer: &Peer) {
    let mut stdin = io::stdin().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        match stdin.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches('\n').trim_end_matches('\r');
        let mut mesh = peer.mesh.lock().unwrap();
        let message = Frame::Msg {
            id: format!("{}/{}", mesh.name, mesh.sent + 1),
            from: mesh.name.clone(),
            text: text.to_string(),
        };
        if encode(&message).len() > MAX_FRAME {
            eprintln!("error: message too long (a frame holds at most {MAX_FRAME} bytes)");
            continue;
        }
        mesh.sent += 1;
        if let Frame::Msg { id, .. } = &message {
            mesh.seen.insert(id.clone());
        }
        mesh.send_all(&message, None);
    }
}

/// Stdin ended: `leave` to every neighbour, and a little time for it (and
/// whatever is still queued) to go out before we exit.
pub fn say_goodbye(peer: &Peer) {
    let outboxes: Vec<Arc<Outbox>> = {
        let mut mesh = peer.mesh.lock().unwrap();
        mesh.closing = true;
        let leave = Arc::new(frame(&encode(&Frame::Leave {
            name: mesh.name.clone(),
        })));
        mesh.neighbours
            .values()
            .map(|n| {
                n.outbox.push(Arc::clone(&leave));
                n.outbox.close();
                Arc::clone(&n.outbox)
            })
            .collect()
    };
    let deadline = Instant::now() + GOODBYE_WAIT;
    for outbox in outboxes {
        outbox.wait_done(deadline.saturating_duration_since(Instant::now()));
    }
}
