//! Fault: the broadcast writes to each member's socket, with blocking writes,
//! while holding the lock on the shared state. A client that stops reading
//! fills its socket buffers, the write blocks with the lock held, and every
//! other client's thread waits for the lock: the whole server stalls.
//!
//! The hub and the line reader are the solution's; the mistake is the queue
//! that `serve` gives the hub: none, a write at once.
//!
//! replaces: chat-server
//! rejected-by: step4_a_silent_client_never_stalls_the_others
//! within-s: 8

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;

use chat::hub::{Flow, Outgoing, Queue};
use chat::lines::{Line, LineReader};
use chat::protocol::Command;
use chat::ServerArgs;
use clap::Parser;

/// The mistake: no queue and no writer thread; `offer` writes to the socket
/// at once, with a blocking write, and the hub calls it under its lock.
struct Direct(TcpStream);

impl Queue for Direct {
    fn offer(&self, line: Outgoing) -> bool {
        let _ = (&self.0).write_all(format!("{line}\n").as_bytes());
        true
    }
}

type Hub = chat::hub::Hub<Direct>;

fn serve(hub: &Hub, stream: TcpStream) {
    let (Ok(peer), Ok(writer), Ok(handle)) =
        (stream.peer_addr(), stream.try_clone(), stream.try_clone())
    else {
        return;
    };
    let _ = stream.set_nodelay(true);
    let id = hub.connect(peer.to_string(), Direct(writer), handle);
    let mut lines = LineReader::new(stream);
    loop {
        match lines.next_line() {
            Ok(Some(Line::Text(text))) => {
                if hub.handle(id, Command::parse(&text)) == Flow::Quit {
                    return;
                }
            }
            Ok(Some(Line::TooLong)) => hub.answer(id, "ERR line too long"),
            Ok(Some(Line::NotUtf8)) => hub.answer(id, "ERR invalid utf-8"),
            Ok(None) | Err(_) => break,
        }
    }
    hub.disconnect(id);
}

fn main() -> ExitCode {
    let args = ServerArgs::parse();
    let Ok(listener) = TcpListener::bind((args.host.as_str(), args.port)) else {
        eprintln!("error: cannot bind {}:{}", args.host, args.port);
        return ExitCode::from(1);
    };
    println!("listening on {}", listener.local_addr().unwrap());
    let hub = Arc::new(Hub::new());
    for stream in listener.incoming().flatten() {
        let hub = Arc::clone(&hub);
        thread::spawn(move || serve(&hub, stream));
    }
    ExitCode::SUCCESS
}
