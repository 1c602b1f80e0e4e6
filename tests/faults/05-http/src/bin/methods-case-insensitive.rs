//! Fault: methods are compared case-insensitively, so `get /` is served. HTTP
//! methods are case-sensitive: `get` is an unknown method.
//!
//! replaces: http-server
//! rejected-by: step4_other_methods_get_405_with_allow

use http_server::request::Request;
use http_server::response::Response;
use http_server::site;
use http_server_faults::serve_site;

/// The method upper-cased first: the mistake.
fn route(request: &Request) -> Response {
    let method = request.method.to_ascii_uppercase();
    let method = match method.as_str() {
        "GET" => "GET",
        "HEAD" => "HEAD",
        _ => request.method,
    };
    site::route(&Request { method, ..*request })
}

fn main() {
    serve_site(route);
}
