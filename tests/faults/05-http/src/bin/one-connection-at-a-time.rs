//! Fault: the server handles each connection in the accept loop, one at a
//! time. A client that connects and says nothing holds everyone else up until
//! its 10 s are over.
//!
//! replaces: http-server
//! rejected-by: step6_a_silent_client_does_not_hold_up_50_others

use http_server::{connection, site};
use http_server_faults::listen;

fn main() {
    for stream in listen().incoming().flatten() {
        // The mistake: no thread per connection.
        connection::handle(stream, site::route);
    }
}
