//! Fault: the accept loop reads each neighbour that dials in to its end before it accepts the
//! next (no thread per connection). A neighbour that hangs with its connection open (dead, but
//! no FIN) stalls every peer that dials in after it.
//!
//! replaces: group-chat
//! rejected-by: step4_a_hung_neighbour_stops_no_one

use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;

use clap::Parser;
use group_chat::peer::{self, Peer};
use group_chat::Args;

/// The mistake: `serve` is called here, not on a thread of its own.
fn accept_loop(listener: TcpListener, peer: &Arc<Peer>) {
    for stream in listener.incoming().flatten() {
        if let Ok((conn, outbox, reader)) = peer::open(peer, stream, false) {
            peer::serve(peer, reader, conn, outbox, false);
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let (peer, listener) = match peer::listen(&args) {
        Ok(listening) => listening,
        Err(code) => return code,
    };
    let acceptor = Arc::clone(&peer);
    thread::spawn(move || accept_loop(listener, &acceptor));
    if let Err(code) = peer::dial_peers(&peer, &args.peers) {
        return code;
    }
    peer::chat_from_stdin(&peer);
    peer::say_goodbye(&peer);
    ExitCode::SUCCESS
}
