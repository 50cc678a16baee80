// Readers for what a dump says about Calico: the projectcalico.org/* annotations Calico's node
// agent writes on each Node (calico-node's startup: IPv4Address, IPv4IPIPTunnelAddr,
// IPv4VXLANTunnelAddr), the cni.projectcalico.org/* annotations its CNI plugin writes on each pod
// (podIP, podIPs, containerID), IPPool objects (crd.projectcalico.org/v1, the CRD behind
// `kubectl get ippools`; projectcalico.org/v3 from the Calico API server) and
// networking.k8s.io/v1 NetworkPolicy objects.

import { cidrNetwork, isIPv4, parseCidr } from '../net/ipv4.js';
import type { Field } from './dump-fields.js';
import type { CalicoPoolModel, NetworkPolicyModel, NetworkPolicyPeerModel, NetworkPolicyRuleModel, Protocol } from './model.js';

export const CALICO_NODE = 'projectcalico.org/';
export const CALICO_POD = 'cni.projectcalico.org/';

export interface RawCalicoNode {
  /** Whether the node carries any projectcalico.org/ annotation. */
  readonly present: boolean;
  readonly address: string | null;
  readonly ipipTunnelAddr: string | null;
  readonly vxlanTunnelAddr: string | null;
}

/** "192.168.1.11/24" (an address with its prefix), as projectcalico.org/IPv4Address holds it. */
function addressWithPrefix(f: Field): string | null {
  const text = f.optString();
  if (text === null || text === '') return null;
  const [ip, prefix] = text.split('/');
  if (ip === undefined || !isIPv4(ip) || (prefix !== undefined && parseCidr(`${cidrNetwork(text)}/${prefix}`) === null)) {
    f.fail(`not an IPv4 address with a prefix length, such as 192.168.1.11/24: ${JSON.stringify(text)}`);
  }
  return ip;
}

export function readCalicoNode(obj: Field): RawCalicoNode {
  const annotations = obj.get('metadata').get('annotations');
  const map = annotations.optMap();
  const keys = map === null ? [] : Object.keys(map.value as Record<string, unknown>);
  return {
    present: keys.some((k) => k.startsWith(CALICO_NODE)),
    address: addressWithPrefix(annotations.get(`${CALICO_NODE}IPv4Address`)),
    ipipTunnelAddr: annotations.get(`${CALICO_NODE}IPv4IPIPTunnelAddr`).optIPv4(),
    vxlanTunnelAddr: annotations.get(`${CALICO_NODE}IPv4VXLANTunnelAddr`).optIPv4(),
  };
}

export interface RawCalicoPod {
  readonly present: boolean;
  /** cni.projectcalico.org/podIP without its /32. */
  readonly podIP: string | null;
  readonly podIPField: Field;
}

export function readCalicoPod(obj: Field): RawCalicoPod {
  const annotations = obj.get('metadata').get('annotations');
  const map = annotations.optMap();
  const keys = map === null ? [] : Object.keys(map.value as Record<string, unknown>);
  const field = annotations.get(`${CALICO_POD}podIP`);
  const text = field.optString();
  let podIP: string | null = null;
  if (text !== null && text !== '') {
    const [ip, prefix] = text.split('/');
    if (ip === undefined || !isIPv4(ip) || (prefix !== undefined && prefix !== '32')) field.fail(`not a pod address such as 10.244.1.10/32: ${JSON.stringify(text)}`);
    podIP = ip ?? null;
  }
  const ips = annotations.get(`${CALICO_POD}podIPs`).optString();
  if (ips !== null && ips !== '') {
    for (const one of ips.split(',')) {
      const ip = one.trim().split('/')[0] ?? '';
      if (!isIPv4(ip) && !ip.includes(':')) annotations.get(`${CALICO_POD}podIPs`).fail(`not a list of pod addresses: ${JSON.stringify(ips)}`);
    }
  }
  annotations.get(`${CALICO_POD}containerID`).optString();
  return { present: keys.some((k) => k.startsWith(CALICO_POD)), podIP, podIPField: field };
}

const MODES = ['Always', 'CrossSubnet', 'Never'] as const;

