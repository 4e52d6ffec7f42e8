package driver

import (
	"context"
	sqldriver "database/sql/driver"
	"errors"
	"sync"

	"github.com/kq-sql/kq"
)

// Connector makes the connections of a sql.DB, all over one kq.Engine.
// database/sql closes it with DB.Close, which closes the engine.
type Connector struct {
	eng *kq.Engine

	mu     sync.Mutex
	closed bool
}

// NewConnector opens a kq.Engine with opts (as kq.Open does; it does not
// contact Kafka yet) for use with sql.OpenDB:
//
//	c, err := driver.NewConnector(kq.WithBrokers("localhost:9092"), kq.WithSASL(...))
//	db := sql.OpenDB(c)
func NewConnector(opts ...kq.Option) (*Connector, error) {
	eng, err := kq.Open(opts...)
	if err != nil {
		return nil, err
	}
	return &Connector{eng: eng}, nil
}

// Connect returns a connection over the connector's engine.
func (c *Connector) Connect(ctx context.Context) (sqldriver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errors.New("kq: connector is closed")
	}
	return &conn{eng: c.eng}, nil
}

// Driver returns kq's Driver.
func (c *Connector) Driver() sqldriver.Driver { return Driver{} }

// Engine returns the engine the connections use, for what database/sql
// does not reach (Explain, Arrow results). The connector owns it.
func (c *Connector) Engine() *kq.Engine { return c.eng }

// Close closes the engine; database/sql calls it from DB.Close.
func (c *Connector) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	return c.eng.Close()
}

var _ sqldriver.Connector = (*Connector)(nil)
