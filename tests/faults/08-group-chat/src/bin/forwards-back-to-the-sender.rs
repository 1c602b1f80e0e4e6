//! Fault: a message is forwarded to every neighbour, the one it came from included. Duplicate
//! suppression hides it from people (nobody prints it twice), but every message crosses every
//! link twice, and the sender gets its own message back.
//!
//! replaces: group-chat
//! rejected-by: step3_a_message_never_goes_back_to_the_neighbour_it_came_from

use clap::Parser;
use group_chat::{frame, message, outbox, Args};

#[path = "../../../../../solutions/08-group-chat/src/mesh.rs"]
mod mesh;
#[path = "../../../../../solutions/08-group-chat/src/peer.rs"]
mod peer;

mod route {
    pub use group_chat::route::*;

    use crate::mesh::ConnId;

    /// The mistake: to everyone, where it came from too.
    pub fn forwards_to(_conn: ConnId, _from: Option<ConnId>) -> bool {
        true
    }
}

fn main() -> std::process::ExitCode {
    peer::run(Args::parse())
}
