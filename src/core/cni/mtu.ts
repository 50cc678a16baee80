// The MTU each data plane gives the pods: an overlay's headers come out of the underlay's MTU.

import type { CniKind } from '../cluster/model.js';
import { CALICO_VXLAN_DEV, IPIP_DEV, IPIP_OVERHEAD } from './calico/names.js';
import { VXLAN_OVERHEAD } from './vxlan.js';

/**
 * The MTU of a pod's eth0 and of its host-side veth (and of Flannel's cni0): Flannel's subnet.env
 * FLANNEL_MTU (the underlay's minus 50 with VXLAN, the underlay's with host-gw), Calico's veth MTU
 * (minus 50 with VXLAN, minus 20 with IPIP, the underlay's with BGP alone), the underlay's for the
 * bridge CNI (no overlay).
 */
export function podMtu(cni: CniKind, underlayMtu: number): number {
  switch (cni) {
    case 'flannel-vxlan':
    case 'calico-vxlan':
      return underlayMtu - VXLAN_OVERHEAD;
    case 'calico-ipip':
      return underlayMtu - IPIP_OVERHEAD;
    case 'flannel-host-gw':
    case 'calico-bgp':
    case 'bridge':
      return underlayMtu;
  }
}

/**
 * The MTU of a node device: eth0 has the underlay's; a tunnel device takes its own headers off it
 * (flannel.1 and Felix's vxlan.calico 50 bytes, tunl0 20); cni0, the veths and cali* devices have the pods'.
 */
export function deviceMtu(cni: CniKind, underlayMtu: number, dev: string): number {
  if (dev === 'eth0') return underlayMtu;
  if (dev === 'flannel.1' || dev === CALICO_VXLAN_DEV) return underlayMtu - VXLAN_OVERHEAD;
  if (dev === IPIP_DEV) return underlayMtu - IPIP_OVERHEAD;
  return podMtu(cni, underlayMtu);
}
