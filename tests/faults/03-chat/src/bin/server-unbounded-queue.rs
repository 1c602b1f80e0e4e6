//! Fault: each client has a writer thread, but its queue (`mpsc::channel`) has
//! no bound: a client that stops reading is never disconnected, and the server
//! buffers for it without limit.
//!
//! The hub, the line reader and the writer are the solution's; the mistake is
//! the queue that `serve` gives the hub.
//!
//! replaces: chat-server
//! rejected-by: step4_a_silent_client_never_stalls_the_others

use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::mpsc::{channel, Sender};
use std::sync::Arc;
use std::thread;

use chat::hub::{Flow, Outgoing, Queue};
use chat::lines::{Line, LineReader};
use chat::protocol::Command;
use chat::threaded::write_lines;
use chat::ServerArgs;
use clap::Parser;

/// The mistake: a queue that is never full.
struct Unbounded(Sender<Outgoing>);

impl Queue for Unbounded {
    fn offer(&self, line: Outgoing) -> bool {
        let _ = self.0.send(line);
        true
    }
}

type Hub = chat::hub::Hub<Unbounded>;

fn serve(hub: &Hub, stream: TcpStream) {
    let (Ok(peer), Ok(writer), Ok(handle)) =
        (stream.peer_addr(), stream.try_clone(), stream.try_clone())
    else {
        return;
    };
    let _ = stream.set_nodelay(true);
    let (queue, outgoing) = channel();
    let id = hub.connect(peer.to_string(), Unbounded(queue), handle);
    thread::spawn(move || write_lines(writer, outgoing));
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
