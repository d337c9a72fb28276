//! Hands the analyser's tokens to Tantivy's indexing threads.
//!
//! Posts are analysed on sagasu's own worker threads, so that an analysis
//! error is reported against its post (a Tantivy `Tokenizer` cannot fail).
//! The analysed fields then reach Tantivy as text in a compact encoding,
//! `{position} {byte length} {text}` per token with nothing in between, and
//! the fields' tokenizer ([`TOKENIZER`], [`Decoder`]) reads the tokens back
//! without allocating. Tantivy's own pre-tokenized values would do the same
//! job through JSON: serialising every token on the worker and parsing it
//! back on the indexing thread cost about a quarter of an indexing run.
//!
//! The encoded text is never stored; only the terms and their positions
//! reach the index.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name under which the token decoder is registered on every sagasu index, and
/// which the analysed fields of the schema name as their tokenizer.
pub const TOKENIZER: &str = "sagasu_tokens";

/// Appends one token at `position` to `encoded`.
pub(crate) fn encode(encoded: &mut String, position: usize, text: &str) {
    let mut digits = itoa::Buffer::new();
    encoded.push_str(digits.format(position));
    encoded.push(' ');
    encoded.push_str(digits.format(text.len()));
    encoded.push(' ');
    encoded.push_str(text);
}

/// The tokenizer of the analysed fields: decodes what [`encode`] wrote.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Decoder;

impl Tokenizer for Decoder {
    type TokenStream<'a> = DecodedTokens<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> DecodedTokens<'a> {
        DecodedTokens {
            rest: text,
            consumed: 0,
            token: Token::default(),
        }
    }
}

/// The tokens of one encoded value.
#[derive(Debug)]
pub(crate) struct DecodedTokens<'a> {
    rest: &'a str,
    /// Bytes of the value before `rest`, for the token offsets.
    consumed: usize,
    token: Token,
}

impl DecodedTokens<'_> {
    /// Reads the next `{number} ` from `rest`.
    fn number(&mut self) -> Option<usize> {
        let (digits, rest) = self.rest.split_once(' ')?;
        let number = digits.parse().ok()?;
        self.consumed += digits.len() + 1;
        self.rest = rest;
        Some(number)
    }
}

impl TokenStream for DecodedTokens<'_> {
    fn advance(&mut self) -> bool {
        let (Some(position), Some(len)) = (self.number(), self.number()) else {
            // The end, or text `encode` did not write: nothing more to read.
            self.rest = "";
            return false;
        };
        let Some((text, rest)) = self.rest.split_at_checked(len) else {
            self.rest = "";
            return false;
        };
        self.token.position = position;
        self.token.offset_from = self.consumed;
        self.token.offset_to = self.consumed + len;
        self.token.position_length = 1;
        self.token.text.clear();
        self.token.text.push_str(text);
        self.consumed += len;
        self.rest = rest;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(encoded: &str) -> Vec<(usize, String)> {
        let mut decoder = Decoder;
        let mut stream = decoder.token_stream(encoded);
        let mut tokens = Vec::new();
        while stream.advance() {
            let token = stream.token();
            assert_eq!(&encoded[token.offset_from..token.offset_to], token.text);
            tokens.push((token.position, token.text.clone()));
        }
        tokens
    }

    #[test]
    fn tokens_come_back_as_they_were_encoded() {
        let tokens = [
            (0, "株式会社"),
            (0, "株式"),
            (1, "会社"),
            // Text that looks like the encoding itself, and separators.
            (7, "12 3"),
            (8, " "),
            (1_000_000, "ｶﾅ\u{0}😀"),
        ];
        let mut encoded = String::new();
        for (position, text) in tokens {
            encode(&mut encoded, position, text);
        }
        let expected: Vec<(usize, String)> = tokens
            .iter()
            .map(|&(position, text)| (position, text.to_owned()))
            .collect();
        assert_eq!(decode(&encoded), expected);
    }

    #[test]
    fn an_empty_value_has_no_tokens() {
        assert_eq!(decode(""), []);
    }

    #[test]
    fn text_not_written_by_encode_ends_the_stream_without_panicking() {
        for broken in ["x", "1", "1 ", "1 9 short", "1 1 é", "-1 1 a"] {
            assert_eq!(decode(broken), [], "{broken:?}");
        }
        assert_eq!(decode("0 1 a2 x"), [(0, "a".to_owned())]);
    }
}
