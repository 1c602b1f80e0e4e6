//! Fault: the JSON of a `msg` is pasted together with `format!`, the text unescaped. A line with
//! a `"`, a `\` or a tab in it goes out as a frame that is not JSON at all.
//!
//! replaces: group-chat
//! rejected-by: step1_two_peers_exchange_frames_both_ways

use clap::Parser;
use group_chat::{frame, outbox, route, Args};

#[path = "../../../../../solutions/08-group-chat/src/mesh.rs"]
mod mesh;
#[path = "../../../../../solutions/08-group-chat/src/peer.rs"]
mod peer;

mod message {
    pub use group_chat::message::*;

    pub fn encode(frame: &Frame) -> Vec<u8> {
        match frame {
            // The mistake: no escaping.
            Frame::Msg { id, from, text } => {
                format!(r#"{{"type":"msg","id":"{id}","from":"{from}","text":"{text}"}}"#)
                    .into_bytes()
            }
            other => group_chat::message::encode(other),
        }
    }
}

fn main() -> std::process::ExitCode {
    peer::run(Args::parse())
}
