//! Exercise 08, group chat: a peer-to-peer chat over TCP, where every
//! participant listens and connects, and messages travel as length-prefixed
//! JSON frames. Read the modules in this order:
//!
//! - [`frame`]: a 4-byte big-endian length, then that many bytes; reading
//!   exactly N bytes, and a bound on what N may claim;
//! - [`message`]: what a frame's JSON says ([`message::Frame`]);
//! - [`outbox`]: the bounded queue and writer thread of each neighbour, so
//!   that reading never waits on writing (the echo deadlock) and a neighbour
//!   that stops reading is dropped instead of stalling the others;
//! - [`route`]: duplicate suppression, and never back to the sender;
//! - [`mesh`]: who is connected, which messages were already seen, who left;
//! - [`peer`]: the threads: accept, dial, read each neighbour, read stdin.

pub mod frame;
pub mod mesh;
pub mod message;
pub mod outbox;
pub mod peer;
pub mod route;

use clap::Parser;

/// One participant of a group chat: listens for the others and connects to
/// them; every line typed on stdin is a message to the whole group.
#[derive(Parser, Debug, Clone)]
#[command(version)]
pub struct Args {
    /// This participant's name, unique in the group.
    #[arg(long)]
    pub name: String,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The port to listen on; 0 (the default) lets the OS pick a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// A participant already in the group, as host:port (repeatable).
    #[arg(long = "peer")]
    pub peers: Vec<String>,
}
