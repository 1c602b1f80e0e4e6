//! Fault: at stdin EOF the peer just exits: no `leave` to its neighbours. They still see its
//! connections end, but cannot tell a goodbye from a crash.
//!
//! replaces: group-chat
//! rejected-by: step4_ctrl_d_says_leave_and_the_others_print_left_once

use std::process::ExitCode;
use std::sync::Arc;
use std::thread;

use clap::Parser;
use group_chat::peer;
use group_chat::Args;

fn main() -> ExitCode {
    let args = Args::parse();
    let (peer, listener) = match peer::listen(&args) {
        Ok(listening) => listening,
        Err(code) => return code,
    };
    let acceptor = Arc::clone(&peer);
    thread::spawn(move || peer::accept_loop(listener, &acceptor));
    if let Err(code) = peer::dial_peers(&peer, &args.peers) {
        return code;
    }
    peer::chat_from_stdin(&peer);
    // The mistake: no peer::say_goodbye(&peer).
    ExitCode::SUCCESS
}
