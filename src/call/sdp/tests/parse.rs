//! Parsing and writing: field values, round trips, IPv6, tolerated oddities, refusals.

use std::net::IpAddr;

use super::super::*;
use super::{SIPP_OFFER, baresip_offer, cucm_offer};

#[test]
fn parses_cucm_offer_fields() {
    let sd = SessionDescription::parse(&cucm_offer()).unwrap();
    assert_eq!(sd.origin.username, "CiscoSystemsCCM-SIP");
    assert_eq!(sd.origin.session_id, 2000);
    assert_eq!(sd.origin.session_version, 1);
    assert_eq!(sd.origin.address, "10.1.1.10");
    assert_eq!(sd.session_name, "SIP Call");
    assert_eq!(
        sd.connection.as_ref().unwrap().ip(),
        Some("10.1.1.20".parse().unwrap())
    );
    assert_eq!(
        sd.bandwidths,
        vec![Bandwidth {
            bw_type: "AS".into(),
            value: 4000
        }]
    );
    assert_eq!(sd.media.len(), 6);

    let audio = &sd.media[0];
    assert_eq!(audio.kind, MediaKind::Audio);
    assert_eq!((audio.port, audio.protocol.as_str()), (16384, "RTP/SAVP"));
    assert_eq!(audio.formats, ["0", "8", "9", "101"]);
    assert_eq!(audio.bandwidths[0].value, 64000);
    assert_eq!(audio.rtpmap(9).unwrap().encoding, "G722");
    assert_eq!(audio.fmtp(101), Some("0-15"));
    assert_eq!(
        audio.rtcp(),
        Some(Rtcp {
            port: 16385,
            connection: None
        })
    );
    assert_eq!(audio.direction(), Some(Direction::SendRecv));
    assert!(!audio.rtcp_mux());
    let cryptos = audio.cryptos();
    assert_eq!(cryptos.len(), 2);
    assert_eq!(cryptos[1].tag, 2);
    assert_eq!(cryptos[1].suite, CryptoSuite::AesCm128HmacSha1_32);
    assert_eq!(cryptos[0].master_key(), (1..=30).collect::<Vec<u8>>());

    let main = &sd.media[1];
    assert_eq!(main.content(), Some("main"));
    assert_eq!(main.label(), Some("11"));
    assert_eq!(
        main.fmtp(126),
        Some("profile-level-id=4D0028;packetization-mode=1;max-mbps=245000")
    );
    assert_eq!(sd.media[2].content(), Some("slides"));

    let bfcp = &sd.media[3];
    assert_eq!(bfcp.kind, MediaKind::Application);
    assert_eq!(bfcp.protocol, "UDP/BFCP");
    assert_eq!(bfcp.formats, ["*"]);
    assert_eq!(bfcp.floorctrl(), vec![FloorCtrl::ClientServer]);
    assert_eq!(bfcp.confid(), Some(1));
    assert_eq!(bfcp.userid(), Some(14));
    assert_eq!(
        bfcp.floorids(),
        vec![FloorId {
            floor_id: 2,
            media_labels: vec!["12".into()]
        }]
    );
    // Unknown attributes are kept as written.
    assert_eq!(bfcp.attribute("bfcpver"), Some("1 2"));

    assert_eq!(sd.media[4].rtpmap(96).unwrap().clock_rate, 0);
    assert_eq!(sd.media[5].port, 0);
    assert_eq!(sd.media[5].protocol, "UDP/UDT/IX");
}

#[test]
fn round_trip_is_stable_and_crlf() {
    for text in [cucm_offer(), baresip_offer(), SIPP_OFFER.to_string()] {
        let sd = SessionDescription::parse(&text).unwrap();
        let written = sd.to_string();
        assert!(written.ends_with("\r\n"));
        assert!(
            !written.replace("\r\n", "").contains('\n'),
            "bare LF in {written}"
        );
        assert_eq!(SessionDescription::parse(&written).unwrap(), sd);
    }
    // The CRLF input comes back byte for byte.
    assert_eq!(
        SessionDescription::parse(&cucm_offer())
            .unwrap()
            .to_string(),
        cucm_offer()
    );
}

#[test]
fn baresip_lf_body_parses() {
    let sd = SessionDescription::parse(&baresip_offer()).unwrap();
    let m = &sd.media[0];
    assert_eq!((m.port, m.protocol.as_str()), (6080, "RTP/SAVP"));
    assert_eq!(
        m.rtpmap(96),
        Some(RtpMap {
            payload_type: 96,
            encoding: "opus".into(),
            clock_rate: 48000,
            channels: Some(2)
        })
    );
    assert!(m.rtcp_mux());
    assert!(m.has_attribute("rtcp-rsize"));
    assert_eq!(
        m.attribute("ssrc"),
        Some("1234567890 cname:sip:alice@127.0.0.1")
    );
    assert_eq!(m.label(), Some("1"));
}

#[test]
fn ipv6_connection_and_origin() {
    let text = "v=0\r\no=- 7 8 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::2\r\nt=0 0\r\n\
                m=audio 5004 RTP/AVP 0\r\na=rtcp:5010 IN IP6 2001:db8::3\r\n";
    let sd = SessionDescription::parse(text).unwrap();
    assert_eq!(sd.origin.addr_type, "IP6");
    let ip: IpAddr = "2001:db8::2".parse().unwrap();
    assert_eq!(sd.connection.as_ref().unwrap().ip(), Some(ip));
    let rtcp = sd.media[0].rtcp().unwrap();
    assert_eq!(rtcp.port, 5010);
    assert_eq!(
        rtcp.connection.unwrap().ip(),
        Some("2001:db8::3".parse().unwrap())
    );
    assert_eq!(sd.to_string(), text);
}

