//! Image input tokens: OpenAI's vision pricing rules per model family, from
//! `data/vision.json`.

use std::sync::OnceLock;

use serde::Deserialize;

use super::Detail;

#[derive(Deserialize)]
struct VisionFile {
    default: VisionRule,
    rules: Vec<VisionRule>,
}

#[derive(Clone, Deserialize)]
#[serde(tag = "method", rename_all = "lowercase")]
enum VisionRule {
    Tiles {
        #[serde(default)]
        prefix: String,
        base: u64,
        tile: u64,
    },
    Patches {
        #[serde(default)]
        prefix: String,
        multiplier: f64,
    },
}

impl VisionRule {
    fn prefix(&self) -> &str {
        match self {
            VisionRule::Tiles { prefix, .. } | VisionRule::Patches { prefix, .. } => prefix,
        }
    }
}

fn vision_rule(model: &str) -> VisionRule {
    static FILE: OnceLock<Option<VisionFile>> = OnceLock::new();
    let fallback = VisionRule::Tiles {
        prefix: String::new(),
        base: 85,
        tile: 170,
    };
    let Some(file) = FILE
        .get_or_init(|| serde_json::from_str(include_str!("../../data/vision.json")).ok())
        .as_ref()
    else {
        return fallback;
    };
    file.rules
        .iter()
        .filter(|r| model.starts_with(r.prefix()))
        .max_by_key(|r| r.prefix().len())
        .unwrap_or(&file.default)
        .clone()
}

/// Input tokens of one image for `model`.
pub fn image_tokens(model: &str, detail: Detail, width: Option<u32>, height: Option<u32>) -> u64 {
    match vision_rule(model) {
        VisionRule::Tiles { base, tile, .. } => {
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
        VisionRule::Patches { multiplier, .. } => {
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
