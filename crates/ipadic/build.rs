//! Builds the Lindera IPADIC dictionary from the vendored mecab-ipadic source.
//!
//! The source archive (`vendor/mecab-ipadic-2.7.0-20070801.tar.xz`, the CSV and
//! `.def` files of Debian's `mecab-ipadic` package, EUC-JP) is unpacked into
//! `OUT_DIR`, compiled with Lindera's `DictionaryBuilder`, and the result is
//! left in `OUT_DIR/lindera-ipadic` for `embedded_dictionary!`, which finds it
//! through `LINDERA_WORKDIR`. Nothing is downloaded.

use std::error::Error;
use std::fs::{self, File};
use std::io::{BufReader, Cursor};
use std::path::{Path, PathBuf};

use lindera_dictionary::builder::DictionaryBuilder;
use lindera_dictionary::dictionary::metadata::Metadata;

const ARCHIVE: &str = "vendor/mecab-ipadic-2.7.0-20070801.tar.xz";
const SOURCE_DIR: &str = "mecab-ipadic-2.7.0-20070801";

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed={ARCHIVE}");
    println!("cargo::rerun-if-changed=metadata.json");

    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let source = out_dir.join(SOURCE_DIR);
    let output = out_dir.join("lindera-ipadic");

    unpack(Path::new(ARCHIVE), &out_dir)?;

    let metadata = Metadata::load(&fs::read("metadata.json")?)?;
    if output.exists() {
        fs::remove_dir_all(&output)?;
    }
    DictionaryBuilder::new(metadata).build_dictionary(&source, &output)?;
    // The sources are only needed while building; keep OUT_DIR small.
    fs::remove_dir_all(&source)?;

    println!("cargo::rustc-env=LINDERA_WORKDIR={}", out_dir.display());
    Ok(())
}

/// Decodes the xz archive into memory and unpacks the tar stream into `dest`.
fn unpack(archive: &Path, dest: &Path) -> Result<(), Box<dyn Error>> {
    let mut compressed = BufReader::new(File::open(archive)?);
    let mut tar_bytes = Vec::new();
    lzma_rs::xz_decompress(&mut compressed, &mut tar_bytes)
        .map_err(|err| format!("cannot decode {}: {err}", archive.display()))?;
    tar::Archive::new(Cursor::new(tar_bytes)).unpack(dest)?;
    Ok(())
}
