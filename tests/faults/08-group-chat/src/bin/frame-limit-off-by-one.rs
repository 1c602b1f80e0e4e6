//! Fault: the bound on a length is off by one (`>=` for `>`): a frame of
//! exactly 65,536 bytes, which the README allows, closes the connection.
//!
//! replaces: group-chat
//! rejected-by: step1_a_frame_of_exactly_65536_bytes_is_a_frame

use clap::Parser;
use group_chat::{mesh, message, outbox, route, Args};

#[path = "../../../../../solutions/08-group-chat/src/peer.rs"]
mod peer;

mod frame {
    use std::io::{ErrorKind, Read};

    pub use group_chat::frame::*;

    pub fn read_frame(reader: &mut impl Read) -> Result<Vec<u8>, FrameError> {
        let mut length = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            match reader.read(&mut length[got..]) {
                Ok(0) if got == 0 => return Err(FrameError::Closed),
                Ok(0) => return Err(FrameError::Cut),
                Ok(n) => got += n,
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) => return Err(FrameError::Io(err)),
            }
        }
        let length = u32::from_be_bytes(length);
        // The mistake: 65,536 itself counts as too long.
        if length as usize >= MAX_FRAME {
            return Err(FrameError::TooLong(length));
        }
        let mut body = vec![0u8; length as usize];
        reader
            .read_exact(&mut body)
            .map_err(|err| match err.kind() {
                ErrorKind::UnexpectedEof => FrameError::Cut,
                _ => FrameError::Io(err),
            })?;
        Ok(body)
    }
}

fn main() -> std::process::ExitCode {
    peer::run(Args::parse())
}
