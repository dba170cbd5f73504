package bus

import (
	"go.uber.org/zap"

	"github.com/rcnode/rcnode/gossip"
)

// gossipLog sends the state machine's lines to the node's logger, with Redis's levels as
// node/log.go maps them: debug and verbose to Debug, notice to Info, warning to Warn.
func gossipLog(log *zap.SugaredLogger) func(gossip.Level, string) {
	return func(level gossip.Level, msg string) {
		switch level {
		case gossip.LevelDebug, gossip.LevelVerbose:
			log.Debug(msg)
		case gossip.LevelNotice:
			log.Info(msg)
		default:
			log.Warn(msg)
		}
	}
}
