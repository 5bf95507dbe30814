// Package model holds the domain types that flow through the pipeline:
// the snapshot's tables (Provider, Order, Ticket, …), the table schemas the
// loader checks, civil dates and instants, money in fen, and the results of
// evaluation (Finding, Notice, Rating). It imports nothing of ours.
package model
