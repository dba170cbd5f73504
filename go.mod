module github.com/rcnode/rcnode

go 1.24

require github.com/sigurn/crc16 v0.0.0-20211026045750-20ab5afb07e3

require (
	go.uber.org/multierr v1.10.0 // indirect
	go.uber.org/zap v1.28.0 // indirect
)
