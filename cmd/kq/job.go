package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/kq-sql/kq"
)

// planCmd is kq plan: a per-task export planned into a job document.
type planCmd struct {
	Out string `placeholder:"FILE" help:"Write the job document to FILE (whole or not at all); default stdout."`
	SQL string `arg:"" name:"query" help:"COPY (SELECT ... FROM kafka(...)) TO 'dir/' (PER_TASK true [, INCREMENTAL true] ...)."`
}

// taskCmd groups kq task run and kq task commit.
type taskCmd struct {
	Run    taskRunCmd    `cmd:"" help:"Run one task of a job document: write its part(s)."`
	Commit taskCommitCmd `cmd:"" help:"Write a job's manifest once every task's parts are there."`
}

type taskRunCmd struct {
	Job   string `required:"" placeholder:"FILE" help:"The job document (kq plan --out FILE)."`
	Index *int   `placeholder:"N" help:"The task to run, 0-based; default: the environment variable JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's)."`
}

type taskCommitCmd struct {
	Job string `required:"" placeholder:"FILE" help:"The job document (kq plan --out FILE)."`
}

// indexEnv is where a Kubernetes Indexed Job gives each pod its index.
const indexEnv = "JOB_COMPLETION_INDEX"

// readJob reads the job document at path.
func readJob(path string) (*kq.Job, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usageError{fmt.Errorf("--job: %w", err)}
	}
	return kq.ReadJob(b, path)
}

func (p *planCmd) run(ctx context.Context, s *session, stdout, stderr io.Writer) error {
	j, err := s.eng.PlanJob(ctx, p.SQL)
	if err != nil {
		return withCaret(p.SQL, err)
	}
	b, err := j.JSON()
	if err != nil {
		return err
	}
	if p.Out == "" {
		_, err = stdout.Write(b)
		return err
	}
	if err := writeFile(p.Out, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "job %s: %d tasks into %s, written to %s (run them with kq task run --job %s --index N, then kq task commit --job %s)\n",
		j.ID(), len(j.Tasks()), j.Destination(), p.Out, p.Out, p.Out)
	return nil
}

// index is the task to run: --index, else JOB_COMPLETION_INDEX.
func (t *taskRunCmd) index() (int, error) {
	if t.Index != nil {
		return *t.Index, nil
	}
	v, ok := os.LookupEnv(indexEnv)
	if !ok {
		return 0, usageError{errors.New("kq task run needs --index N (or the environment variable " + indexEnv + ")")}
	}
	i, err := strconv.Atoi(v)
	if err != nil {
		return 0, usageError{fmt.Errorf("%s=%q is not a task index", indexEnv, v)}
	}
	return i, nil
}

func (t *taskRunCmd) run(ctx context.Context, c *cli, s *session, stdout, stderr io.Writer) error {
	j, err := readJob(t.Job)
	if err != nil {
		return err
	}
	i, err := t.index()
	if err != nil {
		return err
	}
	if len(j.Tasks()) == 0 {
		return usageError{fmt.Errorf("job %s has no tasks: nothing new to export (kq task commit --job %s has nothing to write either)", j.ID(), t.Job)}
	}
	if i < 0 || i >= len(j.Tasks()) {
		return usageError{fmt.Errorf("job %s has tasks 0..%d, not %d", j.ID(), len(j.Tasks())-1, i)}
	}
	gen := s.bar.reset()
	res, err := s.eng.RunJobTask(kq.TrackProgress(ctx, s.bar.tracker(gen)), j, i)
	s.bar.reset()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "task %d of job %s: %s: %d rows in %d part(s)\n", i, j.ID(), j.Tasks()[i].Range, res.Rows, len(res.Files))
	return c.writeStats(stderr, res.Scan)
}

func (t *taskCommitCmd) run(ctx context.Context, c *cli, s *session, stdout, stderr io.Writer) error {
	j, err := readJob(t.Job)
	if err != nil {
		return err
	}
	res, err := s.eng.CommitJob(ctx, j)
	if err != nil {
		return err
	}
	manifest := "(nothing new: no manifest)"
	if n := len(res.Files); n > 0 {
		manifest = res.Files[n-1]
	}
	fmt.Fprintf(stdout, "job %s committed: %d rows in %d part(s), manifest %s\n", j.ID(), res.Rows, max(len(res.Files)-1, 0), manifest)
	return c.writeStats(stderr, res.Scan)
}

// runJobCommand runs kq plan, kq task run or kq task commit.
func (c *cli) runJobCommand(ctx context.Context, command string, stdout, stderr io.Writer) error {
	s, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer s.close()
	switch command {
	case "plan <query>":
		return c.Plan.run(ctx, s, stdout, stderr)
	case "task run":
		return c.Task.Run.run(ctx, c, s, stdout, stderr)
	case "task commit":
		return c.Task.Commit.run(ctx, c, s, stdout, stderr)
	}
	return fmt.Errorf("internal error: unknown command %q", command)
}
