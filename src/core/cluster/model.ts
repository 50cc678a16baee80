// The cluster model every part of the core reads. Plain, readonly, JSON-serialisable data.

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type ProxyMode = 'iptables' | 'ipvs';
export type CniKind =
  | 'bridge'
  | 'flannel-vxlan'
  | 'flannel-host-gw'
  | 'calico-bgp'
  | 'calico-ipip'
  | 'calico-vxlan';

export interface NodeModel {
  readonly name: string;
  /** status.addresses[type=InternalIP]; Flannel's public-ip when it is annotated. */
  readonly internalIP: string;
  /** spec.podCIDR, e.g. 10.244.1.0/24 (Flannel's lease). */
  readonly podCIDR: string;
  /** The node's uplink (eth0) MAC. Not in any kubectl output, so always generated. */
  readonly eth0Mac: string;
  /** cni0's MAC (the bridge plugin keeps it fixed). Generated. */
  readonly bridgeMac: string;
  /** flannel.1's MAC: flannel.alpha.coreos.com/backend-data VtepMAC when present. */
  readonly vtepMac: string;
}

export interface PodModel {
  readonly namespace: string;
  readonly name: string;
  /** status.podIP; null for a pod that has none yet (Pending). */
  readonly ip: string | null;
  readonly nodeName: string;
  readonly hostNetwork: boolean;
  readonly labels: Readonly<Record<string, string>>;
  /** The pod's eth0 MAC. Generated. */
  readonly mac: string;
  /** The host side of the pod's veth pair ("veth" + 8 hex, as the bridge plugin names it). Generated. */
  readonly hostVeth: string;
  /** Named container ports, for Services whose targetPort is a name. */
  readonly containerPorts: readonly { readonly name: string | null; readonly port: number; readonly protocol: Protocol }[];
}

export interface ServicePortModel {
  /** Port name; null when the Service's only port is unnamed. */
  readonly name: string | null;
  readonly port: number;
  readonly protocol: Protocol;
  /** A number, or the name of a container port. */
  readonly targetPort: number | string;
  readonly nodePort: number | null;
}

export interface ServiceModel {
  readonly namespace: string;
  readonly name: string;
  readonly type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  /** "None" for a headless Service. */
  readonly clusterIP: string;
  readonly ports: readonly ServicePortModel[];
  readonly selector: Readonly<Record<string, string>> | null;
  readonly sessionAffinity: 'None' | 'ClientIP';
  /**
   * sessionAffinityConfig.clientIP.timeoutSeconds: how long a client sticks to its endpoint (the API
   * server defaults it to 10800 for ClientIP affinity). Absent: the default.
   */
  readonly affinityTimeoutSeconds?: number;
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
  readonly internalTrafficPolicy: 'Cluster' | 'Local';
}

export interface EndpointModel {
  readonly ip: string;
  readonly nodeName: string | null;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  /** targetRef: the pod this endpoint belongs to, as "ns/name". */
  readonly pod: string | null;
  readonly hostname: string | null;
}

export interface EndpointSliceModel {
  readonly namespace: string;
  readonly name: string;
  /** The kubernetes.io/service-name label. */
  readonly serviceName: string;
  readonly addressType: 'IPv4' | 'IPv6' | 'FQDN';
  readonly ports: readonly { readonly name: string | null; readonly port: number; readonly protocol: Protocol }[];
  readonly endpoints: readonly EndpointModel[];
}

export interface ProxyConfigModel {
  readonly mode: ProxyMode;
  /** kube-proxy's clusterCIDR (local-traffic detector); null when it is not set. */
  readonly clusterCIDR: string | null;
  readonly masqueradeAll: boolean;
  /** The masquerade mark bit (default 14, mark 0x4000). */
  readonly masqueradeBit: number;
  /** Whether the node's iptables supports MASQUERADE --random-fully (real nodes do). */
  readonly randomFully: boolean;
}

