//! A file's bytes to text: the encoding it declares, or the one it reads
//! as among the encodings Japanese sites were written in.
//!
//! In order:
//! 1. A BOM decides: UTF-8, UTF-16 (LE, BE) or UTF-32 (LE, BE).
//! 2. ISO-2022-JP escape sequences (`ESC $ B`) decide ISO-2022-JP, which is
//!    otherwise plain ASCII.
//! 3. Valid UTF-8 is UTF-8 (a stray NUL in it is text).
//! 4. A NUL byte otherwise means a binary file.
//! 5. An encoding declared at the start (`<?xml … encoding="…"?>`,
//!    `<meta charset="…">`, `<meta http-equiv … content="…; charset=…">`)
//!    decides; the bytes must be valid in it.
//! 6. Otherwise chardetng (Firefox's detector), told the text is Japanese,
//!    guesses; the guess must be Shift_JIS (read as Windows-31J, its
//!    superset) or EUC-JP, and the bytes valid in it.
//!
//! A file that passes none of these fails with the reason.

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{EUC_JP, Encoding, ISO_2022_JP, SHIFT_JIS, UTF_8};

use crate::error::PostError;

/// A decoded file.
#[derive(Debug)]
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    /// The encoding's name, when it is not UTF-8 (`Shift_JIS`, `EUC-JP`,
    /// `UTF-16LE` …).
    pub encoding: Option<&'static str>,
}

/// Decodes a file's bytes, without a BOM; see the module docs. A file of
/// only whitespace is [`PostError::Empty`].
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded<'_>, PostError> {
    let mut decoded = detect(bytes)?;
    if let Some(rest) = decoded.text.strip_prefix('\u{feff}') {
        decoded.text = Cow::Owned(rest.to_owned());
    }
    if decoded.text.trim().is_empty() {
        return Err(PostError::Empty);
    }
    Ok(decoded)
}

fn detect(bytes: &[u8]) -> Result<Decoded<'_>, PostError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(PostError::Empty);
    }
    if let Some(decoded) = utf32(bytes) {
        return decoded;
    }
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        return strict(encoding, &bytes[bom..], "its byte order mark says");
    }
    if looks_like_iso_2022_jp(bytes) {
        return strict(ISO_2022_JP, bytes, "its escape sequences say");
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding: None,
        });
    }
    if bytes.contains(&0) {
        return Err(PostError::Binary);
    }
    if let Some(declared) = declared(bytes) {
        return strict(declared, bytes, "it declares");
    }
    // ISO-2022-JP and UTF-8 were decided above.
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"jp"), Utf8Detection::Deny);
    if guess == SHIFT_JIS || guess == EUC_JP {
        return strict(guess, bytes, "it reads as");
    }
    Err(PostError::Encoding(format!(
        "cannot decide the encoding: not UTF-8, no declared encoding, and it reads as {} \
         rather than Shift_JIS or EUC-JP",
        guess.name()
    )))
}

/// Decodes `bytes` as `encoding`, refusing malformed sequences.
fn strict(
    encoding: &'static Encoding,
    bytes: &[u8],
    why: &str,
) -> Result<Decoded<'static>, PostError> {
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(Decoded {
            text: Cow::Owned(text.into_owned()),
            encoding: (encoding != UTF_8).then(|| encoding.name()),
        }),
        None => Err(PostError::Encoding(format!(
            "not valid {}, the encoding {why}",
            encoding.name()
        ))),
    }
}

/// UTF-32 with a BOM, which the Encoding Standard leaves out.
fn utf32(bytes: &[u8]) -> Option<Result<Decoded<'static>, PostError>> {
    let (little, rest) = if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE\x00\x00") {
        (true, rest)
    } else if let Some(rest) = bytes.strip_prefix(b"\x00\x00\xFE\xFF") {
        (false, rest)
    } else {
        return None;
    };
    let name = if little { "UTF-32LE" } else { "UTF-32BE" };
    let invalid = || {
        PostError::Encoding(format!(
            "not valid {name}, the encoding its byte order mark says"
        ))
    };
    if rest.len() % 4 != 0 {
        return Some(Err(invalid()));
    }
    let mut text = String::with_capacity(rest.len() / 2);
    for chunk in rest.chunks_exact(4) {
        let unit = [chunk[0], chunk[1], chunk[2], chunk[3]];
        let value = if little {
            u32::from_le_bytes(unit)
        } else {
            u32::from_be_bytes(unit)
        };
        match char::from_u32(value) {
            Some(c) => text.push(c),
            None => return Some(Err(invalid())),
        }
    }
    Some(Ok(Decoded {
        text: Cow::Owned(text),
        encoding: Some(name),
    }))
}

