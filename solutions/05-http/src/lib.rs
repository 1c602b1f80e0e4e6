//! Exercise 05, http: a small HTTP/1.1 server written on std's `TcpListener`,
//! the lecture's bare server grown up.
//!
//! An HTTP exchange is text over TCP, in layers that each have a module:
//!
//! - [`request`]: reading the request head off the socket (until the blank
//!   line, however many reads it takes) and parsing its first line;
//! - [`response`]: status codes and what a response looks like on the wire;
//! - [`site`]: the pages and which request gets which (the routes);
//! - [`connection`]: one connection from accept to close, with the deadline
//!   that keeps a silent client from holding a thread for ever.

pub mod connection;
pub mod request;
pub mod response;
pub mod site;

use clap::Parser;

/// A small HTTP/1.1 server: three pages, 404, HEAD, and the error codes of a
/// careful server.
#[derive(Parser, Debug)]
#[command(version)]
pub struct Args {
    /// The address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The port to bind; 0 lets the OS pick a free one.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
}
