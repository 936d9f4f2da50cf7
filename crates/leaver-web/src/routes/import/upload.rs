//! Reading the `/import/preview` upload (multipart: `file` or pasted `text`, and `csrf`) without
//! holding more than the import's limit: a file over [`MAX_BYTES`] is read to its end, so that
//! the browser gets the answer instead of a connection cut mid-upload, but none of it beyond
//! the limit is kept, and it is refused. Only an upload over [`MAX_UPLOAD`] is cut short.

use crate::AppError;
use axum::extract::Multipart;
use axum::extract::multipart::{Field, MultipartError};
use axum::http::StatusCode;
use leaver_app::import::{MAX_BYTES, Refused};

/// The most an upload may send before it is cut short (and refused as too large).
pub(super) const MAX_UPLOAD: usize = 64 * 1024 * 1024;

/// The form's CSV text and CSRF token.
pub(crate) async fn read_upload(
    mut multipart: Multipart,
) -> Result<(String, Option<String>), AppError> {
    let (mut csv, mut csrf, mut too_large) = (String::new(), None, false);
    while let Some(field) = multipart.next_field().await.map_err(upload_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        let Some(text) = read_field(field).await? else {
            too_large = true;
            continue;
        };
        match name.as_str() {
            "csrf" => csrf = Some(text),
            "file" | "text" if csv.trim().is_empty() => csv = text,
            _ => {}
        }
    }
    if too_large {
        return Err(refused(Refused::TooLarge));
    }
    Ok((csv, csrf))
}

/// A field's text, or `None` if it holds more than [`MAX_BYTES`] (read, not kept).
async fn read_field(mut field: Field<'_>) -> Result<Option<String>, AppError> {
    let (mut kept, mut over) = (Vec::new(), false);
    while let Some(chunk) = field.chunk().await.map_err(upload_error)? {
        over = over || kept.len() + chunk.len() > MAX_BYTES;
        if !over {
            kept.extend_from_slice(&chunk);
        }
    }
    if over {
        return Ok(None);
    }
    String::from_utf8(kept)
        .map(Some)
        .map_err(|_| AppError::BadRequest("the file is not UTF-8 text".into()))
}

/// A file refused whole: a 422 naming `file`.
pub(crate) fn refused(refused: Refused) -> AppError {
    AppError::Validation(vec![refused.into()])
}

/// An upload over [`MAX_UPLOAD`] is refused as too large; anything else is malformed.
fn upload_error(error: MultipartError) -> AppError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        refused(Refused::TooLarge)
    } else {
        AppError::BadRequest(format!("the upload cannot be read: {error}"))
    }
}