export function readIPPool(obj: Field): CalicoPoolModel | null {
  const name = obj.get('metadata').get('name').string();
  const spec = obj.get('spec');
  if (spec.optMap() === null) spec.fail('missing: an IPPool needs spec.cidr');
  const cidrField = spec.get('cidr');
  if (cidrField.absent) cidrField.fail('missing');
  const text = cidrField.optString() ?? '';
  if (text.includes(':')) return null; // an IPv6 pool: the tour follows IPv4 only
  const cidr = cidrField.optCidr() as string;
  const blockSize = spec.get('blockSize').optInt(20, 32, 'an IPv4 block size') ?? 26;
  const prefix = Number(cidr.split('/')[1]);
  if (blockSize < prefix) spec.get('blockSize').fail(`${blockSize} is shorter than the pool's own prefix /${prefix}`);
  const ipipMode = spec.get('ipipMode').oneOf(MODES, 'Never');
  const vxlanMode = spec.get('vxlanMode').oneOf(MODES, 'Never');
  if (ipipMode !== 'Never' && vxlanMode !== 'Never') spec.get('vxlanMode').fail(`${vxlanMode} with ipipMode ${ipipMode}: Calico allows IPIP or VXLAN on a pool, not both`);
  const natOutgoing = spec.get('natOutgoing').optBool() ?? false;
  if (spec.get('disabled').optBool() === true) return null;
  return { name, cidr: `${cidrNetwork(cidr)}/${prefix}`, blockSize, ipipMode, vxlanMode, natOutgoing };
}

function matchLabels(selector: Field): Record<string, string> | null {
  if (selector.optMap() === null) return null;
  const exprs = selector.get('matchExpressions').list();
  if (exprs.length > 0) selector.get('matchExpressions').fail('matchExpressions are not simulated; the tour reads matchLabels only');
  return selector.get('matchLabels').stringMap();
}

function readPeer(p: Field): NetworkPolicyPeerModel {
  p.optMap();
  const ipBlock = p.get('ipBlock');
  let cidr: string | null = null;
  if (ipBlock.optMap() !== null) {
    cidr = ipBlock.get('cidr').optCidr();
    if (cidr === null) ipBlock.get('cidr').fail('missing');
  }
  const podSelector = matchLabels(p.get('podSelector'));
  const namespaceSelector = matchLabels(p.get('namespaceSelector'));
  if (cidr === null && podSelector === null && namespaceSelector === null) p.fail('a peer needs podSelector, namespaceSelector or ipBlock');
  return { podSelector, namespaceSelector, ipBlock: cidr };
}

export function readNetworkPolicy(obj: Field, namespace: string): NetworkPolicyModel {
  const name = obj.get('metadata').get('name').string();
  const spec = obj.get('spec');
  if (spec.optMap() === null) spec.fail('missing');
  const podSelectorField = spec.get('podSelector');
  if (podSelectorField.absent) podSelectorField.fail('missing: {} selects every pod of the namespace');
  const podSelector = matchLabels(podSelectorField) ?? {};
  const typesField = spec.get('policyTypes');
  const ingressField = spec.get('ingress');
  const egressField = spec.get('egress');
  let policyTypes: ('Ingress' | 'Egress')[];
  if (typesField.absent) {
    // The API server defaults policyTypes: Ingress always, Egress when egress rules are present.
    policyTypes = egressField.list().length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  } else {
    policyTypes = typesField.list().map((t) => t.oneOf(['Ingress', 'Egress'] as const, 'Ingress'));
  }
  const ingress: NetworkPolicyRuleModel[] = ingressField.list().map((r) => {
    r.optMap();
    const from = r.get('from').list().map(readPeer);
    const ports = r.get('ports').list().map((p) => {
      p.optMap();
      const portField = p.get('port');
      const raw = portField.value;
      let port: number | string | null = null;
      if (typeof raw === 'string') port = raw;
      else if (!portField.absent) port = portField.port();
      return { protocol: p.get('protocol').protocol() as Protocol, port };
    });
    return { from, ports };
  });
  return { namespace, name, podSelector, policyTypes, ingress };
}

export interface RawBlockAffinity {
  readonly cidr: string;
  readonly node: string;
  readonly state: 'confirmed' | 'pending' | 'pendingDeletion';
  readonly nodeField: Field;
}

/** A BlockAffinity (crd.projectcalico.org/v1, or projectcalico.org/v3): spec.cidr, spec.node, spec.state. */
export function readBlockAffinity(obj: Field): RawBlockAffinity | null {
  const spec = obj.get('spec');
  if (spec.optMap() === null) spec.fail('missing: a BlockAffinity needs spec.cidr and spec.node');
  const cidrField = spec.get('cidr');
  if (cidrField.absent) cidrField.fail('missing');
  if ((cidrField.optString() ?? '').includes(':')) return null; // an IPv6 block
  const cidr = cidrField.optCidr() as string;
  const nodeField = spec.get('node');
  const node = nodeField.string();
  const state = spec.get('state').oneOf(['confirmed', 'pending', 'pendingDeletion'] as const, 'confirmed');
  const deleted = spec.get('deleted').value;
  if (deleted === true || deleted === 'true') return null;
  return { cidr: `${cidrNetwork(cidr)}/${cidr.split('/')[1]}`, node, state, nodeField };
}
