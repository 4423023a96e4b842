//! Facilities: warehouses holding stock and trucks, shelters holding people.

mod shelter;
mod warehouse;

pub use shelter::{PriorityPeople, Shelter, M2_PER_PERSON};
pub use warehouse::{Fleet, Tier, Warehouse};
