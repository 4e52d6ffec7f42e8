package driver

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
)

// Name is the name the driver is registered under: sql.Open(Name, dsn).
const Name = "kq"

func init() {
	// A database/sql driver registers itself when imported; that is how
	// sql.Open finds it.
	sql.Register(Name, Driver{})
}

// Driver is kq's database/sql driver. Its zero value is ready; it is
// registered as "kq".
type Driver struct{}

// Open returns a connection for dsn (see ParseDSN) with an engine of its
// own. database/sql calls OpenConnector instead, so that the connections
// of one sql.DB share an engine.
func (Driver) Open(dsn string) (sqldriver.Conn, error) {
	c, err := Driver{}.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	cn, err := c.Connect(context.Background())
	if err != nil {
		_ = c.(*Connector).Close()
		return nil, err
	}
	cn.(*conn).owns = c.(*Connector)
	return cn, nil
}

// OpenConnector parses dsn (see ParseDSN) and opens the engine every
// connection of the sql.DB shares.
func (Driver) OpenConnector(dsn string) (sqldriver.Connector, error) {
	opts, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	return NewConnector(opts...)
}

var (
	_ sqldriver.Driver        = Driver{}
	_ sqldriver.DriverContext = Driver{}
)
