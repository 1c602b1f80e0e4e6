//! Fault: the server streams into a temporary file of its own making, but
//! forgets to delete it when the upload is cut short: the directory fills up
//! with `.part` files.
//!
//! replaces: file-server
//! rejected-by: step6_cut_upload_leaves_nothing_behind

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use clap::Parser;
use file_transfer::{check_name, parse_size, read_line, Line, ServerArgs, MAX_LINE};

static UPLOADS: AtomicU64 = AtomicU64::new(0);

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
    let name = match read_line(&mut reader, MAX_LINE) {
        Ok(Line::Complete(name)) => String::from_utf8(name).unwrap_or_default(),
        _ => return reply(&mut stream, "ERR invalid header"),
    };
    if !check_name(&name) {
        return reply(&mut stream, "ERR invalid file name");
    }
    let size = match read_line(&mut reader, MAX_LINE) {
        Ok(Line::Complete(size)) => match parse_size(&size) {
            Some(size) => size,
            None => return reply(&mut stream, "ERR invalid header"),
        },
        _ => return reply(&mut stream, "ERR invalid header"),
    };
    let temp = dir.join(format!(
        ".upload-{}-{}.part",
        std::process::id(),
        UPLOADS.fetch_add(1, Ordering::SeqCst)
    ));
    let Ok(mut file) = File::create(&temp) else {
        return reply(&mut stream, "ERR cannot save the file");
    };
    let copied = std::io::copy(&mut (&mut reader).take(size), &mut file).unwrap_or(0);
    if copied < size {
        // The mistake: returns without fs::remove_file(&temp).
        return reply(&mut stream, "ERR upload cut short");
    }
    let at_eof = matches!(reader.fill_buf(), Ok([]));
    if !at_eof {
        let _ = fs::remove_file(&temp);
        return reply(&mut stream, "ERR trailing data");
    }
    match fs::rename(&temp, dir.join(&name)) {
        Ok(()) => reply(&mut stream, &format!("OK {size}")),
        Err(_) => reply(&mut stream, "ERR cannot save the file"),
    }
}

fn reply(stream: &mut TcpStream, line: &str) {
    let _ = stream.write_all(format!("{line}\n").as_bytes());
}
