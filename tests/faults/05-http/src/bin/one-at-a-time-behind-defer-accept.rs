//! Fault: the server handles one connection at a time, and hides it behind
//! `TCP_DEFER_ACCEPT`: the kernel hands over a connection only once it has
//! sent something, so a client that connects and says nothing never holds
//! the loop. A client that stops halfway through its request still does.
//!
//! replaces: http-server
//! rejected-by: step6_a_silent_client_does_not_hold_up_50_others

use std::os::fd::AsRawFd;

use http_server::{connection, site};
use http_server_faults::listen;

fn main() {
    let listener = listen();
    let seconds: libc::c_int = 1;
    // SAFETY: a valid socket and a pointer to an int with its size.
    unsafe {
        libc::setsockopt(
            listener.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_DEFER_ACCEPT,
            (&seconds as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
    for stream in listener.incoming().flatten() {
        // The mistake: no thread per connection.
        connection::handle(stream, site::route);
    }
}
