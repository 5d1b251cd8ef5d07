//! Image input tokens: OpenAI's vision pricing rules per model family, from
//! `data/vision.json`.

use super::Detail;

include!(concat!(env!("OUT_DIR"), "/vision_rules.rs"));

/// How a family prices an image (build.rs writes `DEFAULT` and `RULES`,
/// each with its model-name prefix, from the data file).
#[derive(Clone, Copy)]
enum VisionRule {
    Tiles { base: u64, tile: u64 },
    Patches { multiplier: f64 },
}

/// The rule of the longest prefix of `model`, or the default.
fn vision_rule(model: &str) -> VisionRule {
    RULES
        .iter()
        .filter(|(prefix, _)| model.starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .unwrap_or(&DEFAULT)
        .1
}

/// Input tokens of one image for `model`.
pub fn image_tokens(model: &str, detail: Detail, width: Option<u32>, height: Option<u32>) -> u64 {
    match vision_rule(model) {
        VisionRule::Tiles { base, tile } => {
            if detail == Detail::Low {
                return base;
            }
            let tiles = match (width, height) {
                (Some(w), Some(h)) => {
                    let (mut w, mut h) = (f64::from(w), f64::from(h));
                    if w > 2048.0 || h > 2048.0 {
                        let s = 2048.0 / w.max(h);
                        w *= s;
                        h *= s;
                    }
                    if w.min(h) > 768.0 {
                        let s = 768.0 / w.min(h);
                        w *= s;
                        h *= s;
                    }
                    ((w / 512.0).ceil() * (h / 512.0).ceil()) as u64
                }
                // The largest image after the resize is 768 x 2048: 2 x 4 tiles.
                _ => 8,
            };
            base + tile * tiles
        }
        VisionRule::Patches { multiplier } => {
            let patches = match (width, height) {
                (Some(w), Some(h)) => {
                    let (w, h) = (f64::from(w), f64::from(h));
                    let raw = (w / 32.0).ceil() * (h / 32.0).ceil();
                    if raw <= 1536.0 {
                        raw
                    } else {
                        let shrink = (32.0 * 32.0 * 1536.0 / (w * h)).sqrt();
                        let adjust = ((w * shrink / 32.0).floor() / (w * shrink / 32.0))
                            .min((h * shrink / 32.0).floor() / (h * shrink / 32.0));
                        let s = shrink * adjust;
                        ((w * s / 32.0).ceil() * (h * s / 32.0).ceil()).min(1536.0)
                    }
                }
                _ => 1536.0,
            };
            (patches * multiplier).ceil() as u64
        }
    }
}
