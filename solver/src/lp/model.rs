//! The model type and its solve through `good_lp`.

use good_lp::{variable, Expression, ProblemVariables, ResolutionError, Solution, SolverModel};

/// Optimisation direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    /// Minimise the objective.
    Minimise,
    /// Maximise the objective.
    Maximise,
}

/// Row relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// `≤`
    Le,
    /// `≥`
    Ge,
    /// `=`
    Eq,
}

/// Index of a variable in its model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VarId(pub usize);

/// A decision variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// Name (unique, no spaces) used in exports.
    pub name: String,
    /// Lower bound (may be `-inf`).
    pub lower: f64,
    /// Upper bound (may be `inf`).
    pub upper: f64,
    /// Objective coefficient.
    pub cost: f64,
    /// Integrality.
    pub integer: bool,
}

/// A linear row `Σ coef · var  rel  rhs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    /// Name (unique, no spaces) used in exports.
    pub name: String,
    /// Terms.
    pub terms: Vec<(VarId, f64)>,
    /// Relation.
    pub relation: Relation,
    /// Right-hand side.
    pub rhs: f64,
}

/// A linear or mixed-integer model.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    /// Model name.
    pub name: String,
    /// Direction.
    pub sense: Sense,
    /// Variables.
    pub vars: Vec<Variable>,
    /// Rows.
    pub constraints: Vec<Constraint>,
}

/// Why a model has no optimal solution.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LpError {
    /// No point satisfies the rows and bounds.
    #[error("model `{0}` is infeasible")]
    Infeasible(String),
    /// The objective is unbounded.
    #[error("model `{0}` is unbounded")]
    Unbounded(String),
    /// The backend failed.
    #[error("model `{model}`: solver failure: {message}")]
    Backend {
        /// Model name.
        model: String,
        /// The backend's message.
        message: String,
    },
}

/// An optimal point.
#[derive(Debug, Clone, PartialEq)]
pub struct LpSolution {
    /// Objective value.
    pub objective: f64,
    /// Value of each variable, by `VarId`.
    pub values: Vec<f64>,
}

impl LinearModel {
    /// An empty model.
    pub fn new(name: &str, sense: Sense) -> Self {
        Self {
            name: name.to_string(),
            sense,
            vars: Vec::new(),
            constraints: Vec::new(),
        }
    }

    /// Adds a continuous variable.
    pub fn add_var(&mut self, name: &str, lower: f64, upper: f64, cost: f64) -> VarId {
        self.vars.push(Variable {
            name: name.to_string(),
            lower,
            upper,
            cost,
            integer: false,
        });
        VarId(self.vars.len() - 1)
    }

    /// Adds an integer variable.
    pub fn add_int_var(&mut self, name: &str, lower: f64, upper: f64, cost: f64) -> VarId {
        let v = self.add_var(name, lower, upper, cost);
        self.vars[v.0].integer = true;
        v
    }

    /// Adds a row.
    pub fn add_constraint(
        &mut self,
        name: &str,
        terms: Vec<(VarId, f64)>,
        relation: Relation,
        rhs: f64,
    ) {
        self.constraints.push(Constraint {
            name: name.to_string(),
            terms,
            relation,
            rhs,
        });
    }

    /// Objective value of a point.
    pub fn objective_of(&self, values: &[f64]) -> f64 {
        self.vars.iter().zip(values).map(|(v, x)| v.cost * x).sum()
    }

    /// Solves with `good_lp`'s microlp backend (HiGHS with the `highs` feature).
    pub fn solve(&self) -> Result<LpSolution, LpError> {
        if self.vars.is_empty() {
            // Backends differ on empty models (HiGHS refuses them): decide here.
            let holds = |c: &Constraint| match c.relation {
                Relation::Le => 0.0 <= c.rhs,
                Relation::Ge => 0.0 >= c.rhs,
                Relation::Eq => c.rhs == 0.0,
            };
            return if self.constraints.iter().all(holds) {
                Ok(LpSolution {
                    objective: 0.0,
                    values: Vec::new(),
                })
            } else {
                Err(LpError::Infeasible(self.name.clone()))
            };
        }
        let mut pv = ProblemVariables::new();
        let vars: Vec<good_lp::Variable> = self
            .vars
            .iter()
            .map(|v| {
                let mut d = variable().name(v.name.clone());
                if v.lower.is_finite() {
                    d = d.min(v.lower);
                }
                if v.upper.is_finite() {
                    d = d.max(v.upper);
                }
                if v.integer {
                    d = d.integer();
                }
                pv.add(d)
            })
            .collect();
        let objective: Expression = self.vars.iter().zip(&vars).map(|(v, &x)| v.cost * x).sum();
        let unsolved = match self.sense {
            Sense::Minimise => pv.minimise(objective),
            Sense::Maximise => pv.maximise(objective),
        };
        #[cfg(not(feature = "highs"))]
        let mut problem = unsolved.using(good_lp::microlp);
        #[cfg(feature = "highs")]
        let mut problem = unsolved.using(good_lp::highs);
        for c in &self.constraints {
            let lhs: Expression = c.terms.iter().map(|&(v, a)| a * vars[v.0]).sum();
            problem = problem.with(match c.relation {
                Relation::Le => lhs.leq(c.rhs),
                Relation::Ge => lhs.geq(c.rhs),
                Relation::Eq => lhs.eq(c.rhs),
            });
        }
        match problem.solve() {
            Ok(sol) => {
                let values: Vec<f64> = vars.iter().map(|&v| sol.value(v)).collect();
                Ok(LpSolution {
                    objective: self.objective_of(&values),
                    values,
                })
            }
            Err(ResolutionError::Infeasible) => Err(LpError::Infeasible(self.name.clone())),
            Err(ResolutionError::Unbounded) => Err(LpError::Unbounded(self.name.clone())),
            Err(e) => Err(LpError::Backend {
                model: self.name.clone(),
                message: e.to_string(),
            }),
        }
    }
}
