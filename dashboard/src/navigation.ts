// The seed's main menu, in its order. Pages not built yet show a "not available yet" state.

export interface MenuItem {
  id: string;
  label: string;
}

export const MENU: MenuItem[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'mesh', label: 'Mesh' },
  { id: 'topology', label: 'Topology' },
  { id: 'services', label: 'Services' },
  { id: 'workloads', label: 'Workloads' },
  { id: 'gateways', label: 'Gateways' },
  { id: 'tap', label: 'Traffic tap' },
  { id: 'istio-resources', label: 'Istio resources' },
];

/** Maps a location hash such as "#/topology?ns=x" to a menu id; unknown routes fall back to overview. */
export function pageFromHash(hash: string): string {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return MENU.some((m) => m.id === id) ? id : 'overview';
}
