//! A cheap structural check of a PBF file's framing before decoding it.
//!
//! A PBF is a sequence of (4-byte big-endian header length, `BlobHeader`, blob)
//! frames. `osmpbfreader` asserts (panics) on a truncated blob; walking the frames
//! first turns that into an error that says where the file breaks. O(frames), reads
//! only the headers.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// Checks that the file is a complete sequence of PBF frames: one `OSMHeader`,
/// then `OSMData` blobs. Returns a description of the first problem.
pub fn check_framing(path: &Path) -> Result<(), String> {
    let mut f = BufReader::new(File::open(path).map_err(|e| e.to_string())?);
    let len = f.get_ref().metadata().map_err(|e| e.to_string())?.len();
    if len == 0 {
        return Err("the file is empty".into());
    }
    let mut pos = 0u64;
    let mut first = true;
    while pos < len {
        let mut n = [0u8; 4];
        f.read_exact(&mut n)
            .map_err(|_| format!("truncated frame length at byte {pos}"))?;
        let hlen = u32::from_be_bytes(n) as u64;
        if hlen == 0 || hlen > 64 * 1024 {
            return Err(format!("bad blob header length {hlen} at byte {pos}"));
        }
        let mut header = vec![0u8; hlen as usize];
        f.read_exact(&mut header)
            .map_err(|_| format!("truncated blob header at byte {}", pos + 4))?;
        let (kind, datasize) = parse_blob_header(&header)
            .ok_or_else(|| format!("malformed blob header at byte {}", pos + 4))?;
        if first && kind != "OSMHeader" {
            return Err(format!("first blob is `{kind}`, expected `OSMHeader`"));
        }
        // The format lets readers skip blob types they do not know, but a
        // road extract holds no others: one here is damage, and skipping it
        // would drop roads without a word.
        if !first && kind != "OSMData" {
            return Err(format!(
                "the blob at byte {pos} has type `{kind}`, expected `OSMData`"
            ));
        }
        first = false;
        let at = pos + 4 + hlen;
        let end = at + datasize;
        if end > len {
            return Err(format!(
                "truncated: a blob at byte {at} needs {datasize} bytes but the file ends at {len}"
            ));
        }
        // The format caps a blob, and what it inflates to, at 32 MiB; the
        // decoder allocates what the blob declares, so a larger claim is
        // refused before it is believed.
        if datasize > MAX_BLOB {
            return Err(format!(
                "the blob at byte {at} declares {datasize} bytes, more than the format's {MAX_BLOB}"
            ));
        }
        let mut blob = vec![0u8; datasize as usize];
        f.read_exact(&mut blob).map_err(|e| e.to_string())?;
        let raw = blob_raw_size(&blob).ok_or_else(|| format!("malformed blob at byte {at}"))?;
        if raw > MAX_BLOB {
            return Err(format!(
                "the blob at byte {at} inflates to {raw} bytes, more than the format's {MAX_BLOB}"
            ));
        }
        pos = end;
    }
    Ok(())
}

/// Largest blob, and largest inflated blob, the PBF format allows (32 MiB).
const MAX_BLOB: u64 = 32 << 20;

/// The `raw_size` a `Blob` message declares (0 when absent), or `None` when the
/// message does not parse.
fn blob_raw_size(b: &[u8]) -> Option<u64> {
    let (mut i, mut raw) = (0usize, 0u64);
    while i < b.len() {
        let key = varint(b, &mut i)?;
        match (key >> 3, key & 7) {
            (2, 0) => raw = varint(b, &mut i)?,
            (_, 0) => {
                varint(b, &mut i)?;
            }
            (_, 2) => {
                let l = varint(b, &mut i)? as usize;
                i = i.checked_add(l).filter(|&e| e <= b.len())?;
            }
            _ => return None,
        }
    }
    Some(raw)
}

fn varint(b: &[u8], i: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *b.get(*i)?;
        *i += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Returns (type, datasize) of a `BlobHeader` message.
fn parse_blob_header(b: &[u8]) -> Option<(String, u64)> {
    let (mut i, mut kind, mut size) = (0usize, None, None);
    while i < b.len() {
        let key = varint(b, &mut i)?;
        match (key >> 3, key & 7) {
            (3, 0) => size = Some(varint(b, &mut i)?),
            (field, 2) => {
                let l = varint(b, &mut i)? as usize;
                let bytes = b.get(i..i.checked_add(l)?)?;
                if field == 1 {
                    kind = Some(String::from_utf8_lossy(bytes).into_owned());
                }
                i += l;
            }
            (_, 0) => {
                varint(b, &mut i)?;
            }
            _ => return None,
        }
    }
    Some((kind?, size?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_extract_passes_and_truncation_is_located() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let pbf = root.join("network-data/helsinki-region-small.osm.pbf");
        assert_eq!(check_framing(&pbf), Ok(()));
        let bytes = std::fs::read(&pbf).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let cut = dir.path().join("cut.pbf");
        std::fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
        let e = check_framing(&cut).unwrap_err();
        assert!(e.contains("truncated"), "{e}");
    }
}
