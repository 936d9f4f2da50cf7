//! Rendering: each email type is a plain view model with a [`RenderEmail`] impl that renders
//! `templates/email/<name>/{subject.txt,body.txt,body.html}` with askama (HTML-escaped in
//! `.html`, verbatim in `.txt`). Approval emails share partials under
//! `templates/email/partials/`.

pub(crate) mod approval;
pub(crate) mod fresh_link;
pub(crate) mod operator_notice;

use crate::{Email, MailError};

/// An email view model that renders to an [`Email`].
pub trait RenderEmail {
    /// Renders the subject, text and HTML parts, addressed to the model's `to`.
    fn render(&self) -> Result<Email, MailError>;
}

/// Implements [`RenderEmail`] for a view model from its three templates. Askama's attribute
/// needs literal paths, hence the three of them. Each template struct derefs to the model, so
/// templates name the model's fields and methods directly.
macro_rules! render_email {
    ($model:ty, to = $($to:ident).+, $name:literal, $subject:literal, $text:literal, $html:literal $(,)?) => {
        impl $crate::templates::RenderEmail for $model {
            fn render(&self) -> Result<$crate::Email, $crate::MailError> {
                use askama::Template as _;
                $crate::templates::template_view!(Subject, $model, $subject);
                $crate::templates::template_view!(Text, $model, $text);
                $crate::templates::template_view!(Html, $model, $html);
                $crate::templates::assemble(
                    $name,
                    &self$(.$to)+,
                    Subject { model: self }.render(),
                    Text { model: self }.render(),
                    Html { model: self }.render(),
                )
            }
        }
    };
}

/// One askama template struct wrapping a borrowed view model.
macro_rules! template_view {
    ($view:ident, $model:ty, $path:literal) => {
        #[derive(askama::Template)]
        #[template(path = $path)]
        struct $view<'a> {
            model: &'a $model,
        }

        impl std::ops::Deref for $view<'_> {
            type Target = $model;

            fn deref(&self) -> &$model {
                self.model
            }
        }
    };
}

pub(crate) use {render_email, template_view};

/// Puts the rendered parts together: the subject on one clean line, the text ending in one
/// newline.
pub(crate) fn assemble(
    name: &'static str,
    to: &str,
    subject: askama::Result<String>,
    text: askama::Result<String>,
    html: askama::Result<String>,
) -> Result<Email, MailError> {
    let error = |source| MailError::Render {
        template: name,
        source,
    };
    let subject = subject.map_err(error)?;
    let text = text.map_err(error)?;
    Ok(Email {
        to: to.to_owned(),
        subject: crate::subject::one_clean_line(&subject),
        text: format!("{}\n", text.trim_end()),
        html: html.map_err(error)?,
    })
}

/// How a person is named in an email: `Bob B <bob@acme.test>`, or the address alone.
pub(crate) fn person(name: Option<&str>, email: &str) -> String {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => format!("{name} <{email}>"),
        None => email.to_owned(),
    }
}

/// A person in a few words, for subjects: `Bob B (bob)` or `bob@acme.test (bob)`.
pub(crate) fn person_short(name: Option<&str>, email: &str, hub_username: &str) -> String {
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(email);
    format!("{name} ({hub_username})")
}

/// The opening line: `Hello Carol,` or `Hello,`.
pub(crate) fn greeting(name: Option<&str>) -> String {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => format!("Hello {name},"),
        None => "Hello,".to_owned(),
    }
}
