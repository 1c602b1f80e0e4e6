//! Fault: the 405 has no `Allow` header, so the client cannot tell which
//! methods would work.
//!
//! replaces: http-server
//! rejected-by: step4_other_methods_get_405_with_allow

use http_server::request::Request;
use http_server::response::Response;
use http_server::site;
use http_server_faults::serve_site;

/// A 405 without `Allow`: the mistake.
fn route(request: &Request) -> Response {
    let mut response = site::route(request);
    response.headers.retain(|(name, _)| *name != "Allow");
    response
}

fn main() {
    serve_site(route);
}
