//! Fault: one `read` is taken for one frame: the length from its first 4 bytes, the body from
//! the rest of what that read returned. Frames cut into 1-byte segments never parse, and of
//! several frames that arrive together only the first is seen.
//!
//! replaces: group-chat
//! rejected-by: step1_several_frames_in_one_segment_are_separate_messages

use clap::Parser;
use group_chat::{mesh, message, outbox, route, Args};

#[path = "../../../../../solutions/08-group-chat/src/peer.rs"]
mod peer;

mod frame {
    use std::io::{ErrorKind, Read};

    pub use group_chat::frame::*;

    pub fn read_frame(reader: &mut impl Read) -> Result<Vec<u8>, FrameError> {
        let mut chunk = vec![0u8; 4 + MAX_FRAME];
        let n = loop {
            match reader.read(&mut chunk) {
                Ok(0) => return Err(FrameError::Closed),
                Ok(n) => break n,
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) => return Err(FrameError::Io(err)),
            }
        };
        if n < 4 {
            return Err(FrameError::Cut);
        }
        let length = u32::from_be_bytes(chunk[..4].try_into().unwrap());
        if length as usize > MAX_FRAME {
            return Err(FrameError::TooLong(length));
        }
        // The mistake: whatever this one read returned is the frame.
        Ok(chunk[4..n.min(4 + length as usize)].to_vec())
    }
}

fn main() -> std::process::ExitCode {
    peer::run(Args::parse())
}
