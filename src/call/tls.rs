//! SIP over TLS (RFC 3261 §26.2): the device's own certificate, the trust store, and the
//! rustls configurations for both directions, always on the ring provider.
//!
//! The device certificate is made once, self-signed, at first start and kept under
//! `<data>/sip-tls/` (`device.pem`, `device.key`, the key readable by roomd only); later starts
//! reuse it, so peers that were told to trust it keep trusting it. As a server we ask for a
//! client certificate but take connections without one. As a client we present ours (mutual
//! TLS, as Webex and Expressway expect) and check the server's against the public roots plus
//! the CA files an admin put in `<data>/sip-tls/ca/` — unless `SIP TlsVerify` is Off, in
//! which case any certificate is taken, though the handshake must still be signed by its key.

use std::io;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{
    CryptoProvider, WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::sign::CertifiedKey;
use rustls::{
    ClientConfig, DigitallySignedStruct, DistinguishedName, RootCertStore, ServerConfig,
    SignatureScheme,
};
use sha2::{Digest, Sha256};
use tokio_rustls::{TlsAcceptor, TlsConnector};

use crate::store;

/// Answers "is `SIP TlsVerify` On?" each time a connection is opened, so a change applies to
/// the next connection without a restart.
pub type VerifyPolicy = Box<dyn Fn() -> bool + Send + Sync>;

/// The name the certificate carries when no SIP domain is configured.
pub const DEFAULT_NAME: &str = "roomd.local";

const CERT_FILE: &str = "device.pem";
const KEY_FILE: &str = "device.key";
const CA_DIR: &str = "ca";

/// The device's TLS identity and policies.
pub struct Tls {
    dir: PathBuf,
    provider: Arc<CryptoProvider>,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    acceptor: TlsAcceptor,
    verify: VerifyPolicy,
}

impl Tls {
    /// Loads the device certificate from `dir` (`<data>/sip-tls`), or makes and stores one
    /// for `name` (a DNS name) and `ip` (the listen address, unless it is a wildcard).
    pub fn open(dir: &Path, name: &str, ip: IpAddr, verify: VerifyPolicy) -> Result<Tls, String> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        private_dir(dir)?;
        let ca = dir.join(CA_DIR);
        std::fs::create_dir_all(&ca)
            .map_err(|e| format!("cannot create the SIP CA folder {}: {e}", ca.display()))?;
        let (chain, key) = match load(dir, &provider) {
            Ok(Some(pair)) => pair,
            Ok(None) => create(dir, name, ip, &provider)?,
            Err(why) => {
                tracing::warn!(
                    "SIP TLS: the stored device certificate is unusable ({why}); making a new one"
                );
                create(dir, name, ip, &provider)?
            }
        };
        let server = ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot set up the SIP TLS server: {e}"))?
            .with_client_cert_verifier(Arc::new(AnyClientCert::new(&provider)))
            .with_single_cert(chain.clone(), key.clone_key())
            .map_err(|e| format!("the device certificate cannot serve TLS: {e}"))?;
        let tls = Tls {
            dir: dir.to_path_buf(),
            provider,
            chain,
            key,
            acceptor: TlsAcceptor::from(Arc::new(server)),
            verify,
        };
        tracing::info!("SIP TLS device certificate SHA-256 {}", tls.fingerprint());
        Ok(tls)
    }

    /// For connections peers open to us.
    pub fn acceptor(&self) -> TlsAcceptor {
        self.acceptor.clone()
    }

    /// For a connection we open, under the `SIP TlsVerify` policy in force now. Reads the
    /// admin's CA folder, so call it off the driver loop.
    pub fn connector(&self) -> Result<TlsConnector, String> {
        let builder = ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot set up the SIP TLS client: {e}"))?;
        let builder = if (self.verify)() {
            builder.with_root_certificates(self.roots())
        } else {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AnyServerCert::new(&self.provider)))
        };
        let config = builder
            .with_client_auth_cert(self.chain.clone(), self.key.clone_key())
            .map_err(|e| format!("the device certificate cannot be offered to peers: {e}"))?;
        Ok(TlsConnector::from(Arc::new(config)))
    }

    /// The SHA-256 of the device certificate, as `AB:CD:...`.
    pub fn fingerprint(&self) -> String {
        self.chain
            .first()
            .map(|c| fingerprint(c))
            .unwrap_or_default()
    }

    /// The public roots plus every certificate in the admin's CA folder.
    fn roots(&self) -> RootCertStore {
        let mut roots = RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let folder = self.dir.join(CA_DIR);
        let Ok(entries) = std::fs::read_dir(&folder) else {
            return roots;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_file() {
                continue;
            }
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!("SIP TLS: cannot read CA file {}: {e}", path.display());
                    continue;
                }
            };
            for cert in CertificateDer::pem_slice_iter(&bytes) {
                let added = cert
                    .map_err(|e| e.to_string())
                    .and_then(|c| roots.add(c).map_err(|e| e.to_string()));
                if let Err(e) = added {
                    tracing::warn!(
                        "SIP TLS: CA file {} has an unusable certificate: {e}",
                        path.display()
                    );
                }
            }
        }
        roots
    }
}

