package node

import (
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Log levels named as redis.conf's loglevel names them.
var logLevels = map[string]zapcore.Level{
	"debug":   zapcore.DebugLevel,
	"verbose": zapcore.DebugLevel,
	"notice":  zapcore.InfoLevel,
	"warning": zapcore.WarnLevel,
}

// newLogger builds a zap logger whose lines look like redis-server's
// ("pid:R dd Mon yyyy hh:mm:ss.mmm * message"), so operators' log habits and tooling carry
// over. role is read at every line: 'C' while starting, 'M' for a master, 'S' for a replica.
func newLogger(path string, level string, role *atomic.Int32) (*zap.SugaredLogger, zap.AtomicLevel, error) {
	lvl := zap.NewAtomicLevelAt(zapcore.InfoLevel)
	if l, ok := logLevels[level]; ok {
		lvl.SetLevel(l)
	}
	out := zapcore.Lock(os.Stdout)
	if path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, lvl, err
		}
		out = zapcore.Lock(f)
	}
	pid := strconv.Itoa(os.Getpid())
	enc := zapcore.NewConsoleEncoder(zapcore.EncoderConfig{
		TimeKey:          "t",
		LevelKey:         "l",
		MessageKey:       "m",
		ConsoleSeparator: " ",
		EncodeTime: func(t time.Time, pe zapcore.PrimitiveArrayEncoder) {
			pe.AppendString(pid + ":" + string(rune(role.Load())) + " " + t.Format("02 Jan 2006 15:04:05.000"))
		},
		EncodeLevel: func(l zapcore.Level, pe zapcore.PrimitiveArrayEncoder) {
			switch {
			case l < zapcore.InfoLevel:
				pe.AppendString(".")
			case l == zapcore.InfoLevel:
				pe.AppendString("*")
			default:
				pe.AppendString("#")
			}
		},
	})
	return zap.New(zapcore.NewCore(enc, out, lvl)).Sugar(), lvl, nil
}
