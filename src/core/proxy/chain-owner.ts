// Which Service a kube-proxy chain belongs to. Rule comments name it, but past 1,000 endpoints
// kube-proxy leaves them out of the KUBE-SEP rules and the KUBE-SVC -> KUBE-SEP jumps; the chain
// names, hashes of the service port and endpoint, are always there.

import type { ClusterModel, ServiceModel } from '../cluster/model.js';
import { memoByObject } from '../memo.js';
import { endpointChain, externalChain, serviceChain, serviceLocalChain } from './chain-names.js';
import { proxyServicePorts } from './service-ports.js';

const ownersOf = memoByObject((cluster: ClusterModel): ReadonlyMap<string, ServiceModel> => {
  const owners = new Map<string, ServiceModel>();
  for (const sp of proxyServicePorts(cluster)) {
    const protocol = sp.protocol.toLowerCase();
    for (const chain of [serviceChain(sp.spn, protocol), serviceLocalChain(sp.spn, protocol), externalChain(sp.spn, protocol)]) owners.set(chain, sp.service);
    for (const ep of sp.allEndpoints) owners.set(endpointChain(sp.spn, protocol, ep.key), sp.service);
  }
  return owners;
});

/** The Service whose KUBE-SVC-, KUBE-SVL-, KUBE-EXT- or KUBE-SEP- chain `chain` is, or null. */
export function serviceOfChain(cluster: ClusterModel, chain: string): ServiceModel | null {
  return ownersOf(cluster).get(chain) ?? null;
}
