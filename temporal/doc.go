// Package temporal runs kq's per-task exports on Temporal
// (https://temporal.io): many worker processes, on any machines, each
// run export tasks, and Temporal retries a task whose worker died.
//
// An export is one workflow. Submit plans the COPY locally
// (kq.Engine.PlanJob), then starts the workflow with the job document as
// its input; the workflow runs every task as an activity (the task's
// document alone: kq.Job.Only) and, when all have succeeded, one commit
// activity that writes the manifest and, with groupId, commits the
// offsets (kq.Engine.CommitJob). Activities heartbeat with the task's
// progress; a worker killed mid-task misses its heartbeats, and the task
// runs again elsewhere, rewriting only its own deterministic part.
// Permanent failures (data loss under failOnDataLoss, credentials the
// cluster or the object store refuses, an error in the query) are
// non-retryable application errors: the workflow fails with that error
// and writes no manifest.
//
// Workers bring their own connection settings: NewWorker takes the
// worker's kq.Engine, opened with its brokers, SASL and Schema Registry
// credentials, and the cloud credentials of its environment. Nothing
// secret is in a workflow's input or history.
//
// This package links the Temporal SDK; package kq does not, so programs
// that do not scale out do not carry it.
package temporal
