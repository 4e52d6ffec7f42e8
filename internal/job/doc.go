// Package job is the job document of a distributed export: a per-task
// COPY planned once (kq plan, Engine.PlanExport) and then run as
// independent tasks by any number of processes — a Kubernetes Indexed
// Job, another job-array scheduler, Temporal workers — and committed by
// one (kq task commit, the workflow's last step).
//
// A Document holds what every task needs to write exactly the part a
// local export would: the statement, the destination, the resolved
// tasks with their deterministic part names, the JSON fields the
// planner inferred, and, for an incremental export, the run it commits.
// It holds no secret: SASL and Schema Registry passwords, cloud
// credentials and TLS keys come, where the task runs, from that
// process's own flags, environment and files (a query cannot carry a
// password: kafka.* takes none).
//
// The operations on a document are the runner's (internal/runner's
// PlanJob, RunJobTask, CommitJob), which share one code path with a local
// per-task export.
package job
