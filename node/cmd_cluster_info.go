package node

import (
	"strconv"
	"strings"

	"github.com/rcnode/rcnode/gossip"
	"github.com/rcnode/rcnode/gossip/wire"
)

func init() { register("cluster|info", cmdClusterInfo) }

func cmdClusterInfo(c *Client, args [][]byte) {
	var info gossip.Info
	if c.clusterDo(func(cl *gossip.Cluster) { info = cl.Info() }) {
		c.w.Verbatim(clusterInfoText(&info, uint64(c.srv.bus.LinksBufferLimitExceeded())), "txt")
	}
}

// clusterInfoText is CLUSTER INFO's text, in Redis's order: the state and slot figures,
// then the bus messages sent and received by type (types never seen are left out), then
// how many links were dropped for their send buffer.
func clusterInfoText(in *gossip.Info, exceeded uint64) string {
	var b strings.Builder
	state := "fail"
	if in.StateOK {
		state = "ok"
	}
	line := func(name string, v uint64) {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(strconv.FormatUint(v, 10))
		b.WriteString("\r\n")
	}
	b.WriteString("cluster_state:" + state + "\r\n")
	line("cluster_slots_assigned", uint64(in.SlotsAssigned))
	line("cluster_slots_ok", uint64(in.SlotsOK))
	line("cluster_slots_pfail", uint64(in.SlotsPFail))
	line("cluster_slots_fail", uint64(in.SlotsFail))
	line("cluster_known_nodes", uint64(in.KnownNodes))
	line("cluster_size", uint64(in.Size))
	line("cluster_current_epoch", in.CurrentEpoch)
	line("cluster_my_epoch", in.MyEpoch)
	for _, dir := range []struct {
		name   string
		counts *[wire.TypeCount]uint64
	}{{"sent", &in.Sent}, {"received", &in.Received}} {
		var total uint64
		for t, n := range dir.counts {
			if n == 0 {
				continue
			}
			total += n
			line("cluster_stats_messages_"+wire.Type(t).String()+"_"+dir.name, n)
		}
		line("cluster_stats_messages_"+dir.name, total)
	}
	line("total_cluster_links_buffer_limit_exceeded", exceeded)
	return b.String()
}
