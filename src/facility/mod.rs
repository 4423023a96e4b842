//! Facilities: warehouses holding stock and trucks, shelters holding people,
//! candidate sites for new warehouses.

mod candidate;
pub mod index;
mod shelter;
mod warehouse;

pub use candidate::{Candidate, CandidateFleet};
pub use index::{ItemIx, ShelterIx, WarehouseIx};
pub use shelter::{PriorityPeople, Shelter, M2_PER_PERSON};
pub use warehouse::{Fleet, Tier, Warehouse};