/// A server name for SNI and certificate checks: the host name we were asked to reach, else
/// the address (checked against the certificate's IP SANs, and no SNI is sent).
pub fn server_name(host: Option<&str>, ip: IpAddr) -> Result<ServerName<'static>, String> {
    match host {
        // SNI carries no trailing dot (RFC 6066 §3).
        Some(host) => ServerName::try_from(host.trim_end_matches('.').to_string())
            .map_err(|_| format!("{host:?} is not a valid TLS server name")),
        None => Ok(ServerName::IpAddress(ip.into())),
    }
}

/// Plain words for a failed handshake, with a hint when the certificate was not trusted.
pub fn explain(error: &io::Error) -> String {
    let untrusted = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .is_some_and(|e| matches!(e, rustls::Error::InvalidCertificate(_)));
    if untrusted {
        format!(
            "{error} (SIP TlsVerify is On: put the peer's CA in the device's sip-tls/ca folder, \
             or turn SIP TlsVerify Off)"
        )
    } else {
        error.to_string()
    }
}

/// The SHA-256 of a certificate, as `AB:CD:...`.
pub fn fingerprint(cert: &CertificateDer<'_>) -> String {
    Sha256::digest(cert.as_ref())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// Creates `dir` readable by roomd only: the private key lives there.
fn private_dir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the SIP TLS folder {}: {e}", dir.display()))?;
    restrict(dir, 0o700)
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("cannot restrict access to {}: {e}", path.display()))
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> Result<(), String> {
    Ok(())
}

/// The stored certificate and key; `None` when there are none yet.
type Identity = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

fn load(dir: &Path, provider: &CryptoProvider) -> Result<Option<Identity>, String> {
    let read = |file: &str| {
        store::read_checked(&dir.join(file)).map_err(|e| format!("{file} is damaged: {e}"))
    };
    let (cert_pem, key_pem) = match (read(CERT_FILE)?, read(KEY_FILE)?) {
        (None, None) => return Ok(None),
        (Some(cert), Some(key)) => (cert, key),
        (None, Some(_)) => return Err(format!("{CERT_FILE} is missing")),
        (Some(_), None) => return Err(format!("{KEY_FILE} is missing")),
    };
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{CERT_FILE} is not a PEM certificate: {e}"))?;
    if chain.is_empty() {
        return Err(format!("{CERT_FILE} holds no certificate"));
    }
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|e| format!("{KEY_FILE} is not a PEM private key: {e}"))?;
    // A power cut between writing the two files could pair a new key with an old cert.
    CertifiedKey::from_der(chain.clone(), key.clone_key(), provider)
        .map_err(|e| format!("{KEY_FILE} does not belong to {CERT_FILE}: {e}"))?;
    restrict(&dir.join(KEY_FILE), 0o600)?;
    Ok(Some((chain, key)))
}

