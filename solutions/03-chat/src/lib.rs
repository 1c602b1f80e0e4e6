//! Exercise 03, chat: the parts the two programs' `main`s lean on.
//!
//! - [`ServerArgs`] and [`ClientArgs`]: the command lines;
//! - [`lines`]: reading lines of at most [`protocol::MAX_LINE`] bytes, so that
//!   no client can make the server buffer without bound;
//! - [`protocol`]: what a client's line means ([`protocol::Command`]), and
//!   which names and rooms are valid;
//! - [`hub`]: the server's shared state (clients, names, rooms) behind one lock,
//!   and the per-client outgoing queue that keeps a silent client from
//!   stalling the others;
//! - [`client`] and [`relay`]: the client, its two threads and their loops;
//! - [`render`]: how the client shows the server's lines to people;
//! - [`threaded`]: the step-5 server, a thread per client, kept beside the
//!   tokio reference (`src/bin/chat-server.rs`, step 6) to compare with it.

pub mod client;
pub mod hub;
pub mod lines;
pub mod protocol;
pub mod relay;
pub mod render;
pub mod threaded;

use clap::Parser;

/// A multi-room chat server: one line per message, one room per client.
#[derive(Parser, Debug)]
#[command(version)]
pub struct ServerArgs {
    /// The address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The port to bind; 0 lets the OS pick a free one.
    #[arg(long, default_value_t = 6667)]
    pub port: u16,
}

/// A chat client: sends every line typed on stdin, shows what the server says.
#[derive(Parser, Debug)]
#[command(version)]
pub struct ClientArgs {
    /// The server, as host:port.
    #[arg(long)]
    pub server: String,
    /// Sent as `/nick NAME` right after connecting.
    #[arg(long)]
    pub name: Option<String>,
    /// Sent as `/join ROOM` right after connecting (and after `/nick`).
    #[arg(long)]
    pub room: Option<String>,
}
