module github.com/rcnode/rcnode

go 1.26.0

require (
	github.com/redis/go-redis/v9 v9.23.0
	github.com/sigurn/crc16 v0.0.0-20211026045750-20ab5afb07e3
	go.uber.org/zap v1.28.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	go.uber.org/atomic v1.12.0 // indirect
	go.uber.org/multierr v1.10.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
)