#[test]
fn tolerates_unknown_lines_blank_lines_and_trailing_spaces() {
    let text = "v=0\n\no=- 1 1 IN IP4 10.0.0.1 \ns=\nx=whatever\nc=IN IP4 10.0.0.1\nt=0 0\n\
                m=audio 5004 RTP/AVP 8\ny=more\na=x-cisco-something:yes \na=sendonly\n\n";
    let sd = SessionDescription::parse(text).unwrap();
    assert_eq!(sd.origin.address, "10.0.0.1");
    assert_eq!(sd.session_name, "");
    assert_eq!(sd.media[0].attribute("x-cisco-something"), Some("yes"));
    assert_eq!(sd.direction_of(&sd.media[0]), Direction::SendOnly);
    // Unknown line types are dropped; the empty name is written as "s= ".
    let written = sd.to_string();
    assert!(written.contains("\r\ns= \r\n"));
    assert!(!written.contains("x=") && !written.contains("y="));
}

#[test]
fn session_level_direction_applies_to_media() {
    let text = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\na=recvonly\r\nm=audio 1 RTP/AVP 0\r\n\
                m=audio 2 RTP/AVP 0\r\na=inactive\r\n";
    let sd = SessionDescription::parse(text).unwrap();
    assert_eq!(sd.direction_of(&sd.media[0]), Direction::RecvOnly);
    assert_eq!(sd.direction_of(&sd.media[1]), Direction::Inactive);
}

#[test]
fn port_count_and_repeat_lines_survive() {
    let text = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=3034423619 3042462419\r\nr=604800 3600 0 90000\r\n\
                m=video 49170/2 RTP/AVP 31\r\n";
    let sd = SessionDescription::parse(text).unwrap();
    assert_eq!(sd.times[0].start, 3034423619);
    assert_eq!(sd.times[0].repeats, ["604800 3600 0 90000"]);
    assert_eq!((sd.media[0].port, sd.media[0].port_count), (49170, Some(2)));
    assert_eq!(sd.to_string(), text);
}

fn reason(text: &str) -> String {
    SessionDescription::parse(text).unwrap_err().reason
}

#[test]
fn refuses_garbage_with_plain_reasons() {
    let head = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nt=0 0\r\n";
    assert_eq!(reason(""), "the body is empty");
    assert_eq!(reason("hello"), "line is not of the form <letter>=<value>");
    assert_eq!(
        reason("o=- 1 1 IN IP4 1.2.3.4\r\n"),
        "the first line must be v=0"
    );
    assert_eq!(reason("v=1\r\n"), "unsupported SDP version '1'");
    assert_eq!(reason("v=0\r\ns=-\r\n"), "no o= line");
    assert_eq!(reason("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\n"), "no s= line");
    assert_eq!(
        reason("v=0\r\no=- x 1 IN IP4 1.2.3.4\r\ns=-\r\n"),
        "o= session id 'x' is not a number"
    );
    assert_eq!(
        reason("v=0\r\no=- 1 IN IP4 1.2.3.4\r\ns=-\r\n"),
        "o= line has 5 fields, expected 6"
    );
    assert_eq!(reason(&format!("{head}m=audio\r\n")), "m= line has no port");
    assert_eq!(
        reason(&format!("{head}m=audio 70000 RTP/AVP 0\r\n")),
        "m= port '70000' is not a number from 0 to 65535"
    );
    assert_eq!(
        reason(&format!("{head}m=audio 5 \r\n")),
        "m= line has no protocol"
    );
    assert_eq!(
        reason(&format!("{head}m=audio 5 RTP/AVP PCMU\r\n")),
        "m= format 'PCMU' is not an RTP payload type"
    );
    assert_eq!(
        reason(&format!("{head}m=audio 5 RTP/AVP 0\r\nt=0 0\r\n")),
        "t= line is not allowed inside a media section"
    );
    assert_eq!(
        reason(&format!("{head}c=IN IP4 ::1\r\n")),
        "c= address ::1 is IP6 but the address type says IP4"
    );
    assert_eq!(
        reason(&format!("{head}b=AS:lots\r\n")),
        "b= value 'lots' is not a number"
    );
    assert_eq!(
        reason(&format!("{head}a=\r\n")),
        "a= line has no attribute name"
    );
    assert_eq!(
        reason(&format!("{head}a=bad name:1\r\n")),
        "a= attribute name 'bad name' is not a token"
    );
    assert_eq!(
        reason(&format!("{head}a=x\u{1}y\r\n")),
        "line contains a control character"
    );
    let err = SessionDescription::parse(&format!("{head}m=audio\r\n")).unwrap_err();
    assert_eq!(err.line, Some(5));
    assert_eq!(err.to_string(), "SDP line 5: m= line has no port");
}

#[test]
fn non_ip_connection_is_kept_as_text() {
    let text = "v=0\r\no=- 1 1 IN IP4 host.example\r\ns=-\r\nc=IN IP4 224.2.1.1/127\r\nt=0 0\r\n";
    let sd = SessionDescription::parse(text).unwrap();
    assert_eq!(
        sd.connection.as_ref().unwrap().ip(),
        Some("224.2.1.1".parse().unwrap())
    );
    assert_eq!(sd.origin.address, "host.example");
}