fn looks_like_iso_2022_jp(bytes: &[u8]) -> bool {
    bytes
        .windows(3)
        .any(|w| matches!(w, [0x1B, b'$', b'B' | b'@'] | [0x1B, b'(', b'J']))
}

/// The encoding declared in the first 1024 bytes: the XML declaration's
/// `encoding`, or an HTML `charset`.
fn declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let label_after = |key: &[u8]| -> Option<&'static Encoding> {
        let start = lower.windows(key.len()).position(|w| w == key)? + key.len();
        let rest = &head[start..];
        let rest = rest.strip_prefix(b"=").unwrap_or(rest);
        let rest = rest
            .iter()
            .position(|b| !matches!(b, b' ' | b'"' | b'\'' | b'='))
            .map_or(&[][..], |i| &rest[i..]);
        let end = rest
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')))
            .unwrap_or(rest.len());
        Encoding::for_label(&rest[..end])
    };
    if lower.starts_with(b"<?xml") {
        return label_after(b"encoding");
    }
    label_after(b"charset")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(bytes: &[u8]) -> Result<(String, Option<&'static str>), String> {
        decode(bytes)
            .map(|d| (d.text.into_owned(), d.encoding))
            .map_err(|e| e.to_string())
    }

    const TEXT: &str = "---\ntitle: 勉強会に行ってきた\n---\nインフラエンジニアの集まりです。\n";

    #[test]
    fn japanese_encodings_are_detected_or_declared() {
        for encoding in [SHIFT_JIS, EUC_JP, ISO_2022_JP] {
            let (bytes, _, _) = encoding.encode(TEXT);
            assert_eq!(
                name(&bytes),
                Ok((TEXT.to_owned(), Some(encoding.name()))),
                "{}",
                encoding.name()
            );
        }
        let html = "<html><head><meta charset=\"euc-jp\"><title>日記</title></head></html>";
        let (bytes, _, _) = EUC_JP.encode(html);
        assert_eq!(name(&bytes), Ok((html.to_owned(), Some("EUC-JP"))));
        let xml = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><rss>①ハート</rss>";
        let (bytes, _, _) = SHIFT_JIS.encode(xml);
        assert_eq!(name(&bytes), Ok((xml.to_owned(), Some("Shift_JIS"))));
    }

    #[test]
    fn byte_order_marks_decide() {
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(TEXT.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(name(&utf16), Ok((TEXT.to_owned(), Some("UTF-16LE"))));
        let mut utf16be = vec![0xFE, 0xFF];
        utf16be.extend(TEXT.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(name(&utf16be), Ok((TEXT.to_owned(), Some("UTF-16BE"))));
        let mut utf32 = vec![0xFF, 0xFE, 0, 0];
        utf32.extend(TEXT.chars().flat_map(|c| u32::from(c).to_le_bytes()));
        assert_eq!(name(&utf32), Ok((TEXT.to_owned(), Some("UTF-32LE"))));
        let bom = [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat();
        assert_eq!(name(&bom), Ok((TEXT.to_owned(), None)));
    }

    #[test]
    fn undecidable_binary_and_empty_files_fail_with_the_reason() {
        assert_eq!(name(b" \n\t"), Err("empty file".to_owned()));
        assert_eq!(
            name(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err("binary file, not a text post".to_owned())
        );
        let latin = b"caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve r\xe9sum\xe9 \xe0 la fa\xe7on";
        let err = name(latin).err().unwrap_or_default();
        assert!(err.starts_with("cannot decide the encoding"), "{err}");
        let (mut bytes, _, _) = EUC_JP.encode("<meta charset=\"euc-jp\">日記");
        let mut lying = b"<meta charset=\"shift_jis\">".to_vec();
        lying.append(&mut bytes.to_mut().split_off(23));
        let err = name(&lying).err().unwrap_or_default();
        assert!(
            err.starts_with("not valid Shift_JIS, the encoding it declares"),
            "{err}"
        );
        assert_eq!(
            name("本文\0です".as_bytes()),
            Ok(("本文\0です".to_owned(), None))
        );
    }
}
