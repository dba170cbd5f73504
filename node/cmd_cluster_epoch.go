package node

import (
	"errors"
	"strconv"
	"syscall"

	"github.com/rcnode/rcnode/clientproto"
	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/internal/numconv"
)

func init() {
	register("cluster|set-config-epoch", cmdClusterSetConfigEpoch)
	register("cluster|bumpepoch", cmdClusterBumpEpoch)
	register("cluster|saveconfig", cmdClusterSaveConfig)
}

func cmdClusterSetConfigEpoch(c *Client, args [][]byte) {
	if !c.requireCluster() {
		return
	}
	epoch, ok := numconv.ParseInt(args[2])
	if !ok {
		c.w.Error(clientproto.ErrNotInteger)
		return
	}
	if epoch < 0 {
		c.w.Error("ERR Invalid config epoch specified: " + strconv.FormatInt(epoch, 10))
		return
	}
	var err error
	if c.clusterDo(func(cl *gossip.Cluster) { err = cl.SetConfigEpoch(uint64(epoch)) }) {
		c.replyErrOrOK(err)
	}
}

// cmdClusterBumpEpoch replies +BUMPED <epoch>, or +STILL <epoch> when myself already has
// the greatest epoch and no other node shares it.
func cmdClusterBumpEpoch(c *Client, args [][]byte) {
	var (
		bumped bool
		epoch  uint64
	)
	if !c.clusterDo(func(cl *gossip.Cluster) { bumped, epoch = cl.BumpEpoch() }) {
		return
	}
	word := "STILL "
	if bumped {
		word = "BUMPED "
	}
	c.w.Simple(word + strconv.FormatUint(epoch, 10))
}

func cmdClusterSaveConfig(c *Client, args [][]byte) {
	var err error
	if !c.clusterDo(func(cl *gossip.Cluster) { err = c.srv.bus.SaveNow(cl) }) {
		return
	}
	if err != nil {
		c.w.Error("ERR error saving the cluster node config: " + strerror(err))
		return
	}
	c.w.OK()
}

// strerror gives a system error the wording of C's strerror ("Permission denied"), which
// Redis puts in its replies; Go's texts are the same but start in lower case.
func strerror(err error) string {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err.Error()
	}
	s := errno.Error()
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		s = string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
