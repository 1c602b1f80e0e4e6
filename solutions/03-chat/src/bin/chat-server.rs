//! chat-server: a multi-room chat server over TCP, on tokio.
//!
//! The design of the threaded server (`threaded.rs`, steps 1 to 5), with
//! tasks where it had threads: a task per client reads its lines and acts on
//! them in the shared [`Hub`], a second task per client writes the lines
//! queued for it. A task is a state machine of a few hundred bytes that the
//! runtime polls when its socket is ready, not a thread with a stack: 2,000
//! clients are 4,000 tasks on a handful of threads.
//!
//! Every `.await` is a point where a task that would block (no bytes to read
//! yet, a socket buffer full) hands its thread back to the runtime, which
//! runs another task meanwhile. So a task must never block in any other way:
//! a blocking `read`, `write` or `sleep` inside a task keeps its thread, and
//! every other task queued on that thread waits. The one lock is the
//! exception that proves the rule: it is held for a few map updates, never
//! across an `.await`, so a plain `std::sync::Mutex` is the right one.

use std::io;
use std::process::ExitCode;
use std::sync::Arc;

use chat::hub::{Flow, Outgoing, QUEUE_LINES};
use chat::lines::{AsyncLineReader, Line};
use chat::protocol::Command;
use chat::ServerArgs;
use clap::Parser;
use tokio::io::{AsyncWriteExt, BufWriter};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::{channel, Receiver, Sender};

/// The hub of this server: its queues are tokio channels.
type Hub = chat::hub::Hub<Sender<Outgoing>>;

/// `#[tokio::main]` starts the runtime: one worker thread per core, each
/// running an event loop (epoll) that polls the tasks whose sockets are ready.
#[tokio::main]
async fn main() -> ExitCode {
    let args = ServerArgs::parse();
    let listener = match TcpListener::bind((args.host.as_str(), args.port)).await {
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
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let hub = Arc::clone(&hub);
                tokio::spawn(async move { serve(&hub, stream).await });
            }
            // Out of file descriptors, or a connection reset before we took
            // it: that one client is lost, the others go on.
            Err(err) => eprintln!("accept failed: {err}"),
        }
    }
}

/// Serves one client: registers it, starts its writer task, then reads its
/// lines until it quits or goes away.
async fn serve(hub: &Hub, stream: TcpStream) {
    let (Ok(peer), Ok(handle)) = (stream.peer_addr(), duplicate(&stream)) else {
        return; // gone before we could even look at it
    };
    // Chat lines are small and someone waits for each: send them at once.
    let _ = stream.set_nodelay(true);
    let (reader, writer) = stream.into_split();
    let (queue, outgoing) = channel(QUEUE_LINES);
    let id = hub.connect(peer.to_string(), queue, handle);
    tokio::spawn(write_lines(writer, outgoing));

    let mut lines = AsyncLineReader::new(reader);
    loop {
        match lines.next_line().await {
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

/// A second handle on the socket (a `dup` of its descriptor), which the hub
/// keeps to shut the connection down if the client stops reading: that wakes
/// both of its tasks, whatever they are waiting for.
fn duplicate(stream: &TcpStream) -> io::Result<std::net::TcpStream> {
    use std::os::fd::AsFd;
    let fd = stream.as_fd().try_clone_to_owned()?;
    Ok(std::net::TcpStream::from(fd))
}

/// Writes the lines queued for one client, until its queue is closed (it
/// quit or was disconnected) or the connection breaks.
async fn write_lines(stream: OwnedWriteHalf, mut outgoing: Receiver<Outgoing>) {
    let mut out = BufWriter::new(stream);
    // `recv` returns `None` once the hub has dropped the queue's sender and
    // every line queued before that has been taken: that is how `/quit`
    // sends what is still queued before the connection closes.
    'connection: while let Some(line) = outgoing.recv().await {
        let mut batch = Some(line);
        // Write everything already queued, then flush once: one system call
        // for a burst of lines rather than one per line.
        while let Some(line) = batch {
            if out.write_all(line.as_bytes()).await.is_err() || out.write_all(b"\n").await.is_err()
            {
                break 'connection;
            }
            batch = outgoing.try_recv().ok();
        }
        if out.flush().await.is_err() {
            break;
        }
    }
    // Dropping the write half sends the end of stream (FIN); the socket
    // closes once the reader task has dropped its half too.
}
