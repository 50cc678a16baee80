// kube-proxy's endpoint probabilities and how iptables stores and prints them.

/** proxier.go computeProbability: fmt.Sprintf("%0.10f", 1.0/float64(n)). */
export function kubeProxyProbability(n: number): string {
  return (1 / n).toFixed(10);
}

/**
 * libxt_statistic: parse stores lround(0x80000000 * p) (a u32), save prints "%.11f" of stored / 2^31.
 * So kube-proxy's 0.3333333333 comes back from iptables-save as 0.33333333349.
 */
export function iptablesSaveProbability(written: string): string {
  const stored = Math.round(0x80000000 * Number(written));
  return (stored / 0x80000000).toFixed(11);
}

/** The probability the kernel actually uses for a written value. */
export function effectiveProbability(written: string): number {
  return Math.round(0x80000000 * Number(written)) / 0x80000000;
}
