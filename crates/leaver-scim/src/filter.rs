//! Filters (RFC 7644 §3.4.2.2): `userName eq "bob"`, `externalId eq "00u1"`,
//! `emails.value eq "bob@acme.test"`, `emails[type eq "work"]` inside PATCH paths, combined
//! with `and`, `or`, `not (...)` and parentheses. Operators: `eq ne co sw ew gt ge lt le pr`.
//! Strings compare without case except `id` and `externalId` (caseExact in RFC 7643).

use crate::error::{ScimError, ScimType};
use serde_json::Value;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

/// A parsed filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// `path op value`; `path` as written (dotted, maybe URN-qualified).
    Compare {
        path: String,
        op: Op,
        value: Value,
    },
    /// `path pr`.
    Present(String),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Literal(Value),
    Open,
    Close,
}

fn bad(detail: impl std::fmt::Display) -> ScimError {
    ScimError::bad(ScimType::InvalidFilter, "filter", detail)
}

fn tokens(raw: &str) -> Result<Vec<Token>, ScimError> {
    let mut out = Vec::new();
    let chars: Vec<char> = raw.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                out.push(Token::Open);
                i += 1;
            }
            ')' => {
                out.push(Token::Close);
                i += 1;
            }
            '"' => {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    i += if chars[i] == '\\' { 2 } else { 1 };
                }
                if i >= chars.len() {
                    return Err(bad("a string is not closed"));
                }
                i += 1;
                let text: String = chars[start..i].iter().collect();
                let value: Value =
                    serde_json::from_str(&text).map_err(|e| bad(format!("bad string: {e}")))?;
                out.push(Token::Literal(value));
            }
            _ => {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() && !"()\"".contains(chars[i]) {
                    i += 1;
                }
                out.push(Token::Word(chars[start..i].iter().collect()));
            }
        }
    }
    Ok(out)
}

fn op(word: &str) -> Option<Op> {
    Some(match word.to_ascii_lowercase().as_str() {
        "eq" => Op::Eq,
        "ne" => Op::Ne,
        "co" => Op::Co,
        "sw" => Op::Sw,
        "ew" => Op::Ew,
        "gt" => Op::Gt,
        "ge" => Op::Ge,
        "lt" => Op::Lt,
        "le" => Op::Le,
        _ => return None,
    })
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn or(&mut self) -> Result<Filter, ScimError> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.at += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, ScimError> {
        let mut left = self.unary()?;
        while self.peek_word("and") {
            self.at += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, ScimError> {
        if self.peek_word("not") {
            self.at += 1;
            return Ok(Filter::Not(Box::new(self.group()?)));
        }
        if matches!(self.tokens.get(self.at), Some(Token::Open)) {
            return self.group();
        }
        self.comparison()
    }

    fn group(&mut self) -> Result<Filter, ScimError> {
        if self.next() != Some(Token::Open) {
            return Err(bad("expected '('"));
        }
        let inner = self.or()?;
        if self.next() != Some(Token::Close) {
            return Err(bad("expected ')'"));
        }
        Ok(inner)
    }

    fn comparison(&mut self) -> Result<Filter, ScimError> {
        let Some(Token::Word(path)) = self.next() else {
            return Err(bad("expected an attribute name"));
        };
        let Some(Token::Word(operator)) = self.next() else {
            return Err(bad(format!("expected an operator after {path}")));
        };
        if operator.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(path));
        }
        let op = op(&operator).ok_or_else(|| bad(format!("unknown operator {operator:?}")))?;
        let value = match self.next() {
            Some(Token::Literal(v)) => v,
            Some(Token::Word(w)) => match w.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "null" => Value::Null,
                // Unquoted values (some clients send them): a number, or the word as text.
                _ => serde_json::from_str::<serde_json::Number>(&w)
                    .map(Value::Number)
                    .unwrap_or(Value::String(w)),
            },
            _ => return Err(bad(format!("expected a value after {path} {operator}"))),
        };
        Ok(Filter::Compare { path, op, value })
    }
}

