//! Who sent a request: the address of the connection's peer, or, when that
//! peer is a proxy the server trusts (`--trusted-proxy`), the address the
//! proxy says it forwarded for (`Forwarded: for=…`, else
//! `X-Forwarded-For`).
//!
//! Anyone can send those headers, so they are believed only from a trusted
//! peer, and only as far as the chain of trusted proxies goes: reading the
//! list from the right (the hop nearest to the server), the client is the
//! first address that is not a trusted proxy. A client that writes its own
//! `X-Forwarded-For: 1.2.3.4` behind nginx (which appends the address it
//! saw) is logged with the address nginx saw, not with `1.2.3.4`.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;

use crate::Error;

/// A proxy (or a network of them) whose forwarding headers are believed:
/// an address, or an address and prefix length (`10.0.0.0/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy {
    network: IpAddr,
    prefix: u8,
}

impl TrustedProxy {
    /// Whether `address` is this proxy (or in this network).
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, canonical(address)) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                prefix_matches(&network.octets(), &address.octets(), self.prefix)
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                prefix_matches(&network.octets(), &address.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

impl FromStr for TrustedProxy {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Error> {
        let invalid = || Error::InvalidProxy(value.to_owned());
        let (address, prefix) = match value.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (value, None),
        };
        let network = canonical(address.trim().parse::<IpAddr>().map_err(|_| invalid())?);
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|prefix| *prefix <= bits)
                .ok_or_else(invalid)?,
            None => bits,
        };
        Ok(Self { network, prefix })
    }
}

/// An IPv4 address written as IPv6 (`::ffff:127.0.0.1`) as IPv4.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

fn prefix_matches(network: &[u8], address: &[u8], prefix: u8) -> bool {
    let (whole, rest) = (usize::from(prefix / 8), prefix % 8);
    if network[..whole] != address[..whole] {
        return false;
    }
    rest == 0 || {
        let mask = 0xff_u8 << (8 - rest);
        network[whole] & mask == address[whole] & mask
    }
}

/// The client's address: the peer's, or, from a trusted peer, the first
/// untrusted address of the forwarding chain read from the right.
pub(crate) fn client_address(
    peer: IpAddr,
    headers: &HeaderMap,
    trusted: &[TrustedProxy],
) -> IpAddr {
    let is_trusted = |address: IpAddr| trusted.iter().any(|proxy| proxy.contains(address));
    let mut client = canonical(peer);
    if !is_trusted(client) {
        return client;
    }
    let chain = forwarded_chain(headers);
    for hop in chain.iter().rev() {
        match hop {
            Some(address) => client = canonical(*address),
            // `unknown`, an obfuscated name or garbage: the trusted hop
            // before it is the last address known.
            None => break,
        }
        if !is_trusted(client) {
            break;
        }
    }
    client
}

/// The `for` addresses of the `Forwarded` headers, else of the
/// `X-Forwarded-For` headers, left (the first client) to right (the last
/// proxy's peer); `None` for a value that is not an address.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<Option<IpAddr>> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| node_address(value.trim().trim_matches('"')))
            })
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|hop| node_address(hop.trim()))
        .collect()
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`,
/// `[2001:db8::1]`, `[2001:db8::1]:4711` or `2001:db8::1`.
fn node_address(node: &str) -> Option<IpAddr> {
    if let Ok(address) = node.parse::<IpAddr>() {
        return Some(address);
    }
    if let Ok(address) = node.parse::<SocketAddr>() {
        return Some(address.ip());
    }
    node.strip_prefix('[')?.strip_suffix(']')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn proxies(list: &[&str]) -> Vec<TrustedProxy> {
        list.iter().filter_map(|proxy| proxy.parse().ok()).collect()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn proxies_are_addresses_or_networks() {
        let local = proxies(&["127.0.0.1", "10.0.0.0/8", "fd00::/8", "192.168.1.0/25"]);
        assert_eq!(local.len(), 4);
        for (address, trusted) in [
            ("127.0.0.1", true),
            ("127.0.0.2", false),
            ("::ffff:127.0.0.1", true),
            ("10.200.3.4", true),
            ("11.0.0.1", false),
            ("fd12::1", true),
            ("fe80::1", false),
            ("192.168.1.127", true),
            ("192.168.1.128", false),
        ] {
            assert_eq!(
                local.iter().any(|proxy| proxy.contains(ip(address))),
                trusted,
                "{address}"
            );
        }
        for invalid in ["localhost", "10.0.0.0/33", "::/129", "10.0.0.0/", "1.2.3"] {
            let message = invalid
                .parse::<TrustedProxy>()
                .err()
                .map(|err| err.to_string())
                .unwrap_or_default();
            assert!(message.contains(invalid), "{invalid}: {message}");
        }
        let everything = proxies(&["0.0.0.0/0"]);
        assert!(everything[0].contains(ip("203.0.113.9")));
    }

    #[test]
    fn forwarding_headers_are_believed_from_trusted_proxies_only() {
        let trusted = proxies(&["127.0.0.1", "10.0.0.0/8"]);
        let peer = ip("127.0.0.1");
        for (pairs, expected) in [
            (&[][..], "127.0.0.1"),
            (&[("x-forwarded-for", "203.0.113.9")][..], "203.0.113.9"),
            // A client's own header, then the proxy's append: the proxy's.
            (
                &[("x-forwarded-for", "1.2.3.4, 203.0.113.9")][..],
                "203.0.113.9",
            ),
            // Through two trusted proxies.
            (
                &[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.1.2.3")][..],
                "203.0.113.9",
            ),
            // Several headers are one list.
            (
                &[
                    ("x-forwarded-for", "1.2.3.4"),
                    ("x-forwarded-for", "203.0.113.9"),
                ][..],
                "203.0.113.9",
            ),
            (
                &[("x-forwarded-for", "203.0.113.9:4711")][..],
                "203.0.113.9",
            ),
            (
                &[("x-forwarded-for", "[2001:db8::1]:4711")][..],
                "2001:db8::1",
            ),
            (&[("x-forwarded-for", "2001:db8::1")][..], "2001:db8::1"),
            // Forwarded wins over X-Forwarded-For.
            (
                &[
                    (
                        "forwarded",
                        "for=198.51.100.7;proto=https, For=\"[2001:db8::2]:80\"",
                    ),
                    ("x-forwarded-for", "203.0.113.9"),
                ][..],
                "2001:db8::2",
            ),
            (
                &[("forwarded", "for=198.51.100.7;proto=https")][..],
                "198.51.100.7",
            ),
            // Nothing usable: the last address known.
            (&[("x-forwarded-for", "unknown")][..], "127.0.0.1"),
            (&[("forwarded", "for=_hidden")][..], "127.0.0.1"),
            (&[("x-forwarded-for", "garbage, 10.1.2.3")][..], "10.1.2.3"),
        ] {
            assert_eq!(
                client_address(peer, &headers(pairs), &trusted),
                ip(expected),
                "{pairs:?}"
            );
        }
        // From a peer that is not trusted, the headers are ignored.
        let spoofed = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            client_address(ip("198.51.100.1"), &spoofed, &trusted),
            ip("198.51.100.1")
        );
        assert_eq!(client_address(peer, &spoofed, &[]), peer);
    }
}
