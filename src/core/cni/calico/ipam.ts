// Calico IPAM as the data path sees it: the IP pool, each node's affine /26 blocks and its tunnel
// address. A dump states them (projectcalico.org/* node annotations, IPPool objects: see
// cluster/reader.ts); for the built-in cluster they are derived here from the pods' addresses:
// the pool is the cluster CIDR (CALICO_IPV4POOL_CIDR, as kubeadm users set it), blockSize 26, and
// each node owns the blocks its pods' addresses fall in. Calico's IPAM hands out the lowest free
// address of a block, so the tunnel address (allocated first) is the block's first address, as
// real node annotations show (e.g. projectcalico.org/IPv4VXLANTunnelAddr: 10.233.72.128).

import type { CalicoNetworkModel, CalicoNodeModel, CalicoPoolModel, ClusterModel, NodeModel } from '../../cluster/model.js';
import { memoByObject } from '../../memo.js';
import { cidrContains, cidrHost, cidrNetwork } from '../../net/ipv4.js';

export const DEFAULT_BLOCK_SIZE = 26;

function blockOf(ip: string, blockSize: number): string {
  return `${cidrNetwork(`${ip}/${blockSize}`)}/${blockSize}`;
}

/** The pool the built-in cluster assumes, with the encapsulation of the chosen mode. */
export function defaultPool(cluster: ClusterModel): CalicoPoolModel {
  const cni = cluster.network.cni;
  return {
    name: 'default-ipv4-ippool',
    cidr: cluster.network.podNetwork,
    blockSize: DEFAULT_BLOCK_SIZE,
    ipipMode: cni === 'calico-ipip' ? 'Always' : 'Never',
    vxlanMode: cni === 'calico-vxlan' ? 'Always' : 'Never',
    natOutgoing: true,
  };
}

function derive(cluster: ClusterModel): CalicoNetworkModel {
  const pool = defaultPool(cluster);
  const nodes: Record<string, CalicoNodeModel> = {};
  for (const node of cluster.nodes) {
    const ips = cluster.pods.filter((p) => p.nodeName === node.name && !p.hostNetwork && p.ip !== null).map((p) => p.ip!);
    const blocks = [...new Set(ips.map((ip) => blockOf(ip, pool.blockSize)))].sort();
    // A node with no pods yet still gets a block: the first /26 of its podCIDR.
    if (blocks.length === 0) blocks.push(blockOf(cidrNetwork(node.podCIDR), pool.blockSize));
    // The tunnel address is the lowest address of the node's blocks that no pod holds.
    const used = new Set(ips);
    let tunnel = cidrNetwork(blocks[0]!);
    for (let n = 0; used.has(tunnel) && n < 64; n++) tunnel = cidrHost(blocks[0]!, n + 1);
    nodes[node.name] = {
      address: node.internalIP,
      ipipTunnelAddr: cluster.network.cni === 'calico-ipip' ? tunnel : null,
      vxlanTunnelAddr: cluster.network.cni === 'calico-vxlan' ? tunnel : null,
      blocks,
    };
  }
  return { pools: [pool], nodes };
}

/** Calico's view of the cluster (memoised per cluster object). */
export const calicoOf = memoByObject((cluster: ClusterModel): CalicoNetworkModel => cluster.network.calico ?? derive(cluster));

export function calicoNode(cluster: ClusterModel, node: NodeModel): CalicoNodeModel {
  const n = calicoOf(cluster).nodes[node.name];
  if (n === undefined) throw new Error(`no Calico data for node ${node.name}`);
  return n;
}

/** The tunnel address of the node in the cluster's mode (tunl0's or vxlan.calico's), or null (BGP). */
export function tunnelAddress(cluster: ClusterModel, node: NodeModel): string | null {
  const n = calicoNode(cluster, node);
  if (cluster.network.cni === 'calico-ipip') return n.ipipTunnelAddr;
  if (cluster.network.cni === 'calico-vxlan') return n.vxlanTunnelAddr;
  return null;
}

/** The pool an address belongs to, or null. */
export function poolOf(cluster: ClusterModel, ip: string): CalicoPoolModel | null {
  return calicoOf(cluster).pools.find((p) => cidrContains(p.cidr, ip)) ?? null;
}

/** ipset cali40masq-ipam-pools (pools with natOutgoing) and cali40all-ipam-pools (every pool). */
export function ipsetMembers(cluster: ClusterModel, set: string): readonly string[] | null {
  const pools = calicoOf(cluster).pools;
  if (set === 'cali40masq-ipam-pools') return pools.filter((p) => p.natOutgoing).map((p) => p.cidr);
  if (set === 'cali40all-ipam-pools') return pools.map((p) => p.cidr);
  if (set === 'cali40all-hosts-net' || set === 'cali40all-vxlan-net') return cluster.nodes.map((n) => `${n.internalIP}/32`);
  return null;
}

/** What the tour assumed for the built-in cluster under Calico, in one sentence. */
export function calicoAssumption(cluster: ClusterModel): string | null {
  if (cluster.network.calico !== undefined) return null;
  const c = calicoOf(cluster);
  const pool = c.pools[0]!;
  const blocks = cluster.nodes.map((n) => `${n.name} ${c.nodes[n.name]!.blocks.join(', ')}`).join('; ');
  const tunnel = cluster.network.cni === 'calico-bgp' ? '' : ` Each node's ${cluster.network.cni === 'calico-ipip' ? 'tunl0' : 'vxlan.calico'} address is its block's first address, the first one Calico's IPAM hands out.`;
  return `Calico on the built-in cluster keeps the pods' addresses: one IP pool ${pool.cidr} (CALICO_IPV4POOL_CIDR set to the cluster CIDR, as kubeadm users do; Calico's own default would be 192.168.0.0/16), blockSize ${pool.blockSize}, natOutgoing true, ipipMode ${pool.ipipMode}, vxlanMode ${pool.vxlanMode}; each node owns the /${pool.blockSize} block its pods' addresses fall in (${blocks}).${tunnel}`;
}