impl Filter {
    /// Parses a filter, or a 400 `invalidFilter` saying what is wrong.
    pub fn parse(raw: &str) -> Result<Filter, ScimError> {
        let mut parser = Parser {
            tokens: tokens(raw)?,
            at: 0,
        };
        if parser.tokens.is_empty() {
            return Err(bad("is empty"));
        }
        let filter = parser.or()?;
        if parser.at != parser.tokens.len() {
            return Err(bad("unexpected text after the expression"));
        }
        Ok(filter)
    }

    /// The value `userName eq "x"` asks for, when the filter is exactly that (a lookup).
    pub fn equality(&self, attribute: &str) -> Option<&str> {
        match self {
            Filter::Compare {
                path,
                op: Op::Eq,
                value: Value::String(v),
            } if crate::path::same_name(strip_core(path), attribute) => Some(v),
            _ => None,
        }
    }

    /// Whether `resource` (a SCIM resource as JSON) matches.
    pub fn matches(&self, resource: &Value) -> bool {
        match self {
            Filter::And(a, b) => a.matches(resource) && b.matches(resource),
            Filter::Or(a, b) => a.matches(resource) || b.matches(resource),
            Filter::Not(a) => !a.matches(resource),
            Filter::Present(path) => values_at(resource, path)
                .iter()
                .any(|v| !v.is_null() && v.as_str() != Some("")),
            Filter::Compare { path, op, value } => {
                let exact = case_exact(path);
                let found = values_at(resource, path);
                if *op == Op::Ne {
                    return !found.iter().any(|v| compare(v, Op::Eq, value, exact));
                }
                found.iter().any(|v| compare(v, *op, value, exact))
            }
        }
    }
}

fn strip_core(path: &str) -> &str {
    match crate::schemas::split_extension(path) {
        Some((urn, rest)) if urn == crate::schemas::USER => rest,
        _ => path,
    }
}

fn case_exact(path: &str) -> bool {
    let name = strip_core(path);
    ["id", "externalId"]
        .iter()
        .any(|a| a.eq_ignore_ascii_case(name))
}

/// Every value at `path` in `resource` (arrays flattened), e.g. `emails.value` gives each
/// email's value.
pub fn values_at<'v>(resource: &'v Value, path: &str) -> Vec<&'v Value> {
    let (object, rest) = match crate::schemas::split_extension(path) {
        Some((urn, rest)) if urn == crate::schemas::USER => (Some(resource), rest),
        Some((urn, rest)) => (crate::path::get_ci(resource, urn), rest),
        None => (Some(resource), path),
    };
    let mut current: Vec<&Value> = object.into_iter().collect();
    for segment in rest.split('.').filter(|s| !s.is_empty()) {
        let mut next = Vec::new();
        for value in current {
            let items: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            next.extend(
                items
                    .into_iter()
                    .filter_map(|v| crate::path::get_ci(v, segment)),
            );
        }
        current = next;
    }
    current
        .into_iter()
        .flat_map(|v| match v {
            Value::Array(items) => items.iter().collect::<Vec<_>>(),
            other => vec![other],
        })
        .collect()
}

fn compare(found: &Value, op: Op, wanted: &Value, exact: bool) -> bool {
    match (found, wanted) {
        (Value::String(f), Value::String(w)) => {
            let (f, w) = if exact {
                (f.clone(), w.clone())
            } else {
                (f.to_lowercase(), w.to_lowercase())
            };
            match op {
                Op::Eq => f == w,
                Op::Ne => f != w,
                Op::Co => f.contains(&w),
                Op::Sw => f.starts_with(&w),
                Op::Ew => f.ends_with(&w),
                Op::Gt => f > w,
                Op::Ge => f >= w,
                Op::Lt => f < w,
                Op::Le => f <= w,
            }
        }
        (Value::Bool(f), Value::Bool(w)) => match op {
            Op::Eq => f == w,
            Op::Ne => f != w,
            _ => false,
        },
        (Value::String(f), Value::Bool(w)) => crate::user::truthy(f) == Some(*w) && op == Op::Eq,
        (Value::Number(f), Value::Number(w)) => {
            let (f, w) = (
                f.as_f64().unwrap_or(f64::NAN),
                w.as_f64().unwrap_or(f64::NAN),
            );
            match op {
                Op::Eq => f == w,
                Op::Ne => f != w,
                Op::Gt => f > w,
                Op::Ge => f >= w,
                Op::Lt => f < w,
                Op::Le => f <= w,
                _ => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;