/// Makes a self-signed ECDSA P-256 certificate for `name` (+ `ip`) and stores it.
fn create(
    dir: &Path,
    name: &str,
    ip: IpAddr,
    provider: &CryptoProvider,
) -> Result<Identity, String> {
    use rcgen::{DnType, ExtendedKeyUsagePurpose, KeyUsagePurpose, SanType};
    let name = if rcgen::CertificateParams::new(vec![name.to_string()]).is_ok() && !name.is_empty()
    {
        name
    } else {
        DEFAULT_NAME
    };
    let key = rcgen::KeyPair::generate()
        .map_err(|e| format!("cannot make a key for the device certificate: {e}"))?;
    let mut params = rcgen::CertificateParams::new(vec![name.to_string()])
        .map_err(|e| format!("{name:?} cannot name a certificate: {e}"))?;
    if !ip.is_unspecified() {
        params.subject_alt_names.push(SanType::IpAddress(ip));
    }
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(DnType::CommonName, name);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "roomd");
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    // Both: we serve TLS and present the same certificate as a client (mutual TLS).
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    // A device may boot before its clock is set; a start date in the past keeps it valid.
    params.not_before = rcgen::date_time_ymd(2020, 1, 1);
    params.not_after = rcgen::date_time_ymd(2049, 12, 31);
    let mut serial = [0u8; 16];
    rand::fill(&mut serial);
    serial[0] &= 0x7f; // a positive serial number
    params.serial_number = Some(rcgen::SerialNumber::from_slice(&serial));
    let cert = params
        .self_signed(&key)
        .map_err(|e| format!("cannot sign the device certificate: {e}"))?;
    let key_pem = key.serialize_pem();
    let cert_pem = cert.pem();
    // The key first: a cert without its key is detected at the next start and remade.
    let key_path = dir.join(KEY_FILE);
    store::write_atomic(&key_path, key_pem.as_bytes())
        .map_err(|e| format!("cannot store {}: {e}", key_path.display()))?;
    restrict(&key_path, 0o600)?;
    let cert_path = dir.join(CERT_FILE);
    store::write_atomic(&cert_path, cert_pem.as_bytes())
        .map_err(|e| format!("cannot store {}: {e}", cert_path.display()))?;
    let chain = vec![cert.der().clone()];
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
        .map_err(|e| format!("the new device key does not read back: {e}"))?;
    CertifiedKey::from_der(chain.clone(), key.clone_key(), provider)
        .map_err(|e| format!("the new device certificate does not match its key: {e}"))?;
    tracing::info!("SIP TLS: made a device certificate for {name}");
    Ok((chain, key))
}

/// `SIP TlsVerify Off`: any server certificate is taken, but the handshake must still be
/// signed by that certificate's key, so the session is bound to it.
#[derive(Debug)]
pub struct AnyServerCert {
    algorithms: WebPkiSupportedAlgorithms,
}

impl AnyServerCert {
    pub fn new(provider: &CryptoProvider) -> AnyServerCert {
        AnyServerCert {
            algorithms: provider.signature_verification_algorithms,
        }
    }
}

impl ServerCertVerifier for AnyServerCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// As a server: ask for a client certificate, take the connection without one, and take
/// any certificate offered (SIP digest and dial rules decide who may call, not the TLS
/// layer); a certificate offered must still have signed the handshake.
#[derive(Debug)]
struct AnyClientCert {
    algorithms: WebPkiSupportedAlgorithms,
}

impl AnyClientCert {
    fn new(provider: &CryptoProvider) -> AnyClientCert {
        AnyClientCert {
            algorithms: provider.signature_verification_algorithms,
        }
    }
}

impl ClientCertVerifier for AnyClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(dir: &Path) -> Tls {
        Tls::open(
            dir,
            "room.example.com",
            "127.0.0.1".parse().unwrap(),
            Box::new(|| true),
        )
        .unwrap()
    }

    #[test]
    fn the_certificate_is_made_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = open(dir.path()).fingerprint();
        assert_eq!(open(dir.path()).fingerprint(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(dir.path().join(CA_DIR).is_dir());
    }

    #[test]
    fn a_damaged_key_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let first = open(dir.path()).fingerprint();
        std::fs::write(dir.path().join(KEY_FILE), b"garbage").unwrap();
        assert_ne!(open(dir.path()).fingerprint(), first);
    }

    #[test]
    fn a_key_that_is_not_the_certificates_is_replaced() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let first = open(a.path()).fingerprint();
        open(b.path());
        std::fs::copy(b.path().join(KEY_FILE), a.path().join(KEY_FILE)).unwrap();
        assert_ne!(open(a.path()).fingerprint(), first);
    }

    #[test]
    fn an_unusable_name_falls_back_to_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let tls = Tls::open(
            dir.path(),
            "bad name\u{e9}",
            "0.0.0.0".parse().unwrap(),
            Box::new(|| true),
        );
        assert!(tls.is_ok());
    }
}
