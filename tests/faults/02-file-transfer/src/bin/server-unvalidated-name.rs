//! Fault: the server joins the client's name to its directory without
//! checking it, so `../x` lands beside the directory and an absolute path
//! replaces any file the server may write.
//!
//! replaces: file-server
//! rejected-by: step5_server_refuses_hostile_names

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::thread;

use clap::Parser;
use file_transfer::{parse_size, read_line, Line, ServerArgs, MAX_LINE};

fn main() {
    let args = ServerArgs::parse();
    let listener = TcpListener::bind((args.host.as_str(), args.port)).unwrap();
    println!("listening on {}", listener.local_addr().unwrap());
    for stream in listener.incoming().flatten() {
        let dir = args.dir.clone();
        thread::spawn(move || serve(stream, &dir));
    }
}

fn serve(mut stream: TcpStream, dir: &Path) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let (Ok(Line::Complete(name)), Ok(Line::Complete(size))) = (
        read_line(&mut reader, MAX_LINE),
        read_line(&mut reader, MAX_LINE),
    ) else {
        let _ = stream.write_all(b"ERR invalid header\n");
        return;
    };
    let name = String::from_utf8_lossy(&name).into_owned();
    let Some(size) = parse_size(&size) else {
        let _ = stream.write_all(b"ERR invalid header\n");
        return;
    };
    // The mistake: no check_name(&name) before this join.
    let target = dir.join(&name);
    let Ok(mut temp) = tempfile::NamedTempFile::new_in(dir) else {
        return;
    };
    let copied = std::io::copy(&mut (&mut reader).take(size), &mut temp).unwrap_or(0);
    let at_eof = reader.fill_buf().map(|b| b.is_empty()).unwrap_or(false);
    let reply = if copied == size && at_eof && temp.persist(&target).is_ok() {
        format!("OK {size}\n")
    } else {
        "ERR cannot save the file\n".to_string()
    };
    let _ = stream.write_all(reply.as_bytes());
}
