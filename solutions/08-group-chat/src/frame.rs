//! Frames on a byte stream: a 4-byte big-endian length N, then N bytes.
//!
//! TCP delivers bytes, not messages: one `read` may return half a frame, or
//! three frames and a bit. So a reader asks for exactly 4 bytes, then for
//! exactly N, however many `read`s that takes (`read_exact`). And N comes
//! from the network: it is checked against [`MAX_FRAME`] *before* any memory
//! is set aside for it, or one bad length would make us allocate 4 GiB.

use std::io::{self, ErrorKind, Read};

/// The most bytes a frame's body may have.
pub const MAX_FRAME: usize = 65_536;

/// Why no frame could be read.
#[derive(Debug)]
pub enum FrameError {
    /// The stream ended cleanly, between two frames.
    Closed,
    /// The stream ended inside a frame.
    Cut,
    /// The length claims more than [`MAX_FRAME`] bytes.
    TooLong(u32),
    /// The connection failed (a reset, say).
    Io(io::Error),
}

/// The frame that carries `body`: its length, big-endian, then the body.
/// Built whole, so that it goes out in one `write_all`.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(4 + body.len());
    bytes.extend_from_slice(&(body.len() as u32).to_be_bytes());
    bytes.extend_from_slice(body);
    bytes
}

/// Reads one frame's body from `reader`.
pub fn read_frame(reader: &mut impl Read) -> Result<Vec<u8>, FrameError> {
    let mut length = [0u8; 4];
    // Not `read_exact` here: EOF before the first byte is a clean end, EOF
    // after it a cut frame, and `read_exact` says UnexpectedEof for both.
    let mut got = 0;
    while got < length.len() {
        match reader.read(&mut length[got..]) {
            Ok(0) if got == 0 => return Err(FrameError::Closed),
            Ok(0) => return Err(FrameError::Cut),
            Ok(n) => got += n,
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            Err(err) => return Err(FrameError::Io(err)),
        }
    }
    let length = u32::from_be_bytes(length);
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
