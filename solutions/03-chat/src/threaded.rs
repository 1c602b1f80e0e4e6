//! The step-5 server: a thread per client (two, in fact).
//!
//! A thread per client reads its lines and acts on them in the shared
//! [`Hub`]; a second thread per client writes the lines queued for it. The
//! hub only ever queues (see `hub.rs` for why), so a client that stops
//! reading fills its own queue and is disconnected, and nobody else waits.
//!
//! It is right, and it is how steps 1 to 5 build it. Its cost is the threads:
//! each has a stack (8 MiB reserved, a few pages touched) and a kernel task,
//! and 2,000 clients make 4,000 of them. The reference server (`chat-server`,
//! step 6) is the same design on tokio: tasks instead of threads. Run this
//! one with `cargo run -p chat-solution --bin chat-server-threads`.

use std::io::{BufWriter, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread;

use crate::hub::{Flow, Outgoing, QUEUE_LINES};
use crate::lines::{Line, LineReader};
use crate::protocol::Command;
use crate::ServerArgs;

/// The hub of this server: its queues are `std` channels.
pub type Hub = crate::hub::Hub<SyncSender<Outgoing>>;

/// Runs the threaded server until it is killed.
pub fn run(args: ServerArgs) -> ExitCode {
    let listener = match TcpListener::bind((args.host.as_str(), args.port)) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("error: cannot bind {}:{}: {err}", args.host, args.port);
            return ExitCode::from(1);
        }
    };
    // The address actually bound: with --port 0 this is where the OS put us.
    println!(
        "listening on {}",
        listener
            .local_addr()
            .expect("a bound socket has an address")
    );

    let hub = Arc::new(Hub::new());
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let hub = Arc::clone(&hub);
                thread::spawn(move || serve(&hub, stream));
            }
            // Out of file descriptors, or a connection reset before we took
            // it: that one client is lost, the others go on.
            Err(err) => eprintln!("accept failed: {err}"),
        }
    }
    ExitCode::SUCCESS
}

/// Serves one client: registers it, starts its writer, then reads its lines
/// until it quits or goes away.
pub fn serve(hub: &Hub, stream: TcpStream) {
    let (Ok(peer), Ok(writer), Ok(handle)) =
        (stream.peer_addr(), stream.try_clone(), stream.try_clone())
    else {
        return; // gone before we could even look at it
    };
    // Chat lines are small and someone waits for each: send them at once
    // rather than wait to fill a segment (Nagle's algorithm).
    let _ = stream.set_nodelay(true);
    let (queue, outgoing) = sync_channel(QUEUE_LINES);
    let id = hub.connect(peer.to_string(), queue, handle);
    thread::spawn(move || write_lines(writer, outgoing));

    let mut lines = LineReader::new(stream);
    loop {
        match lines.next_line() {
            Ok(Some(Line::Text(text))) => {
                if hub.handle(id, Command::parse(&text)) == Flow::Quit {
                    return; // the hub has closed its queue
                }
            }
            Ok(Some(Line::TooLong)) => hub.answer(id, "ERR line too long"),
            Ok(Some(Line::NotUtf8)) => hub.answer(id, "ERR invalid utf-8"),
            // End of stream or reset: the client vanished.
            Ok(None) | Err(_) => break,
        }
    }
    hub.disconnect(id);
}

/// Writes the lines queued for one client, until its queue is closed (it
/// quit or was disconnected) or the connection breaks.
pub fn write_lines(stream: TcpStream, outgoing: Receiver<Outgoing>) {
    let mut out = BufWriter::new(&stream);
    // `recv` fails once the hub has dropped the queue's sender and every line
    // queued before that has been taken: that is how `/quit` sends what is
    // still queued before the connection closes.
    'connection: while let Ok(line) = outgoing.recv() {
        let mut batch = Some(line);
        // Write everything already queued, then flush once: one system call
        // for a burst of lines rather than one per line.
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
    // Closes the connection, and wakes up its reader if the client is still
    // there: we are done with it.
    let _ = stream.shutdown(Shutdown::Both);
}
