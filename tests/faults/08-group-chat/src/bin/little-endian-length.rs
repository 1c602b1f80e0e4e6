//! Fault: the length prefix is little-endian (`to_le_bytes`, Python's `'little'`), both ways.
//! Two copies of this peer understand each other; any peer that follows the framing reads a
//! 60-byte `hello` as a length of about a billion.
//!
//! replaces: group-chat
//! rejected-by: step1_two_peers_exchange_frames_both_ways

use clap::Parser;
use group_chat::{message, outbox, route, Args};

#[path = "../../../../../solutions/08-group-chat/src/mesh.rs"]
mod mesh;
#[path = "../../../../../solutions/08-group-chat/src/peer.rs"]
mod peer;

mod frame {
    use std::io::{ErrorKind, Read};

    pub use group_chat::frame::{FrameError, MAX_FRAME};

    pub fn frame(body: &[u8]) -> Vec<u8> {
        // The mistake: little-endian.
        let mut bytes = (body.len() as u32).to_le_bytes().to_vec();
        bytes.extend_from_slice(body);
        bytes
    }

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
        // The mistake again, so that the peer agrees with itself.
        let length = u32::from_le_bytes(length);
        if length as usize > MAX_FRAME {
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
