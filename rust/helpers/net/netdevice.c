// SPDX-License-Identifier: GPL-2.0

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <net/netdev_lock.h>

#ifdef CONFIG_RUST_NETDEV_ABSTRACTIONS

__rust_helper struct net *rust_helper_dev_net(const struct net_device *dev)
{
	return dev_net(dev);
}

__rust_helper void rust_helper_netdev_hold(struct net_device *dev,
					   netdevice_tracker *tracker,
					   gfp_t gfp)
{
	netdev_hold(dev, tracker, gfp);
}

__rust_helper void rust_helper_netdev_put(struct net_device *dev,
					  netdevice_tracker *tracker)
{
	netdev_put(dev, tracker);
}

__rust_helper void rust_helper_dev_sw_netstats_tx_add(struct net_device *dev,
						      unsigned int packets,
						      unsigned int len)
{
	dev_sw_netstats_tx_add(dev, packets, len);
}

__rust_helper void rust_helper_dev_sw_netstats_rx_add(struct net_device *dev,
						      unsigned int len)
{
	dev_sw_netstats_rx_add(dev, len);
}

__rust_helper void rust_helper_dev_core_stats_tx_dropped_inc(struct net_device *dev)
{
	dev_core_stats_tx_dropped_inc(dev);
}

__rust_helper void rust_helper_eth_hw_addr_random(struct net_device *dev)
{
	eth_hw_addr_random(dev);
}

__rust_helper bool rust_helper_is_valid_ether_addr(const u8 *addr)
{
	return is_valid_ether_addr(addr);
}

__rust_helper void
rust_helper___netdev_lockdep_set_classes(struct net_device *dev,
					 struct netdev_lockdep_keys *keys)
{
	__netdev_lockdep_set_classes(dev, keys);
}

__rust_helper void rust_helper_netdev_lock(struct net_device *dev)
{
	netdev_lock(dev);
}

__rust_helper void rust_helper_netdev_unlock(struct net_device *dev)
{
	netdev_unlock(dev);
}

__rust_helper void rust_helper_netdev_lock_ops(struct net_device *dev)
{
	netdev_lock_ops(dev);
}

__rust_helper void rust_helper_netdev_unlock_ops(struct net_device *dev)
{
	netdev_unlock_ops(dev);
}

__rust_helper struct net_device *
rust_helper_netdev_notifier_info_to_dev(const struct netdev_notifier_info *info)
{
	return netdev_notifier_info_to_dev(info);
}

#endif
