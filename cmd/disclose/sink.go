package main

import "github.com/disclose-project/disclose/pipeline/model"

// nopSink discards the used rows: validate only counts.
type nopSink struct{}

func (nopSink) Reference(*model.Reference)         {}
func (nopSink) Order(*model.Order)                 {}
func (nopSink) Ticket(*model.Ticket, *model.Order) {}
func (nopSink) Complaint(*model.Complaint)         {}
func (nopSink) Decision(*model.Decision)           {}
func (nopSink) Appeal(*model.Appeal)               {}
func (nopSink) Check(*model.Check)                 {}
func (nopSink) GMV(*model.GMV)                     {}
