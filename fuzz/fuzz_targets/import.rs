//! The community price maps (all four formats) from arbitrary JSON: never a
//! panic; an error only leaves the catalogue as it was; every model added or
//! updated validates again and every name in the catalogue still resolves
//! to the model that has it; with the bundled figures preferred, no bundled
//! model changes; where nothing was added or updated, nothing changed.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use tokenmeter::catalogue::import::{Format, ImportOptions, Prefer};
use tokenmeter::catalogue::RawModel;
use tokenmeter::Catalogue;

const FORMATS: [Format; 4] = [
    Format::LiteLlm,
    Format::OpenRouter,
    Format::GenaiPrices,
    Format::ModelsDev,
];

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let bundled = Catalogue::bundled();
    let profiles: BTreeMap<_, _> = bundled.estimates().map(|p| (p.name.clone(), p.clone())).collect();
    for format in FORMATS {
        for prefer in [Prefer::Bundled, Prefer::Imported] {
            let mut c = bundled.clone();
            let Ok(report) = c.import(&value, &ImportOptions { format, prefer }) else {
                assert_eq!(c.models(), bundled.models());
                continue;
            };
            if report.added.is_empty() && report.updated.is_empty() {
                assert_eq!(c.models(), bundled.models());
            }
            if prefer == Prefer::Bundled {
                assert!(report.updated.is_empty());
                for m in bundled.models() {
                    assert_eq!(c.model(&m.id).unwrap(), m);
                }
            }
            for id in report.added.iter().chain(&report.updated) {
                let m = c.model(id).unwrap();
                assert_eq!(&m.id, id);
                let raw = RawModel::of(m, "active");
                let raw: RawModel = serde_json::from_value(serde_json::to_value(&raw).unwrap()).unwrap();
                let again = raw.validate(&m.provider, "again", &profiles).unwrap();
                assert_eq!(again.prices, m.prices);
                assert_eq!(again.price_history, m.price_history);
            }
            for m in c.models() {
                for name in std::iter::once(&m.id).chain(&m.aliases).chain(&m.snapshots) {
                    assert_eq!(c.get(name).map(|n| &n.id), Some(&m.id), "{name}");
                }
            }
        }
    }
});
