// Package rules enforces the rule book on a validated snapshot. An
// Evaluator is the validator's Sink: it keeps per-provider figures as the
// large tables stream by (memory grows with providers, not orders), and
// Finish turns them into findings (rate breaches, points levels, inactivity
// clearances, staff decisions) with the facts behind each.
package rules