export interface NetworkConfigModel {
  readonly cni: CniKind;
  /** The pod network, e.g. Flannel's net-conf "Network" 10.244.0.0/16. */
  readonly podNetwork: string;
  readonly serviceCIDR: string;
  /** VXLAN parameters (Flannel: VNI 1, UDP 8472 on Linux). */
  readonly vxlan: { readonly vni: number; readonly port: number };
  /** The underlay (eth0) MTU; overlay devices take their overhead from it. */
  readonly underlayMtu: number;
  /**
   * What the node network really carries between the nodes when it is less than eth0's MTU (a
   * misconfigured underlay: the vxlan-mtu failure scenario). Absent: the same as underlayMtu.
   */
  readonly underlayPathMtu?: number;
  /** net.bridge.bridge-nf-call-iptables: bridged frames traverse iptables. */
  readonly brNetfilter: boolean;
  /** flanneld --ip-masq (FLANNEL-POSTRTG rules). */
  readonly flannelIpMasq: boolean;
  /**
   * Calico's IP pool, blocks and tunnel addresses, as a dump states them (node annotations, IPPool
   * objects). Absent: derived from the pods (src/core/cni/calico/ipam.ts), with an assumption.
   */
  readonly calico?: CalicoNetworkModel;
}

/** crd.projectcalico.org/v1 IPPool spec fields the data path depends on. */
export interface CalicoPoolModel {
  readonly name: string;
  readonly cidr: string;
  readonly blockSize: number;
  readonly ipipMode: 'Always' | 'CrossSubnet' | 'Never';
  readonly vxlanMode: 'Always' | 'CrossSubnet' | 'Never';
  readonly natOutgoing: boolean;
}

export interface CalicoNodeModel {
  /** projectcalico.org/IPv4Address without its prefix length. */
  readonly address: string | null;
  /** projectcalico.org/IPv4IPIPTunnelAddr: tunl0's address. */
  readonly ipipTunnelAddr: string | null;
  /** projectcalico.org/IPv4VXLANTunnelAddr: vxlan.calico's address. */
  readonly vxlanTunnelAddr: string | null;
  /** The node's affine /26 blocks (from the pods' addresses and the tunnel address). */
  readonly blocks: readonly string[];
}

export interface CalicoNetworkModel {
  readonly pools: readonly CalicoPoolModel[];
  readonly nodes: Readonly<Record<string, CalicoNodeModel>>;
}

/** networking.k8s.io/v1 NetworkPolicy, the parts the tour evaluates. */
export interface NetworkPolicyPeerModel {
  /** podSelector.matchLabels; null when the peer has no podSelector. */
  readonly podSelector: Readonly<Record<string, string>> | null;
  /** namespaceSelector.matchLabels; null when the peer has none (the policy's own namespace). */
  readonly namespaceSelector: Readonly<Record<string, string>> | null;
  readonly ipBlock: string | null;
}

export interface NetworkPolicyRuleModel {
  /** Empty: from anywhere. */
  readonly from: readonly NetworkPolicyPeerModel[];
  /** Empty: every port. */
  readonly ports: readonly { readonly protocol: Protocol; readonly port: number | string | null }[];
}

export interface NetworkPolicyModel {
  readonly namespace: string;
  readonly name: string;
  /** spec.podSelector.matchLabels ({} selects every pod of the namespace). */
  readonly podSelector: Readonly<Record<string, string>>;
  readonly policyTypes: readonly ('Ingress' | 'Egress')[];
  readonly ingress: readonly NetworkPolicyRuleModel[];
}

export interface DnsConfigModel {
  readonly clusterDomain: string;
  /** kube-system/kube-dns ClusterIP, written to every pod's resolv.conf. */
  readonly nameserver: string;
  /** Search domains the node adds after the cluster's three (from the node's /etc/resolv.conf). */
  readonly nodeSearch: readonly string[];
  readonly ndots: number;
}

export interface ClusterModel {
  readonly nodes: readonly NodeModel[];
  readonly pods: readonly PodModel[];
  readonly services: readonly ServiceModel[];
  readonly endpointSlices: readonly EndpointSliceModel[];
  readonly proxy: ProxyConfigModel;
  readonly network: NetworkConfigModel;
  readonly dns: DnsConfigModel;
  /** networking.k8s.io/v1 NetworkPolicies (enforced by Calico; Flannel enforces none). Absent: none. */
  readonly networkPolicies?: readonly NetworkPolicyModel[];
  /** What the source (a dump) lacked and was defaulted, in one sentence each. Shown with every trace. */
  readonly assumptions: readonly string[];
  /** Where the cluster came from: "built-in" or the dump's file name. */
  readonly source: string;
}
