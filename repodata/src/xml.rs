//! Internal helpers around `quick_xml::Reader`: position-aware errors,
//! entity-resolving text collection, attribute iteration, depth tracking.

use std::borrow::Cow;
use std::io::{BufRead, Read};

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::error::Error;

/// A `BufRead` adapter that counts the newlines consumed, so an error can
/// name a line without a second pass over the data.
pub(crate) struct LineCounter<R> {
    inner: R,
    newlines: u64,
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.newlines += count_newlines(&buf[..n]);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        // The data handed out by the last fill_buf is still buffered, so
        // asking again is cheap and cannot fail in practice.
        if let Ok(b) = self.inner.fill_buf() {
            self.newlines += count_newlines(&b[..amt.min(b.len())]);
        }
        self.inner.consume(amt);
    }
}

fn count_newlines(b: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', b).count() as u64
}

/// A streaming XML reader bound to a file label.
pub(crate) struct XmlReader<R> {
    reader: quick_xml::Reader<LineCounter<R>>,
    label: String,
    depth: usize,
    root_seen: bool,
    /// Local name of the innermost open element, for EOF messages.
    open: Vec<Vec<u8>>,
}

impl<R: BufRead> XmlReader<R> {
    pub(crate) fn new(r: R, label: &str) -> Self {
        let mut reader = quick_xml::Reader::from_reader(LineCounter {
            inner: r,
            newlines: 0,
        });
        let cfg = reader.config_mut();
        cfg.expand_empty_elements = false;
        cfg.check_end_names = true;
        cfg.trim_text(false);
        XmlReader {
            reader,
            label: label.to_owned(),
            depth: 0,
            root_seen: false,
            open: Vec::new(),
        }
    }

    /// Element depth: 1 inside the root element.
    pub(crate) fn depth(&self) -> usize {
        self.depth
    }

    fn line(&self) -> u64 {
        self.reader.get_ref().newlines + 1
    }

    /// An [`Error::Xml`] at the current position.
    pub(crate) fn err(&self, message: impl Into<String>) -> Error {
        Error::Xml {
            file: self.label.clone(),
            line: self.line(),
            offset: self.reader.buffer_position(),
            message: message.into(),
        }
    }

    fn map_err(&self, e: quick_xml::Error) -> Error {
        match e {
            quick_xml::Error::Io(io) => {
                let io = std::sync::Arc::try_unwrap(io)
                    .unwrap_or_else(|a| std::io::Error::new(a.kind(), a.to_string()));
                // Decompression or verification failure: say where it happened.
                let e = Error::io(&self.label, io);
                match e {
                    Error::Io { file, source } => Error::Io {
                        file: format!("{file} (at decompressed byte {})", self.reader.buffer_position()),
                        source,
                    },
                    other => other,
                }
            }
            other => Error::Xml {
                file: self.label.clone(),
                line: self.line(),
                offset: self.reader.error_position(),
                message: other.to_string(),
            },
        }
    }

    /// Next event (callers ignore comments, PIs, the declaration, DOCTYPE).
    /// End of file inside an element, or without a root element, is an error.
    pub(crate) fn next<'b>(&mut self, buf: &'b mut Vec<u8>) -> Result<Event<'b>, Error> {
        buf.clear();
        let ev = match self.reader.read_event_into(buf) {
            Ok(ev) => ev,
            Err(e) => return Err(self.map_err(e)),
        };
        match &ev {
            Event::Start(e) => {
                self.depth += 1;
                self.root_seen = true;
                self.open.push(e.local_name().as_ref().to_vec());
            }
            Event::Empty(_) => self.root_seen = true,
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                self.open.pop();
            }
            Event::Eof => {
                if let Some(name) = self.open.last() {
                    return Err(self.err(format!(
                        "unexpected end of file inside <{}>",
                        String::from_utf8_lossy(name)
                    )));
                }
                if !self.root_seen {
                    return Err(self.err("no root element (empty document?)"));
                }
            }
            _ => {}
        }
        Ok(ev)
    }

    /// Append the text content of the element just opened (its Start event
    /// has been read) to `out`, up to and including its End event. Entity and
    /// character references are resolved; nested elements are skipped but
    /// their text is kept.
    pub(crate) fn read_text(&mut self, buf: &mut Vec<u8>, out: &mut String) -> Result<(), Error> {
        let target = self.depth;
        loop {
            match self.next(buf)? {
                Event::Text(t) => match t.decode() {
                    Ok(s) => out.push_str(&s),
                    Err(e) => return Err(self.err(format!("invalid text: {e}"))),
                },
                Event::CData(t) => match t.decode() {
                    Ok(s) => out.push_str(&s),
                    Err(e) => return Err(self.err(format!("invalid CDATA: {e}"))),
                },
                Event::GeneralRef(r) => {
                    let r = r.into_owned();
                    self.push_ref(&r, out)?;
                }
                Event::End(_) if self.depth < target => return Ok(()),
                Event::Eof => return Err(self.err("unexpected end of file")),
                _ => {}
            }
        }
    }

    fn push_ref(&self, r: &BytesRef<'_>, out: &mut String) -> Result<(), Error> {
        match r.resolve_char_ref() {
            Ok(Some(c)) => {
                out.push(c);
                return Ok(());
            }
            Ok(None) => {}
            Err(e) => return Err(self.err(format!("bad character reference: {e}"))),
        }
        let name = r
            .decode()
            .map_err(|e| self.err(format!("bad entity reference: {e}")))?;
        match resolve_predefined_entity(&name) {
            Some(s) => {
                out.push_str(s);
                Ok(())
            }
            None => Err(self.err(format!("unknown entity &{name};"))),
        }
    }

    /// Skip the rest of the element just opened, up to its End event.
    pub(crate) fn skip(&mut self, buf: &mut Vec<u8>) -> Result<(), Error> {
        let target = self.depth;
        loop {
            match self.next(buf)? {
                Event::End(_) if self.depth < target => return Ok(()),
                Event::Eof => return Err(self.err("unexpected end of file")),
                _ => {}
            }
        }
    }

    /// Call `f(local_key, unescaped_value)` for each attribute of `e`.
    pub(crate) fn attrs(
        &self,
        e: &BytesStart<'_>,
        mut f: impl FnMut(&[u8], Cow<'_, str>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        for a in e.attributes() {
            let a = a.map_err(|err| self.err(format!("bad attribute: {err}")))?;
            let v = a
                .unescape_value()
                .map_err(|err| self.err(format!("bad attribute value: {err}")))?;
            f(a.key.local_name().as_ref(), v)?;
        }
        Ok(())
    }

    /// Parse a decimal attribute or text value; `what` names it in the error.
    pub(crate) fn num<T: std::str::FromStr>(&self, s: &str, what: &str) -> Result<T, Error> {
        s.trim()
            .parse()
            .map_err(|_| self.err(format!("invalid number {s:?} in {what}")))
    }

    /// Check that the root element is `expected`.
    pub(crate) fn expect_root(&self, e: &BytesStart<'_>, expected: &str) -> Result<(), Error> {
        let name = e.local_name();
        if name.as_ref() == expected.as_bytes() {
            Ok(())
        } else {
            Err(self.err(format!(
                "expected root element <{expected}>, found <{}>",
                String::from_utf8_lossy(name.as_ref())
            )))
        }
    }
}

/// Parse an epoch attribute: empty or absent is 0.
pub(crate) fn epoch<R: BufRead>(xr: &XmlReader<R>, s: &str) -> Result<u32, Error> {
    if s.trim().is_empty() { Ok(0) } else { xr.num(s, "epoch") }
}
