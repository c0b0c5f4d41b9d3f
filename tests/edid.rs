//! EDIDs of real displays (tests/fixtures/edid, from the linuxhw/EDID database) parse into
//! what `Status Video Output Connector[n] ConnectedDevice` shows; damaged ones give errors
//! that say what is wrong, and nothing panics.

use roomd::board::edid::{BLOCK, Edid, EdidError, Mode, from_hex};

fn fixture(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(format!("tests/fixtures/edid/{name}.hex")).unwrap();
    from_hex(&text).unwrap()
}

fn progressive(width: u32, height: u32, refresh_hz: u32) -> Mode {
    Mode {
        width,
        height,
        refresh_hz,
        interlaced: false,
    }
}

#[test]
fn a_dell_u2415_monitor() {
    let edid = Edid::parse(&fixture("dell-u2415")).unwrap();
    assert_eq!(edid.manufacturer, "DEL");
    assert_eq!(edid.product_code, 0xA0BA);
    assert_eq!(edid.name.as_deref(), Some("DELL U2415"));
    assert_eq!(edid.serial_text.as_deref(), Some("XKV0P9CH34HU"));
    // 1920x1200 at 59.95 Hz is a 60 Hz mode as RoomOS names formats.
    assert_eq!(edid.preferred, Some(progressive(1920, 1200, 60)));
    assert_eq!(edid.preferred.unwrap().format(), "1920_1200_60");
    assert_eq!(edid.size_cm, Some((52, 32)));
    assert_eq!(edid.screen_inches(), 24);
    let cta = edid.cta.unwrap();
    assert!(cta.hdmi && !cta.hdmi_forum && cta.basic_audio && cta.underscan);
    assert_eq!(cta.native_vics, vec![16]);
    assert_eq!(cta.physical_address_text().as_deref(), Some("1.0.0.0"));
    assert_eq!(cta.vics.len(), 15);
    assert_eq!(cta.timings[0], progressive(1920, 1080, 60));
    assert_eq!(
        cta.timings[1],
        Mode {
            width: 1920,
            height: 1080,
            refresh_hz: 60,
            interlaced: true
        }
    );
}

#[test]
fn an_lg_4k_tv_with_hdmi_2() {
    let edid = Edid::parse(&fixture("lg-tv-sscr2")).unwrap();
    assert_eq!(edid.manufacturer, "GSM");
    assert_eq!(edid.product_code, 0xC0C8);
    assert_eq!(edid.display_name(), "LG TV SSCR2");
    assert_eq!(edid.preferred.unwrap().format(), "3840_2160_60");
    assert_eq!(edid.size_cm, Some((160, 90)));
    assert_eq!(edid.screen_inches(), 72);
    let cta = edid.cta.unwrap();
    assert!(cta.hdmi && cta.hdmi_forum);
    assert_eq!(cta.physical_address_text().as_deref(), Some("4.0.0.0"));
    assert_eq!(cta.vics[..2], [97, 96]);
    assert!(cta.vic_modes().contains(&progressive(3840, 2160, 60)));
    assert!(cta.vic_modes().contains(&progressive(4096, 2160, 60)));
}

#[test]
fn a_benq_projector_has_no_screen_size() {
    let edid = Edid::parse(&fixture("benq-pj")).unwrap();
    assert_eq!(edid.manufacturer, "BNQ");
    assert_eq!(edid.name.as_deref(), Some("BenQ PJ"));
    assert_eq!(edid.preferred.unwrap().format(), "1920_1080_60");
    assert_eq!(edid.size_cm, None, "a projector's image size is variable");
    assert_eq!(edid.screen_inches(), 0);
    let cta = edid.cta.unwrap();
    assert_eq!(cta.physical_address_text().as_deref(), Some("2.2.0.0"));
    assert_eq!(cta.native_vics, vec![16]);
}

#[test]
fn a_display_without_a_name_descriptor_is_named_by_its_ids() {
    let mut bytes = fixture("dell-u2415")[..BLOCK].to_vec();
    // Turn the name descriptor (tag 0xFC at 90..108) into a dummy one (0x10), and drop
    // the extension.
    bytes[90 + 3] = 0x10;
    bytes[126] = 0;
    let sum = bytes[..127].iter().fold(0u8, |s, b| s.wrapping_add(*b));
    bytes[127] = sum.wrapping_neg();
    let edid = Edid::parse(&bytes).unwrap();
    assert_eq!(edid.name, None);
    assert_eq!(edid.display_name(), "DEL A0BA");
    assert_eq!(edid.cta, None);
}

#[test]
fn damaged_edids_say_what_is_wrong() {
    let good = fixture("lg-tv-sscr2");

    let mut bad_sum = good.clone();
    bad_sum[20] ^= 0x04;
    let err = Edid::parse(&bad_sum).unwrap_err();
    assert!(matches!(err, EdidError::BadChecksum { block: 0, .. }));
    assert!(err.to_string().contains("block 0"), "{err}");

    let mut bad_ext = good.clone();
    bad_ext[200] ^= 0xFF;
    let err = Edid::parse(&bad_ext).unwrap_err();
    assert!(
        matches!(err, EdidError::BadChecksum { block: 1, .. }),
        "{err}"
    );

    let mut bad_header = good.clone();
    bad_header[0] = 0x01;
    let err = Edid::parse(&bad_header).unwrap_err();
    assert_eq!(err, EdidError::BadHeader);
    assert!(err.to_string().contains("header"), "{err}");

    let err = Edid::parse(&good[..200]).unwrap_err();
    assert_eq!(
        err,
        EdidError::Truncated {
            len: 200,
            needed: 256
        }
    );
    assert!(err.to_string().contains("truncated"), "{err}");
    assert!(matches!(
        Edid::parse(&good[..64]),
        Err(EdidError::Truncated { needed: 128, .. })
    ));
    assert!(Edid::parse(&[]).is_err());
    assert!(from_hex("00 ff zz").is_err());
}

/// Any truncation and any byte changed, checksums repaired so the parser reads deep into
/// the damage: an answer every time, never a panic.
#[test]
fn no_damage_makes_the_parser_panic() {
    for name in ["dell-u2415", "lg-tv-sscr2", "benq-pj"] {
        let good = fixture(name);
        for len in 0..good.len() {
            let _ = Edid::parse(&good[..len]);
        }
        for at in 0..good.len() {
            for value in [0x00, 0x01, 0x1F, 0x7F, 0x80, 0xFF] {
                let mut bytes = good.clone();
                bytes[at] = value;
                let block = at / BLOCK * BLOCK;
                let sum = bytes[block..block + 127]
                    .iter()
                    .fold(0u8, |s, b| s.wrapping_add(*b));
                bytes[block + 127] = sum.wrapping_neg();
                let _ = Edid::parse(&bytes);
            }
        }
    }
}
