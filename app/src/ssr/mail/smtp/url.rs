//! `PORTICO_SMTP_URL`, read as lettre reads it (`AsyncSmtpTransport::from_url`): Portico opens
//! its own connections (to hold each email's last line, see `held`), so it reads the URL itself,
//! with lettre's defaults.

use lettre::transport::smtp::{
    authentication::Credentials,
    client::{Tls, TlsParameters},
    extension::ClientId,
};

/// Where to connect and how.
#[derive(Clone)]
pub struct SmtpServer {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    pub credentials: Option<Credentials>,
    pub hello_name: ClientId,
}

pub fn parse(url: &str) -> Result<SmtpServer, String> {
    let url = url::Url::parse(url).map_err(|e| e.to_string())?;
    let host = url
        .host_str()
        .filter(|host| !host.is_empty())
        .ok_or("the URL names no host")?
        .to_owned();
    let tls = url
        .query_pairs()
        .find(|(key, _)| key == "tls")
        .map(|(_, value)| value.into_owned());
    let parameters = || TlsParameters::new(host.clone()).map_err(|e| e.to_string());
    // lettre's default ports: 25 in the clear, 587 for STARTTLS, 465 for implicit TLS.
    let (default_port, tls) = match (url.scheme(), tls.as_deref()) {
        ("smtp", None) => (25, Tls::None),
        ("smtp", Some("required")) => (587, Tls::Required(parameters()?)),
        ("smtp", Some("opportunistic")) => (587, Tls::Opportunistic(parameters()?)),
        ("smtps", _) => (465, Tls::Wrapper(parameters()?)),
        (scheme, tls) => {
            return Err(format!(
                "the scheme {scheme:?} with tls={tls:?} is not one of smtp://, \
                 smtp://...?tls=required, smtp://...?tls=opportunistic, smtps://"
            ))
        }
    };
    // The path, if any, names this client in EHLO.
    let hello_name = match url.path().trim_matches('/') {
        "" => ClientId::default(),
        name => ClientId::Domain(name.to_owned()),
    };
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| "the user name or password is not valid UTF-8 once decoded".to_owned())
    };
    let credentials = match url.password() {
        Some(password) => Some(Credentials::new(decode(url.username())?, decode(password)?)),
        None => None,
    };
    Ok(SmtpServer {
        port: url.port().unwrap_or(default_port),
        host,
        tls,
        credentials,
        hello_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_smtp_url_gives_lettres_ports_tls_modes_and_decoded_credentials() {
        let plain = parse("smtp://127.0.0.1:1025").unwrap();
        assert_eq!((plain.host.as_str(), plain.port), ("127.0.0.1", 1025));
        assert!(matches!(plain.tls, Tls::None));
        assert!(plain.credentials.is_none());

        let submission = parse("smtp://user:pa%24s@mail.example.com?tls=required").unwrap();
        assert_eq!(submission.port, 587);
        assert!(matches!(submission.tls, Tls::Required(_)));
        assert!(
            submission.credentials == Some(Credentials::new("user".into(), "pa$s".into())),
            "the password is percent-decoded"
        );

        let wrapped = parse("smtps://mail.example.com/portico.example.com").unwrap();
        assert_eq!(wrapped.port, 465);
        assert!(matches!(wrapped.tls, Tls::Wrapper(_)));
        assert_eq!(
            wrapped.hello_name,
            ClientId::Domain("portico.example.com".into())
        );
        assert!(matches!(
            parse("smtp://h?tls=opportunistic").unwrap().tls,
            Tls::Opportunistic(_)
        ));
    }

    #[test]
    fn an_url_of_another_kind_says_which_forms_are_understood() {
        let error = parse("http://mail.example.com").err().unwrap();
        assert!(error.contains("smtps://"), "{error}");
        assert!(parse("smtp://h?tls=sometimes").is_err());
        assert!(parse("not a url").is_err());
    }
}
