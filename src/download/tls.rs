//! TLS for repository downloads: rustls with the ring provider, CA
//! certificates loaded explicitly (the platform verifier fails in roots that
//! have no CA store), client certificates, and `sslverify=0`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::error::{Code, Error, Result};

/// CA bundles tried, in order, when `sslcacert` is not set: first inside the
/// install root, then on the host.
const CA_BUNDLES: &[&str] = &[
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// What a repo asks of TLS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TlsOptions {
    pub verify: bool,
    pub ca_cert: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn tls_error(msg: String) -> Error {
    Error::new(Code::CurlSslConnect, msg)
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let data = fs_err::read(path).map_err(|e| tls_error(format!("cannot read CA certificates: {e}")))?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut data.as_slice())
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| tls_error(format!("{}: bad PEM certificate: {e}", path.display())))?;
    Ok(certs)
}

/// The CA file to use: `sslcacert`, else the root's bundle, else the host's.
pub fn find_ca_bundle(explicit: Option<&Path>, root: &Path) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    let in_root = CA_BUNDLES.iter().map(|b| root.join(b.trim_start_matches('/')));
    let on_host = CA_BUNDLES.iter().map(PathBuf::from);
    in_root.chain(on_host).find(|p| p.is_file())
}

/// Build the rustls configuration for one set of options.
pub fn client_config(opts: &TlsOptions, root: &Path) -> Result<ClientConfig> {
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error(e.to_string()))?;
    let builder = if opts.verify {
        let mut store = RootCertStore::empty();
        if let Some(bundle) = find_ca_bundle(opts.ca_cert.as_deref(), root) {
            for cert in read_certs(&bundle)? {
                // A bundle may hold certificates rustls cannot use; skip those.
                let _ = store.add(cert);
            }
        }
        builder.with_root_certificates(store)
    } else {
        builder.dangerous().with_custom_certificate_verifier(Arc::new(NoVerify(provider())))
    };
    match (&opts.client_cert, &opts.client_key) {
        (Some(cert), key) => {
            let certs = read_certs(cert)?;
            let key_path = key.as_ref().unwrap_or(cert);
            let data = fs_err::read(key_path).map_err(|e| tls_error(format!("cannot read client key: {e}")))?;
            let key: PrivateKeyDer<'static> = rustls_pemfile::private_key(&mut data.as_slice())
                .map_err(|e| tls_error(format!("{}: {e}", key_path.display())))?
                .ok_or_else(|| tls_error(format!("{}: no private key found", key_path.display())))?;
            builder.with_client_auth_cert(certs, key).map_err(|e| tls_error(e.to_string()))
        }
        (None, _) => Ok(builder.with_no_client_auth()),
    }
}

/// `sslverify=0`: accept any certificate, still check handshake signatures.
#[derive(Debug)]
struct NoVerify(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
