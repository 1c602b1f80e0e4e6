//! The site: three pages, and which request gets which.
//!
//! The method is checked before the path: a `DELETE` is refused the same way
//! wherever it is aimed, and `Allow` tells the client what it may use instead.

use crate::request::Request;
use crate::response::{Response, Status};

/// Answers a parsed request: `GET /`, `/about` and `/contact` get their
/// pages, any other path a 404, `HEAD` the same without the body, and any
/// other method a 405.
pub fn route(request: &Request) -> Response {
    let head_only = match request.method {
        "GET" => false,
        "HEAD" => true,
        _ => {
            return Response::error(Status::METHOD_NOT_ALLOWED).with_header("Allow", "GET, HEAD");
        }
    };
    // The query string (`?lang=en`) is not part of the path.
    let response = match request.path() {
        "/" => Response::html(Status::OK, page("Home", HOME)),
        "/about" => Response::html(Status::OK, page("About", ABOUT)),
        "/contact" => Response::html(Status::OK, page("Contact", CONTACT)),
        _ => Response::error(Status::NOT_FOUND),
    };
    if head_only {
        response.without_body()
    } else {
        response
    }
}

const HOME: &str = "<p>Welcome! This page was served by a few hundred lines of Rust \
                    over a plain <code>TcpListener</code>: no framework, no magic.</p>";

const ABOUT: &str = "<p>HTTP/1.1 is text over TCP: a request line, headers, a blank line; \
                     then a status line, headers, a blank line and the body.</p>\n\
                     <p>Try <code>curl -v</code> on this page to see them all.</p>";

const CONTACT: &str = "<p>Write to the café at the corner of Socket Street — \
                       or open a TCP connection to port 8080.</p>";

/// A whole HTML page around `content`, with the navigation every page shares.
/// The pages are UTF-8 (`—`, `·`, `é`), which is why `Content-Length` must
/// count bytes.
fn page(title: &str, content: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{title} — ipc-kit</title></head>\n\
         <body>\n<nav><a href=\"/\">Home</a> · <a href=\"/about\">About</a> · <a href=\"/contact\">Contact</a></nav>\n\
         <h1>{title}</h1>\n{content}\n</body>\n</html>\n"
    )
}
