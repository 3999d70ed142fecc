//! The portal's logo (Settings › Logo): PNG or JPEG only, recognized by their first bytes (not
//! by a name or a declared type), at most 256 KB. SVG is refused on purpose: it can carry
//! scripts. The logo is served with the type its bytes have, and `nosniff`.

/// The largest logo accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoType {
    Png,
    Jpeg,
}

impl LogoType {
    pub fn content_type(self) -> &'static str {
        match self {
            LogoType::Png => "image/png",
            LogoType::Jpeg => "image/jpeg",
        }
    }

    pub fn parse(content_type: &str) -> Option<Self> {
        [LogoType::Png, LogoType::Jpeg]
            .into_iter()
            .find(|t| t.content_type() == content_type)
    }
}

/// What the bytes of an upload are, or why they cannot be a logo.
pub fn check_logo(bytes: &[u8]) -> Result<LogoType, String> {
    if bytes.is_empty() {
        return Err("the file is empty: pick a PNG or JPEG image".into());
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(format!(
            "the image is {} KB; a logo can be at most 256 KB: export it smaller (a few hundred pixels wide is plenty)",
            bytes.len().div_ceil(1024)
        ));
    }
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    const JPEG: &[u8] = b"\xff\xd8\xff";
    if bytes.starts_with(PNG) && bytes.len() > 24 {
        Ok(LogoType::Png)
    } else if bytes.starts_with(JPEG) && bytes.len() > 4 {
        Ok(LogoType::Jpeg)
    } else {
        Err("the file is not a PNG or JPEG image (other formats, SVG included, are not accepted): export the logo as PNG".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_and_jpeg_are_known_by_their_bytes_and_everything_else_is_refused() {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend([0; 40]);
        assert_eq!(check_logo(&png), Ok(LogoType::Png));
        assert_eq!(
            check_logo(b"\xff\xd8\xff\xe0\0\x10JFIF"),
            Ok(LogoType::Jpeg)
        );
        for bad in [
            &b"GIF89a......"[..],
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            b"\x89PN",
        ] {
            assert!(check_logo(bad).unwrap_err().contains("not a PNG or JPEG"));
        }
        assert!(check_logo(b"").unwrap_err().contains("empty"));
        let mut big = png.clone();
        big.resize(MAX_LOGO_BYTES + 1, 0);
        assert!(check_logo(&big).unwrap_err().contains("at most 256 KB"));
        assert_eq!(LogoType::parse("image/png"), Some(LogoType::Png));
    }
}
