//! The BFCP m-line (RFC 8856): offering it, answering it and reading an answer. The room
//! device offers `c-s` and, when it answers, becomes the floor client whenever the offerer
//! can be the server. TCP connection roles follow RFC 4145 (`a=setup`, `a=connection`).

use super::attrs::{FloorCtrl, FloorId, Setup};
use super::lines::SLIDES_LABEL;
use super::negotiate::{BfcpParams, BfcpTransport, FloorRole};
use super::session::{MediaDescription, MediaKind};

/// Conference and user ids we hand out when we are the floor control server.
const OUR_CONFERENCE_ID: u32 = 1;
const PEER_USER_ID: u16 = 2;
const SLIDES_FLOOR_ID: u16 = 1;

/// `m=application <port> TCP/BFCP *` offering to be client or server.
pub fn offer_line(port: u16) -> MediaDescription {
    let mut m = MediaDescription::new(MediaKind::Application, port, "TCP/BFCP", vec!["*".into()]);
    m.push_value("floorctrl", FloorCtrl::ClientServer.as_str());
    m.push_value("setup", Setup::ActPass.as_str());
    m.push_value("connection", "new");
    push_server_ids(&mut m);
    m
}

fn push_server_ids(m: &mut MediaDescription) {
    m.push_value("confid", OUR_CONFERENCE_ID.to_string());
    m.push_value("userid", PEER_USER_ID.to_string());
    let floor = FloorId {
        floor_id: SLIDES_FLOOR_ID,
        media_labels: vec![SLIDES_LABEL.into()],
    };
    m.push_value("floorid", floor.to_string());
}

fn transport(m: &MediaDescription) -> Option<BfcpTransport> {
    match m.protocol.to_ascii_uppercase().as_str() {
        "TCP/BFCP" => Some(BfcpTransport::Tcp),
        "UDP/BFCP" => Some(BfcpTransport::Udp),
        // TCP/TLS/BFCP needs a TLS stack on the BFCP channel, which the device lacks.
        _ => None,
    }
}

/// Answers an offered BFCP line on `port`, or says why not.
pub fn answer_line(
    offer: &MediaDescription,
    port: u16,
) -> Result<(MediaDescription, BfcpParams), String> {
    let transport =
        transport(offer).ok_or_else(|| format!("BFCP over {} is not supported", offer.protocol))?;
    let offered = offer.floorctrl();
    // RFC 8856 §5.1: with no a=floorctrl the offerer is the client and the answerer the server.
    let offerer_can_serve =
        offered.contains(&FloorCtrl::ServerOnly) || offered.contains(&FloorCtrl::ClientServer);
    let role = if offerer_can_serve {
        FloorRole::Client
    } else {
        FloorRole::Server
    };
    let mut m = MediaDescription::new(
        MediaKind::Application,
        port,
        &offer.protocol,
        vec!["*".into()],
    );
    let ours = match role {
        FloorRole::Client => FloorCtrl::ClientOnly,
        FloorRole::Server => FloorCtrl::ServerOnly,
    };
    m.push_value("floorctrl", ours.as_str());
    let tcp_setup = match transport {
        BfcpTransport::Tcp => {
            // RFC 4145 §4.1: a missing a=setup means the offerer is active.
            let setup = match offer.setup() {
                Some(Setup::Active) | None => Setup::Passive,
                Some(_) => Setup::Active,
            };
            m.push_value("setup", setup.as_str());
            m.push_value("connection", "new");
            Some(setup)
        }
        BfcpTransport::Udp => None,
    };
    let params = match role {
        FloorRole::Client => BfcpParams {
            transport,
            role,
            tcp_setup,
            conference_id: offer.confid(),
            user_id: offer.userid(),
            floors: offer.floorids(),
        },
        FloorRole::Server => {
            push_server_ids(&mut m);
            server_params(transport, tcp_setup)
        }
    };
    Ok((m, params))
}

fn server_params(transport: BfcpTransport, tcp_setup: Option<Setup>) -> BfcpParams {
    BfcpParams {
        transport,
        role: FloorRole::Server,
        tcp_setup,
        conference_id: Some(OUR_CONFERENCE_ID),
        user_id: Some(PEER_USER_ID),
        floors: vec![FloorId {
            floor_id: SLIDES_FLOOR_ID,
            media_labels: vec![SLIDES_LABEL.into()],
        }],
    }
}

/// Reads the peer's answer to a BFCP line we offered.
pub fn accept(offer: &MediaDescription, answer: &MediaDescription) -> Result<BfcpParams, String> {
    let transport = transport(answer)
        .filter(|_| answer.protocol.eq_ignore_ascii_case(&offer.protocol))
        .ok_or_else(|| {
            format!(
                "the BFCP answer uses {}, we offered {}",
                answer.protocol, offer.protocol
            )
        })?;
    let answered = answer.floorctrl();
    // The peer answered as client (c-only) -> we serve. s-only, a missing attribute (RFC
    // 8856 default: answerer serves) or an invalid c-s leave us the client.
    let role = if answered == [FloorCtrl::ClientOnly] {
        FloorRole::Server
    } else {
        FloorRole::Client
    };
    let tcp_setup = match transport {
        // The answer's missing a=setup means "active" (RFC 4145 §4.1).
        BfcpTransport::Tcp => Some(match answer.setup() {
            Some(Setup::Passive) => Setup::Active,
            _ => Setup::Passive,
        }),
        BfcpTransport::Udp => None,
    };
    Ok(match role {
        FloorRole::Server => server_params(transport, tcp_setup),
        FloorRole::Client => BfcpParams {
            transport,
            role,
            tcp_setup,
            conference_id: answer.confid().or(offer.confid()),
            user_id: answer.userid().or(offer.userid()),
            floors: if answer.floorids().is_empty() {
                offer.floorids()
            } else {
                answer.floorids()
            },
        },
    })
}
